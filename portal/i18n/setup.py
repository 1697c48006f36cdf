"""Wire the languages in: compiled catalogs, the language link, the glosses, ``flask i18n …``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from werkzeug.wrappers import Response

from portal.core.i18n import NAMES
from portal.core.templating import register_global
from portal.i18n import glossary, service, views
from portal.i18n.routes import bp


def compiled_folder(app: Flask) -> Path:
    """Compile the catalogs when needed; return the folder their ``.mo`` files are in.

    Beside the ``.po`` files when the package is writable (a checkout, ``pip install -e .``),
    else under the instance folder (a read-only install).
    """
    writable = service.writable(service.TRANSLATIONS)
    target = service.TRANSLATIONS if writable else Path(app.instance_path) / "translations"
    service.compile_catalogs(service.TRANSLATIONS, target)
    return target


@click.group("i18n", help="Katalog terjemahan: periksa, perbarui, kompilasi.")
def i18n_cli() -> None:
    """Translation catalog commands."""


@i18n_cli.command("check")
def check_command() -> None:
    """List messages the English catalog misses, fuzzy entries and differing placeholders; exit 1 if any."""
    problems = service.check(service.extract(), service.read("en"))
    if problems:
        click.echo(problems.report("en"))
        raise SystemExit(1)
    click.echo("en: lengkap")


@i18n_cli.command("update")
def update_command() -> None:
    """Extract the messages and merge them into the id and en catalogs (new ones untranslated)."""
    service.update(service.extract())
    problems = service.check(service.extract(), service.read("en"))
    click.echo(problems.report("en") if problems else "en: lengkap")


@i18n_cli.command("compile")
def compile_command() -> None:
    """Compile the catalogs now (the application also does it at start when one is stale)."""
    for path in service.compile_catalogs():
        click.echo(str(path))


def init_app(app: Flask) -> None:
    """Compile the catalogs, point Flask-Babel at them, register the link, filters and commands."""
    folder = compiled_folder(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(folder)
    app.config["PORTAL_TRANSLATIONS_COMPILED"] = str(folder)
    app.register_blueprint(bp)
    app.add_template_filter(glossary.gloss, "gloss")
    app.add_template_filter(glossary.gloss_html, "gloss_html")
    register_global(app, "language_names", NAMES)
    register_global(app, "language_switch_url", views.switch_url)
    app.cli.add_command(i18n_cli)
    app.after_request(vary_on_language)


def vary_on_language(response: Response) -> Response:
    """Tell caches between the portal and the visitor that a page depends on the language asked for."""
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response
