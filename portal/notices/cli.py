"""``flask kalender …`` and ``flask pengumuman …``: closures, extra working days, notices."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.core.clock import today
from portal.extensions import db
from portal.notices import service

calendar_cli = AppGroup("kalender", help="Hari tutup dan hari buka tambahan layanan HAI-DJPb.")
notice_cli = AppGroup("pengumuman", help="Pengumuman di beranda.")

DATE = click.DateTime(["%Y-%m-%d"])


def _fail(message: str) -> None:
    click.echo(f"GALAT: {message}", err=True)
    raise SystemExit(1)


def _changed() -> None:
    # The calendar and every cached page that shows the desk status or announcements.
    service.publish_change()


def _set_day(day, is_open: bool, reason: str) -> None:
    """Record the override, announce it on the home page until that day, refresh caches.

    A day already past is refused: it cannot change a due time any more, and its
    announcement would end before it starts.
    """
    current = today()
    if day.date() < current:
        _fail(f"Tanggal ({day:%d-%m-%Y}) sebelum hari ini ({current:%d-%m-%Y}); tidak ada yang diubah.")
    service.set_override(db.session(), day.date(), is_open, reason)
    title = f"Layanan {'buka' if is_open else 'tutup'} {day:%d-%m-%Y}"
    service.add_announcement(db.session(), title, reason, current, day.date())
    _changed()
    click.echo(f"HAI-DJPb {'buka' if is_open else 'tutup'} pada {day:%Y-%m-%d}: {reason}")


@calendar_cli.command("tutup")
@click.argument("day", type=DATE)
@click.option("--alasan", required=True, help="Alasan, ditampilkan di beranda.")
def close(day, alasan: str) -> None:
    """Close the help desk on DAY (YYYY-MM-DD) and announce it."""
    _set_day(day, False, alasan)


@calendar_cli.command("buka")
@click.argument("day", type=DATE)
@click.option("--alasan", required=True, help="Alasan, ditampilkan di beranda.")
def open_day(day, alasan: str) -> None:
    """Open the help desk on DAY although it is a weekend or holiday, and announce it."""
    _set_day(day, True, alasan)


@calendar_cli.command("hapus")
@click.argument("day", type=DATE)
def remove(day) -> None:
    """Remove the closure or opening of DAY."""
    found = service.remove_override(db.session(), day.date())
    _changed()
    click.echo("Dihapus." if found else "Tidak ada pengaturan untuk tanggal itu.")


@calendar_cli.command("daftar")
def listing() -> None:
    """List the coming closures and openings."""
    current = today()
    click.echo(f"Mulai hari ini ({current:%d-%m-%Y}):")
    for row in service.upcoming_overrides(db.session(), current, limit=100):
        click.echo(f"{row.day:%Y-%m-%d}  {'BUKA ' if row.open else 'TUTUP'}  {row.reason}")


@notice_cli.command("tambah")
@click.option("--judul", required=True)
@click.option("--isi", default="")
@click.option("--mulai", type=DATE, required=True)
@click.option("--selesai", type=DATE, required=True)
def add(judul: str, isi: str, mulai, selesai) -> None:
    """Publish an announcement on the home page for a period."""
    current = today()
    if selesai.date() < current:
        _fail(
            f"Tanggal selesai ({selesai:%d-%m-%Y}) sebelum hari ini ({current:%d-%m-%Y}); "
            "pengumuman tidak diterbitkan."
        )
    try:
        service.add_announcement(db.session(), judul, isi, mulai.date(), selesai.date())
    except service.NoticeError as exc:
        _fail(str(exc))
    _changed()
    click.echo("Pengumuman diterbitkan.")
