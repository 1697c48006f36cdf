"""The requester's thread shows the steps, the current one marked, and what comes next."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.tickets.models import Ticket
from tests.tickets.conftest import thread_url


def _page(client, url: str) -> BeautifulSoup:
    return BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")


def _set_status(app, status: str) -> None:
    with app.app_context():
        ticket = db.session.scalars(select(Ticket)).one()
        ticket.status = status
        if status == "selesai":
            ticket.resolved_at = ticket.received_at
        db.session.commit()


def test_steps_mark_the_current_one_and_say_what_comes_next(app, client, submit):
    url = thread_url(submit())
    page = _page(client, url)
    steps = page.select("[data-progress] ol.steps li")
    assert [s.get_text() for s in steps] == ["Diterima", "Diproses", "Menunggu tanggapan Anda", "Selesai"]
    assert [s.get("aria-current") for s in steps] == ["step", None, None, None]
    nxt = " ".join(page.select_one("[data-next]").get_text().split())
    owner = app.extensions["catalog"].service_of("BCSM.02.01").owner
    assert f"petugas {owner}" in nxt  # who answers
    assert "paling lambat" in nxt and "WIB" in nxt  # by when
    assert "budi@satker.go.id" in nxt and "e-mail" in nxt  # and that it comes by e-mail
    reference = url.split("/status/")[1].split("?")[0]
    for status, current in (("menunggu-pengguna", 2), ("diproses", 1), ("selesai", 3)):
        _set_status(app, status)
        steps = _page(client, f"/status/{reference}").select("[data-progress] ol.steps li")
        assert [i for i, s in enumerate(steps) if s.get("aria-current") == "step"] == [current], status


def test_no_reply_box_right_under_permintaan_dibuat(app, client, submit):
    url = thread_url(submit())
    reference = url.split("/status/")[1].split("?")[0]
    page = _page(client, url)
    section = page.select_one("[data-reply]")
    assert section["data-reply"] == "folded"
    assert section.select_one("details form textarea") is not None  # folded away, still reachable
    _set_status(app, "menunggu-pengguna")  # the desk asked: now the reply box is the next step
    section = _page(client, f"/status/{reference}").select_one("[data-reply]")
    assert section["data-reply"] == "open" and section.select_one("details") is None


def test_the_reference_alone_shows_no_address(app, client, submit):
    url = thread_url(submit())
    reference = url.split("/status/")[1].split("?")[0]
    summary = app.test_client().post("/status", data={"referensi": reference}).get_data(as_text=True)
    assert "budi@satker.go.id" not in summary
