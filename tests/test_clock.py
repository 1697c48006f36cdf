"""One clock: nothing in ``portal/`` reads the wall clock except ``portal/core/clock.py``."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from portal.core import clock

ROOT = Path(__file__).resolve().parent.parent
CLOCK_MODULE = "portal/core/clock.py"

# (object, attribute) pairs that read the time of day. time.monotonic and perf_counter
# measure durations and stay allowed.
FORBIDDEN = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("datetime", "today"),
    ("date", "today"),
    ("time", "time"),
    ("time", "time_ns"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
    ("time", "asctime"),
    ("time", "strftime"),
}


def wall_clock_calls(source: str) -> list[tuple[int, str]]:
    """Return (line, text) of every call in ``source`` that reads the wall clock.

    Catches ``datetime.now()``, ``datetime.datetime.now()``, ``date.today()``,
    ``time.time()`` and the same names imported on their own (``from time import time``).
    """
    tree = ast.parse(source)
    bare: dict[str, str] = {}  # local name -> "time.time" for `from time import time as t`
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in {"time", "datetime"}:
            for alias in node.names:
                if (node.module, alias.name) in FORBIDDEN:
                    bare[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute):
            owner = func.value
            owner_name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (owner_name, func.attr) in FORBIDDEN:
                found.append((node.lineno, f"{owner_name}.{func.attr}()"))
        elif isinstance(func, ast.Name) and func.id in bare:
            found.append((node.lineno, f"{bare[func.id]}()"))
        # email.utils.formatdate() with no moment reads time.time() itself.
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name == "formatdate" and not node.args and not any(k.arg == "timeval" for k in node.keywords):
            found.append((node.lineno, "formatdate()"))
    return found


def test_the_check_finds_a_planted_wall_clock_read():
    planted = """
import datetime as dt
import time
from datetime import UTC, date, datetime
from email.utils import formatdate
from time import time as stamp


def due_time(ticket):
    created = datetime.now(UTC)
    if date.today().weekday() > 4:
        return dt.datetime.utcnow()
    return created, time.time(), stamp(), formatdate(localtime=False)
"""
    calls = [text for _line, text in wall_clock_calls(planted)]
    assert sorted(calls) == sorted(
        ["datetime.now()", "date.today()", "datetime.utcnow()", "time.time()", "time.time()", "formatdate()"]
    )


def test_the_check_leaves_durations_and_the_clock_alone():
    allowed = """
import time
from portal.core.clock import now, today


def elapsed(start):
    return time.monotonic() - start, time.perf_counter(), now(), today()
"""
    assert wall_clock_calls(allowed) == []


def test_no_module_outside_the_clock_reads_the_wall_clock():
    offenders = []
    for path in sorted((ROOT / "portal").rglob("*.py")):
        name = path.relative_to(ROOT).as_posix()
        if name == CLOCK_MODULE:
            continue
        offenders += [f"{name}:{line}: {text}" for line, text in wall_clock_calls(path.read_text())]
    assert offenders == []


def test_the_clock_module_is_the_one_place_that_does(app):
    source = (ROOT / CLOCK_MODULE).read_text()
    assert [text for _line, text in wall_clock_calls(source)] == ["datetime.now()"]


def test_now_is_the_setting_when_set_and_aware_utc(make_app):
    frozen = datetime(2031, 2, 3, 7, 30, tzinfo=UTC)
    app = make_app(NOW=frozen)
    with app.app_context():
        assert clock.now() == frozen and clock.now().tzinfo is UTC
        assert clock.timestamp() == frozen.timestamp()


def test_today_is_the_date_in_jakarta_not_in_utc(make_app):
    # 2031-02-03 20:00 UTC is already 04-02 in WIB: a report made then is about the 4th.
    app = make_app(NOW=datetime(2031, 2, 3, 20, 0, tzinfo=UTC))
    with app.app_context():
        assert clock.today() == date(2031, 2, 4)
        assert clock.today("UTC") == date(2031, 2, 3)


def test_now_from_the_environment_is_parsed(make_app):
    app = make_app(NOW="2031-02-03T10:00:00+07:00")
    with app.app_context():
        assert clock.now() == datetime(2031, 2, 3, 3, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["kemarin", "2031-02-03T10:00:00", 20310203])
def test_a_bad_setting_is_refused_with_its_value(make_app, value):
    app = make_app(NOW=value)
    with app.app_context(), pytest.raises(clock.ClockError):
        clock.now()


def test_timestamps_written_by_the_portal_follow_the_frozen_clock(make_app):
    from portal.extensions import db
    from portal.notices.models import Announcement

    frozen = datetime(2031, 2, 3, 7, 30, tzinfo=UTC)
    app = make_app(NOW=frozen)
    with app.app_context():
        row = Announcement(title="Uji", body="", starts_on=date(2031, 2, 3), ends_on=date(2031, 2, 4))
        db.session.add(row)
        db.session.commit()
        assert row.created_at == frozen


def test_outside_an_app_the_clock_is_the_machine_clock():
    before = datetime.now(UTC)
    assert before - timedelta(seconds=1) <= clock.now() <= datetime.now(UTC) + timedelta(seconds=1)


def test_letters_are_dated_by_the_application_clock(make_app):
    from email.utils import parsedate_to_datetime

    from portal.extensions import db
    from portal.mail import delivery, service
    from tests.conftest import outbox

    frozen = datetime(2031, 2, 3, 7, 30, tzinfo=UTC)
    app = make_app(NOW=frozen)
    with app.app_context():
        context = {"name": "A", "email": "a@example.test", "when": "-", "by_administrator": False}
        service.enqueue(db.session(), to="a@example.test", subject="Uji", template="password_changed", context=context)
        db.session.commit()
        delivery.send_due(db.session())
    [message] = outbox(app)
    assert parsedate_to_datetime(message["Date"]) == frozen
