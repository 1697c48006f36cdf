""""Tiket saya": same answer for every address, a single-use 30-minute link, a session that ends (#19 item 6)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.core.logs import redact
from portal.extensions import db
from portal.tickets.models import MyTicketsGrant, MyTicketsLink
from tests.conftest import outbox
from tests.staff.conftest import new_ticket
from tests.tickets.conftest import FRIDAY_3PM

URL = "/tiket-saya"
BUDI = "budi@satker.go.id"


def ask(client, email=BUDI, remote="127.0.0.1"):
    """Post the form (from the client address ``remote``); return the answer."""
    return client.post(URL, data={"email": email}, environ_base={"REMOTE_ADDR": remote})


def link_of(app) -> str:
    """The path and query of the link in the newest e-mail."""
    body = outbox(app)[-1].get_body().get_content()
    return re.search(r"http://localhost(/tiket-saya/buka\?t=[\w-]+)", body).group(1)


def use(client, link):
    """Open the link and press its one button; return the POST's answer."""
    token = link.split("t=", 1)[1]
    return client.post("/tiket-saya/buka", data={"t": token})


@pytest.fixture
def tickets(app):
    """Two tickets of Budi (one typed in capitals) and one of someone else."""
    return {
        "first": new_ticket(app),
        "second": new_ticket(app, email="Budi@Satker.go.id", subjek="SPAN tidak bisa diakses"),
        "other": new_ticket(app, email="siti@satker.go.id"),
    }


def test_known_and_unknown_addresses_get_the_same_answer(make_app):
    app = make_app(NOW=FRIDAY_3PM)
    new_ticket(app)
    app.config["WTF_CSRF_ENABLED"] = True
    answers = []
    for email in (BUDI, "tidak-ada@satker.go.id"):
        client = app.test_client()
        form = client.get(URL).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
        posted = client.post(URL, data={"email": email, "csrf_token": token})
        page = client.get(posted.headers["Location"])
        bodies = [
            re.sub(rb'name="csrf_token" type="hidden" value="[^"]+"', b"CSRF", r.get_data()) for r in (posted, page)
        ]
        answers.append((posted.status_code, posted.headers["Location"], page.status_code, *bodies))
    assert answers[0] == answers[1]
    assert answers[0][0] == 303 and b"Periksa kotak masuk" in answers[0][4]
    assert [m["To"] for m in outbox(app) if "Daftar tiket" in m["Subject"]] == [BUDI]  # only the known one


def test_the_link_works_once_and_lists_every_ticket_of_the_address(app, tickets):
    client = app.test_client()
    assert ask(client, "BUDI@satker.go.id").status_code == 303
    link = link_of(app)
    opened = client.get(link)
    assert opened.status_code == 200 and opened.headers["Referrer-Policy"] == "no-referrer"
    assert opened.headers["Cache-Control"].startswith("no-store")
    used = use(client, link)
    assert used.status_code == 303 and used.headers["Location"] == "/tiket-saya/daftar"  # no token any more
    page = client.get("/tiket-saya/daftar")
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    listed = {li["data-ticket"]: li.get_text(" ", strip=True) for li in soup.select("li[data-ticket]")}
    assert set(listed) == {tickets["first"], tickets["second"]}  # not Siti's
    text = listed[tickets["first"]]
    assert "Baru" in text and "Perkiraan selesai" in text and "Pembaruan terakhir" in text and "WIB" in text
    # The second use of the link, by GET or by POST, opens nothing.
    assert client.get(link).status_code == 410
    other = app.test_client()
    assert use(other, link).status_code == 410
    assert other.get("/tiket-saya/daftar").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MyTicketsGrant)) == 1


def test_a_thread_opens_from_the_list_and_only_the_addresses_own(app, tickets):
    client = app.test_client()
    ask(client)
    use(client, link_of(app))
    opened = client.get(f"/tiket-saya/tiket/{tickets['first']}")
    assert opened.headers["Location"] == f"/status/{tickets['first']}"
    assert "Reset user SAKTI" in client.get(opened.headers["Location"]).get_data(as_text=True)
    assert client.get(f"/tiket-saya/tiket/{tickets['other']}").status_code == 404
    assert client.get("/tiket-saya/tiket/HAI-0000-XXXXXXXX").status_code == 404
    assert app.test_client().get(f"/tiket-saya/tiket/{tickets['first']}").status_code == 404  # no list session


