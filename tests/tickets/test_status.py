"""Status checks: summary by reference, thread by token or e-mail, replies, rate limits."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket
from tests.tickets.conftest import mailed_link, thread_url


def reference_of(url: str) -> str:
    return re.search(r"/status/([^?]+)", url).group(1)


def test_reference_alone_shows_summary_without_personal_data(app, submit, make_app):
    url = thread_url(submit())
    reference = reference_of(url)
    other = app.test_client()  # a different browser: no token, no session
    page = other.post("/status", data={"referensi": reference.lower()}).get_data(as_text=True)
    summary = BeautifulSoup(page, "html.parser").select_one("[data-summary]")
    text = summary.get_text(" ")
    assert reference in text and "BCSM.02.01" in text and "Baru" in text
    assert "Perkiraan selesai" in text and "Pembaruan terakhir" in text
    for private in ("Budi", "budi@satker.go.id", "123456", "Pembatalan SP2D gaji", "rekening yang salah"):
        assert private not in page


def test_thread_needs_token_or_email(app, submit):
    url = thread_url(submit())
    reference = reference_of(url)
    stranger = app.test_client()
    assert stranger.get(f"/status/{reference}").status_code == 403
    guess = stranger.get(f"/status/{reference}?t=tebakan")
    assert guess.status_code == 303 and guess.headers["Location"] == f"/status/{reference}"
    refused = stranger.get(f"/status/{reference}")
    assert refused.status_code == 403 and "sudah tidak berlaku" in refused.get_data(as_text=True)
    owner = app.test_client()
    page = owner.get(mailed_link(app), follow_redirects=True).get_data(as_text=True)
    assert "rekening yang salah" in page
    by_mail = app.test_client()
    response = by_mail.post("/status", data={"referensi": reference, "email": "BUDI@satker.go.id"})
    assert response.headers["Location"].endswith(f"/status/{reference}")
    assert "rekening yang salah" in by_mail.get(f"/status/{reference}").get_data(as_text=True)


def test_unknown_reference_and_wrong_email_answer_alike(app, submit):
    reference = reference_of(thread_url(submit()))
    client = app.test_client()
    wrong = client.post("/status", data={"referensi": reference, "email": "orang@lain.go.id"})
    unknown = client.post("/status", data={"referensi": "HAI-2611-ZZZZZZZZ", "email": "orang@lain.go.id"})
    assert wrong.status_code == unknown.status_code == 404

    def main(r):
        return BeautifulSoup(r.get_data(as_text=True), "html.parser").select_one("main").get_text(" ", strip=True)

    assert main(wrong) == main(unknown)


def test_expired_token_stops_working_and_can_be_renewed(app, submit):
    reference = reference_of(thread_url(submit()))
    url = mailed_link(app)
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        ticket.token_expires_at = ticket.received_at - timedelta(seconds=1)
        db.session.commit()
    assert app.test_client().get(url, follow_redirects=True).status_code == 403
    client = app.test_client()
    response = client.post("/status/tautan-baru", data={"referensi": reference, "email": "budi@satker.go.id"})
    assert response.status_code == 303
    from tests.tickets.test_submit import outbox

    mails = outbox(app)
    assert len(mails) == 2 and "Tautan status baru" in mails[-1]["Subject"]
    new_link = re.search(r"http://localhost(/status/\S+)", mails[-1].get_content()).group(1)
    assert new_link != url and app.test_client().get(new_link, follow_redirects=True).status_code == 200
    # A wrong address gets the same message and no e-mail.
    client.post("/status/tautan-baru", data={"referensi": reference, "email": "x@lain.go.id"})
    assert len(outbox(app)) == 2


def test_reply_with_attachment_and_reopen(app, client, submit):
    from portal.tickets.models import STATUS_RESOLVED

    url = thread_url(submit())
    reference = reference_of(url)
    client.get(url)
    pdf = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "bukti.pdf")
    response = client.post(
        f"/status/{reference}/balas",
        data={"pesan": "Berikut buktinya.", "lampiran": [pdf]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = client.get(f"/status/{reference}").get_data(as_text=True)
    assert "Berikut buktinya." in page and "bukti.pdf" in page
    link = BeautifulSoup(page, "html.parser").find("a", string="bukti.pdf")["href"]
    with client.get(link) as download:
        assert download.data.startswith(b"%PDF") and "attachment" in download.headers["Content-Disposition"]
    assert app.test_client().get(link).status_code == 404  # not for strangers
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        ticket.status, ticket.resolved_at = STATUS_RESOLVED, ticket.received_at
        db.session.commit()
    client.post(f"/status/{reference}/balas", data={"pesan": "Masih bermasalah."})
    with app.app_context():
        assert db.session.scalars(select(Ticket)).one().status == "diproses"
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        ticket.status, ticket.resolved_at = STATUS_RESOLVED, ticket.received_at - timedelta(days=8)
        db.session.commit()
    late = client.post(f"/status/{reference}/balas", data={"pesan": "Halo?"})
    assert late.status_code == 422 and "sudah ditutup" in late.get_data(as_text=True)


def test_status_lookups_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [client.post("/status", data={"referensi": f"HAI-2611-{i:08d}"}).status_code for i in range(22)]
    assert codes[:20] == [404] * 20 and codes[20:] == [429, 429]


@pytest.mark.parametrize(
    ("size", "shown"), [(1, "0,1 KB"), (70, "0,1 KB"), (1536, "1,5 KB"), (12 * 1024, "12 KB"), (3 * 1024**2, "3 MB")]
)
def test_file_sizes_are_shown_in_indonesian_and_never_as_zero(app, size, shown):
    from portal.core.templating import format_size

    with app.test_request_context():
        assert format_size(size) == shown


def test_thread_statements_do_not_grow_with_the_thread(app, client, submit):
    """The thread page loads events and their attachments in a fixed number of statements (no N+1)."""
    from sqlalchemy import event

    url = thread_url(submit())
    reference = reference_of(url)
    client.get(url)  # the private link grants this browser the thread

    def statements() -> int:
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731  (statement text)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/status/{reference}").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    def reply(n: int) -> None:
        pdf = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), f"bukti-{n}.pdf")
        data = {"pesan": f"Tambahan ke-{n}.", "lampiran": [pdf]}
        answer = client.post(f"/status/{reference}/balas", data=data, content_type="multipart/form-data")
        assert answer.status_code == 303

    reply(0)
    client.get(f"/status/{reference}")  # warm: caches loaded once per process
    reply(1)
    few = statements()  # the first view after a change renders the thread (and shows the flash)
    # Unchanged since: the ticket is loaded for the layout, the rendered thread reused; then the
    # whole page is reused too, and one statement (grant, ticket state, last event) is left.
    assert statements() == 2
    assert statements() == 1
    for n in range(2, 7):
        reply(n)
    assert statements() == few <= 4
