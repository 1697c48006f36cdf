"""``flask catalog …`` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.catalog.amendments import load_amendments
from portal.catalog.loader import CatalogError, build_catalog
from portal.catalog.service import DATA_DIR, consistency_report
from portal.core.clock import today as clock_today

catalog_cli = AppGroup("catalog", help="Kelola katalog layanan.")

LABELS = {"error": "GALAT", "warning": "PERINGATAN", "note": "CATATAN", "reading": "TAFSIRAN", "amendment": "AMANDEMEN"}


@catalog_cli.command("check")
@click.option(
    "--file",
    "path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Berkas katalog lain untuk diperiksa (bawaan: katalog yang dipakai aplikasi).",
)
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Tanggal acuan (bawaan: hari ini).")
def check(path: Path | None, today) -> None:
    """Print the catalog consistency report; exit 1 when the file has errors."""
    import tomllib

    path = path or Path(current_app.root_path) / "catalog" / current_app.config["CATALOG_FILE"]
    try:
        with open(path, "rb") as fh:
            catalog = build_catalog(tomllib.load(fh))
        # The amendments are judged against the catalog being checked: a stale file is an error.
        amendments = load_amendments(DATA_DIR / current_app.config["AMENDMENTS_FILE"], catalog)
    except (CatalogError, tomllib.TOMLDecodeError) as exc:
        click.echo(f"GALAT: {exc}", err=True)
        raise SystemExit(1) from exc
    reference = today.date() if today else clock_today()
    findings = consistency_report(catalog, reference, amendments)
    services = len(catalog.services)
    subscopes = sum(len(s.subscopes) for s in catalog.services)
    click.echo(
        f"Katalog {catalog.version} ({path.name}): {services} layanan, {subscopes} sub-lingkup, "
        f"{len(catalog.user_types)} jenis pengguna, {len(catalog.linked_units)} unit terkait."
    )
    # Say which date the yearly-review warning was judged against, so a report is never
    # read as current when it was made for another day.
    click.echo(f"Tanggal acuan: {reference:%d-%m-%Y} ({'--today' if today else 'hari ini'}).")
    for finding in findings:
        where = f"[{finding.code}] " if finding.code else ""
        click.echo(f"{LABELS[finding.level]}: {where}{finding.message}")
    errors = sum(f.level == "error" for f in findings)
    warnings = sum(f.level == "warning" for f in findings)
    in_force = len(amendments.in_force(reference))
    click.echo(f"{errors} galat, {warnings} peringatan, {in_force} amandemen berlaku.")
    if errors:
        raise SystemExit(1)