@pytest.mark.parametrize(("minutes", "works"), [(29, True), (31, False)])
def test_the_link_expires_after_thirty_minutes(app, tickets, minutes, works):
    client = app.test_client()
    ask(client)
    link = link_of(app)
    app.config["NOW"] = FRIDAY_3PM + timedelta(minutes=minutes)
    assert client.get(link).status_code == (200 if works else 410)
    assert use(client, link).status_code == (303 if works else 410)


def test_the_list_session_and_its_threads_end(app, tickets):
    client = app.test_client()
    ask(client)
    use(client, link_of(app))
    app.config["NOW"] = FRIDAY_3PM + timedelta(minutes=50)
    thread = client.get(f"/tiket-saya/tiket/{tickets['first']}").headers["Location"]
    assert client.get(thread).status_code == 200
    app.config["NOW"] = FRIDAY_3PM + timedelta(minutes=61)
    ended = client.get("/tiket-saya/daftar")
    assert ended.status_code == 403 and "Sesi daftar tiket telah berakhir" in ended.get_data(as_text=True)
    assert client.get(thread).status_code == 403  # the thread grant ended with the list


def test_closing_the_list_ends_it_on_the_server(app, tickets):
    client = app.test_client()
    ask(client)
    use(client, link_of(app))
    copied = client.get_cookie("session").value
    assert client.post("/tiket-saya/keluar").headers["Location"] == URL
    thief = app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/tiket-saya/daftar").status_code == 403


def test_bad_links_answer_410_not_500(app, tickets):
    client = app.test_client()
    for query in ("", "?t=", "?t=" + "x" * 5000, "?t=%00", "?t=tidak-ada"):
        assert client.get(f"/tiket-saya/buka{query}").status_code in (400, 410), query
    assert client.post("/tiket-saya/buka", data={}).status_code == 410
    assert client.post("/tiket-saya/buka", data={"t": "y" * 500}).status_code == 410


def test_bad_addresses_get_a_field_error(app):
    client = app.test_client()
    for email in ("", "bukan-email", "a@b", "x" * 300 + "@satker.go.id"):
        page = client.post(URL, data={"email": email})
        assert page.status_code == 422 and 'role="alert"' in page.get_data(as_text=True), email
    assert outbox(app) == []


def test_rate_limited_per_address_and_per_client(make_app):
    app = make_app(NOW=FRIDAY_3PM, RATELIMIT_ENABLED=True)
    new_ticket(app)

    client = app.test_client()
    # The same address from three clients, then a fourth: refused, whatever the client.
    assert [ask(client, "Budi@Satker.go.id", f"10.0.0.{i}").status_code for i in range(4)] == [303, 303, 303, 429]
    assert ask(client, "siti@satker.go.id", "10.0.0.9").status_code == 303  # another address is not held up
    # One client asking about many addresses: five in ten minutes.
    codes = [ask(client, f"orang{i}@satker.go.id", "10.0.0.20").status_code for i in range(6)]
    assert codes == [303] * 5 + [429]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MyTicketsLink)) == 3  # one e-mail per answer


def test_signed_in_accounts_see_their_tickets_without_the_email_step(app, make_user, login):
    make_user(email="kppn@kemenkeu.go.id", role="pengguna", units=(), user_type=2)
    own = new_ticket(app, email="kppn@kemenkeu.go.id")
    other = new_ticket(app)
    client = app.test_client()
    login(email="kppn@kemenkeu.go.id", c=client)
    page = client.get(URL)
    assert page.status_code == 200
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    refs = [li["data-ticket"] for li in soup.select("li[data-ticket]")]
    assert refs == [own] and not outbox(app)[-1]["Subject"].startswith("Daftar tiket")
    assert client.get(f"/tiket-saya/tiket/{own}").headers["Location"] == f"/status/{own}"
    assert client.get(f"/tiket-saya/tiket/{other}").status_code == 404


def test_the_token_is_redacted_from_access_logs():
    assert redact('"GET /tiket-saya/buka?t=HJk8vOncvG HTTP/1.1"') == '"GET /tiket-saya/buka?t=[REDACTED] HTTP/1.1"'


def test_requesters_find_it_from_the_status_page_and_the_menu(app):
    client = app.test_client()
    for path in ("/status", "/"):
        soup = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
        assert soup.select_one('a[href="/tiket-saya"]'), path
