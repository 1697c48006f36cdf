"""The shape of ``portal/``: core knows no feature, no one imports another feature's views, no cycles,
one route list per feature.

The import graph is read from the source (every ``import`` statement, including those inside
functions, which hide cycles from Python at start-up but not from a reader).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORTAL = ROOT / "portal"


def module_name(path: Path, root: Path) -> str:
    """Return the dotted name of a module file under ``root``."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(base: Path = PORTAL) -> dict[str, set[str]]:
    """Map every module under ``base`` to the portal modules it imports."""
    files = {module_name(p, base.parent): p for p in base.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    source = ".".join(anchor + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    # ``from portal.x import views`` imports the module portal.x.views.
                    submodule = f"{source}.{alias.name}"
                    targets.add(submodule if submodule in files else source)
        graph[name] = {t for t in targets if t in files and t != name}
    return graph


def feature_of(module: str) -> str | None:
    """Return the package under ``portal`` a module belongs to (None for ``portal`` and its modules).

    ``portal.x`` counts as package ``x`` when it is one (``portal/x/__init__.py``).
    """
    parts = module.split(".")
    if len(parts) >= 3 or (len(parts) == 2 and (PORTAL / parts[1]).is_dir()):
        return parts[1]
    return None


def is_views(module: str) -> bool:
    """Tell whether a module holds view functions (``views.py`` or ``*_views.py``)."""
    last = module.rpartition(".")[2]
    return last == "views" or last.endswith("_views")


def core_to_feature(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports from ``portal.core`` of any feature package."""
    return sorted(
        (a, b)
        for a, targets in graph.items()
        for b in targets
        if feature_of(a) == "core" and feature_of(b) not in (None, "core")
    )


def foreign_views(graph: dict[str, set[str]]) -> list[tuple[str, str]]:
    """Imports of another package's views."""
    return sorted(
        (a, b) for a, targets in graph.items() for b in targets if is_views(b) and feature_of(a) != feature_of(b)
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_core_imports_no_feature():
    assert core_to_feature(import_graph()) == []


def test_no_module_imports_another_packages_views():
    assert foreign_views(import_graph()) == []


def test_every_feature_wires_itself():
    # create_app only loops over FEATURES: a package left out would have no routes at all.
    from portal import FEATURES

    packages = {p.name for p in PORTAL.iterdir() if (p / "__init__.py").exists()} - {"core"}
    assert set(FEATURES) == packages
    assert all((PORTAL / name / "setup.py").exists() for name in FEATURES)


def test_no_import_cycles():
    assert cycles(import_graph()) == []


# ``@bp.route``, ``@bp.get``, … attach a URL rule; so does ``add_url_rule``, and ``Blueprint(…)`` makes
# the thing rules are attached to. ``@limiter.limit``, ``@access`` and the like stay on the views.
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}
ROUTE_CALLS = {"add_url_rule", "Blueprint"}
# Features with a single view module, which lists their few routes beside the views (no routes.py).
ROUTES_IN_VIEWS = {"auth", "catalog", "kb"}


def attaches_routes(tree: ast.Module) -> bool:
    """Tell whether a module makes a blueprint or attaches a URL rule (decorator or ``add_url_rule``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if name in ROUTE_CALLS:
                return True
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for decorator in node.decorator_list:
                target = decorator.func if isinstance(decorator, ast.Call) else decorator
                if isinstance(target, ast.Attribute) and target.attr in ROUTE_DECORATORS:
                    return True
    return False


def route_modules(base: Path = PORTAL) -> set[str]:
    """The modules under ``base`` that make a blueprint or attach a route."""
    return {module_name(p, base.parent) for p in base.rglob("*.py") if attaches_routes(ast.parse(p.read_text()))}


def misplaced_routes(modules: set[str], routes_in_views: set[str] = ROUTES_IN_VIEWS) -> list[str]:
    """Modules attaching routes that are not their feature's one route list.

    The route list is ``portal.<feature>.routes``, or ``portal.<feature>.views`` for the features
    in ``routes_in_views``.
    """
    allowed = {f"portal.{feature_of(m)}.routes" for m in modules} | {f"portal.{f}.views" for f in routes_in_views}
    return sorted(modules - allowed)


def test_each_feature_lists_its_routes_in_one_module():
    # Blueprints and URL rules live in the feature's routes.py; view modules carry only views (with
    # their @access and @limiter.limit). A second view module in auth, catalog or kb means a routes.py.
    modules = route_modules()
    assert misplaced_routes(modules) == []
    for name in ROUTES_IN_VIEWS:
        assert not (PORTAL / name / "routes.py").exists(), name
        assert [p.name for p in (PORTAL / name).glob("*.py") if is_views(p.stem)] == ["views.py"], name
    # Every routes.py holds routes, and each feature serving pages has exactly one such list.
    lists = {f"portal.{p.parent.name}.routes" for p in PORTAL.glob("*/routes.py")}
    assert modules == lists | {f"portal.{name}.views" for name in ROUTES_IN_VIEWS}
    assert "portal.siap.routes" in modules


def test_the_route_check_sees_every_way_of_attaching_a_route(tmp_path):
    # A miniature portal: rules by decorator, by add_url_rule in a setup, a blueprint made elsewhere.
    package = tmp_path / "portal"
    for folder in ("shop", "desk"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "shop" / "routes.py").write_text(
        "from flask import Blueprint\nfrom portal.shop import views\n"
        "bp = Blueprint('shop', __name__)\nbp.add_url_rule('/', view_func=views.index)\n"
    )
    (package / "shop" / "views.py").write_text("@limiter.limit('1 per day')\n@access(PUBLIC)\ndef index():\n    pass\n")
    (package / "shop" / "more_views.py").write_text("@bp.get('/more')\ndef more():\n    pass\n")
    (package / "shop" / "setup.py").write_text("def init_app(app):\n    app.add_url_rule('/x', 'x', print)\n")
    (package / "desk" / "views.py").write_text("@bp.route('/desk', methods=['GET'])\nasync def page():\n    pass\n")
    (package / "desk" / "panel.py").write_text("import flask\nside = flask.Blueprint('side', __name__)\n")
    modules = route_modules(package)
    everything = ["portal.desk.panel", "portal.desk.views", "portal.shop.more_views", "portal.shop.setup"]
    assert misplaced_routes(modules, routes_in_views=set()) == everything
    assert misplaced_routes(modules, routes_in_views={"desk"}) == [m for m in everything if m != "portal.desk.views"]
    assert "portal.shop.routes" in modules and "portal.shop.views" not in modules


def test_the_checks_see_imports_inside_functions(tmp_path):
    # A miniature portal with each fault hidden in a function body: the checks must find all three.
    package = tmp_path / "portal"
    for folder in ("core", "shop", "desk"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "core" / "util.py").write_text("def f():\n    from portal.shop import service\n")
    (package / "shop" / "service.py").write_text("def g():\n    from . import views\n")
    (package / "shop" / "views.py").write_text("from portal.shop.service import g\n")
    (package / "desk" / "service.py").write_text("def h():\n    from portal.shop.views import x\n")
    graph = import_graph(package)
    assert core_to_feature(graph) == [("portal.core.util", "portal.shop.service")]
    assert foreign_views(graph) == [("portal.desk.service", "portal.shop.views")]
    assert cycles(graph) == [["portal.shop.service", "portal.shop.views"]]


# Features that still read another feature's tables directly (known debt, to move behind that
# feature's service). The catalog's models are in-memory types, not tables, and core's are shared.
MODEL_READS_DEBT = {
    ("api", "tickets"),
    ("staff", "auth"),
    ("staff", "tickets"),
}


def foreign_model_reads(graph: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(feature, other feature) pairs where a module imports the other feature's models."""
    return {
        (feature_of(a), feature_of(b))
        for a, targets in graph.items()
        for b in targets
        if feature_of(a) is not None  # portal/models.py gathers every table for the migrations
        and b.endswith(".models")
        and feature_of(b) not in (None, "core", "catalog", feature_of(a))
    }


def test_features_read_other_features_data_through_their_services():
    assert foreign_model_reads(import_graph()) <= MODEL_READS_DEBT


def test_status_literals_live_only_in_their_enums():
    from portal.siap.models import ComplaintStatus
    from portal.tickets.models import TicketStatus

    values = {str(s) for s in (*TicketStatus, *ComplaintStatus)}
    # The same words with another meaning: a CSV metric name, the "just filed" flag of a URL.
    other_meanings = {("portal/staff/dashboard_views.py", "selesai"), ("portal/tickets/status_views.py", "baru")}
    found = set()
    for path in PORTAL.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text())
        enum_bodies = {
            id(node)
            for cls in ast.walk(tree)
            if isinstance(cls, ast.ClassDef) and cls.name in ("TicketStatus", "ComplaintStatus")
            for node in ast.walk(cls)
        }
        name = path.relative_to(ROOT).as_posix()
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in values and id(node) not in enum_bodies:
                found.add((name, node.value))
    assert found <= other_meanings
    quoted = re.compile("['\"](" + "|".join(map(re.escape, values)) + ")['\"]")
    pages = (ROOT / "templates").rglob("*.html")
    assert [p.relative_to(ROOT).as_posix() for p in pages if quoted.search(p.read_text())] == []


def test_services_take_their_session_as_an_argument():
    # Views and commands pass db.session; services never reach for the global one.
    siap_services = ("members", "sessions", "retention", "audit")
    modules = [*PORTAL.glob("*/service.py"), *(PORTAL / "siap" / f"{name}.py" for name in siap_services)]
    assert [p.relative_to(ROOT).as_posix() for p in modules if "db.session" in p.read_text()] == []
