"""The thread page is rendered once per change of the ticket, never shared across what it must not be."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from portal.extensions import db
from portal.tickets.models import Ticket
from tests.conftest import add_staff
from tests.tickets.conftest import FRIDAY_3PM, mailed_link, thread_url

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture
def app(make_app):
    """CSRF on, as in production: the cached page must carry each session's own token."""
    return make_app(NOW=FRIDAY_3PM, WTF_CSRF_ENABLED=True)


def _submit(app, valid) -> tuple:
    browser = app.test_client()
    page = browser.get("/permintaan/BCSM.02.01/pembuatan-tiket").get_data(as_text=True)
    data = {**valid, "csrf_token": TOKEN.search(page).group(1)}
    reference = thread_url(browser.post("/permintaan/BCSM.02.01/pembuatan-tiket", data=data)).split("/")[2]
    return browser, reference.split("?")[0]


def _statements(app, client, path: str) -> tuple[int, str]:
    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: seen.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200
    return len(seen), response.get_data(as_text=True)


def test_each_browser_gets_its_own_csrf_token_from_the_cached_page(app, valid):
    owner, reference = _submit(app, valid)
    first, page = _statements(app, owner, f"/status/{reference}")
    other = app.test_client()
    assert other.get(mailed_link(app), follow_redirects=True).status_code == 200
    again, cached = _statements(app, other, f"/status/{reference}")
    assert again == 1 < first  # the second view: the grant statement alone, the page reused
    mine, theirs = TOKEN.findall(page), TOKEN.findall(cached)
    assert mine and theirs and set(mine).isdisjoint(theirs)
    assert "\x00" not in cached
    for browser, token in ((owner, mine[0]), (other, theirs[0])):
        sent = browser.post(f"/status/{reference}/balas", data={"csrf_token": token, "pesan": "Terima kasih."})
        assert sent.status_code == 303
        # The flashed confirmation is this browser's: that view is rendered, not taken from the cache.
        assert "Pesan Anda telah dikirim." in browser.get(f"/status/{reference}").get_data(as_text=True)
    assert "Pesan Anda telah dikirim." not in other.get(f"/status/{reference}").get_data(as_text=True)


def test_a_staff_reply_at_the_same_instant_shows_at_once(app, valid):
    from portal.auth.models import User
    from portal.staff import service as staff

    owner, reference = _submit(app, valid)
    assert "Sudah kami proses" not in owner.get(f"/status/{reference}").get_data(as_text=True)
    user_id = add_staff(app, name="Agen", units=["Direktorat Teknis DJPb"])
    with app.test_request_context():  # a public reply queues its e-mail, which links the portal
        ticket = db.session.scalars(select(Ticket)).one()
        staff.add_message(db.session, ticket, db.session.get(User, user_id), "Sudah kami proses.", True, FRIDAY_3PM)
    # The clock is frozen, so updated_at did not move: the new event alone changes the page.
    assert "Sudah kami proses." in owner.get(f"/status/{reference}").get_data(as_text=True)
