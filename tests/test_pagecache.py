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


def test_a_page_with_a_form_is_cached_with_each_visitors_own_token(make_app):
    """FAQ articles (issue 17: the catalog lead made them slower) are cached without the CSRF token."""
    import re

    app = make_app(WTF_CSRF_ENABLED=True)
    article = app.extensions["kb"].for_code("ITSM.01.04")[0]
    url = f"/faq/ITSM.01.04/{article.slug}"
    tokens, pages = [], []
    for _visitor in range(2):
        client = app.test_client()
        page = client.get(url).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        tokens.append(token)
        pages.append(page.replace(token, ""))
        answer = client.post(f"{url}/umpan-balik", data={"csrf_token": token, "helpful": "ya"})
        assert answer.status_code == 302
        assert "Terima kasih" in client.get(answer.headers["Location"]).get_data(as_text=True)
    assert tokens[0] != tokens[1] and pages[0] == pages[1]
    assert any(key[0] == "token" and key[1].startswith(url) for key in app.extensions["page_cache"]._items)
