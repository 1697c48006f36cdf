"""Rendered catalog pages are reused for anonymous visitors, never across what differs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def test_anonymous_pages_are_cached_and_keyed_by_desk_status(make_app):
    app = make_app(NOW=datetime(2026, 11, 30, 10, 0, tzinfo=WIB))
    client = app.test_client()
    first = client.get("/layanan/ITSM.02").get_data()
    cache = app.extensions["page_cache"]
    assert len(cache._items) == 1
    assert client.get("/layanan/ITSM.02").get_data() == first
    app.config["NOW"] = datetime(2026, 11, 30, 17, 0, tzinfo=WIB)  # the desk has closed meanwhile
    later = client.get("/layanan/ITSM.02").get_data(as_text=True)
    assert "Tutup — buka kembali" in " ".join(later.split())
    assert len(cache._items) == 2


def test_signed_in_visitors_and_flashes_bypass_the_cache(app, client, make_user, login):
    client.get("/layanan/ITSM.02")
    make_user()
    login()
    page = client.get("/layanan/ITSM.02").get_data(as_text=True)
    assert "Keluar (Petugas Uji)" in page  # not the anonymous copy


def test_announcement_clears_the_cache(app, client):
    client.get("/")
    result = app.test_cli_runner().invoke(
        args=[
            "pengumuman",
            "tambah",
            "--judul",
            "Libur akhir tahun",
            "--mulai",
            "2020-01-01",
            "--selesai",
            "2099-01-01",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "Libur akhir tahun" in client.get("/").get_data(as_text=True)


def test_cached_pages_skip_the_rate_limiter_and_declare_no_limit(app):
    """The limiter skips page-cached reads (portal.core.pagecache); a limit put on one would be ignored."""
    from flask_limiter.util import get_qualified_name

    from portal.extensions import limiter

    cached = {name: view for name, view in app.view_functions.items() if getattr(view, "page_cached", False)}
    assert {"catalog.home", "catalog.detail", "catalog.index"} <= set(cached)
    with app.app_context():
        for name, view in cached.items():
            assert limiter.limit_manager.decorated_limits(get_qualified_name(view)) == [], name
