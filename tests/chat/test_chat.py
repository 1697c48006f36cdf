"""The web chat end to end through the test client: start, exchange, end, transcript ticket."""

from __future__ import annotations

import re
from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from portal.chat.models import Chat, ChatMessage
from portal.extensions import db
from portal.tickets.models import Ticket
from tests.chat.conftest import SATURDAY_10AM, VISITOR, chat_row, start_chat
from tests.conftest import outbox


def tickets(app) -> list[Ticket]:
    with app.app_context():
        rows = list(db.session.scalars(select(Ticket).order_by(Ticket.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_visitor_and_agent_exchange_and_the_transcript_becomes_one_ticket(app, agent):
    visitor, chat_id = start_chat(app)
    assert b"Rina Satker" in agent.get("/staf/chat").data
    assert agent.post(f"/staf/chat/{chat_id}/terima").status_code == 303
    assert visitor.post("/chat/kirim", data={"pesan": "Nomor SP2D 123"}).status_code == 303
    assert agent.post(f"/staf/chat/{chat_id}/kirim", data={"pesan": "Baik, kami cek."}).status_code == 303
    lines = visitor.get("/chat/pesan?sejak=0").get_json()["messages"]
    said = [m["body"] for m in lines if m["author"] != "sistem"]
    assert said == [VISITOR["pesan"], "Nomor SP2D 123", "Baik, kami cek."]
    assert agent.post(f"/staf/chat/{chat_id}/selesai").status_code == 303
    assert agent.post(f"/staf/chat/{chat_id}/selesai").status_code == 303  # a retried end
    assert visitor.post("/chat/selesai").status_code == 303  # and the visitor's at once
    [ticket] = tickets(app)
    assert ticket.channel == "web_chat" and ticket.requester_email == "rina@satker.go.id"
    assert "Baik, kami cek." in ticket.detail and "Nomor SP2D 123" in ticket.detail
    assert chat_row(app, chat_id).ticket_reference == ticket.reference
    letters = [m for m in outbox(app) if "Transkrip" in m["Subject"]]
    assert len(letters) == 1 and ticket.reference in letters[0]["Subject"]
    assert f"/status/{ticket.reference}?t=" in letters[0].get_content()
    assert ticket.reference.encode() in visitor.get("/chat").data


def test_without_an_agent_the_chat_cannot_start_and_the_form_makes_a_ticket(app):
    client = app.test_client()
    refused = client.post("/chat/mulai", data=VISITOR)
    assert refused.status_code == 200 and "sibuk" in refused.get_json()["message"]
    page = client.get("/chat").get_data(as_text=True)
    assert "Kirim sebagai permintaan" in page and "data-chat-start " not in page and "data-chat-start>" not in page
    unknown = client.post("/chat/permintaan", data={**VISITOR, "kode": "ZZZZ.99"})
    assert unknown.status_code == 422 and "tidak ada dalam katalog" in unknown.get_data(as_text=True)
    filed = client.post("/chat/permintaan", data={**VISITOR, "kunci_kirim": "k" * 32})
    again = client.post("/chat/permintaan", data={**VISITOR, "kunci_kirim": "k" * 32})  # a double click
    assert filed.status_code == again.status_code == 303
    [ticket] = tickets(app)
    assert ticket.channel == "web_chat" and VISITOR["pesan"] in ticket.detail
    assert filed.headers["Location"].startswith(f"/status/{ticket.reference}")
    [letter] = outbox(app)
    assert letter["Subject"] == f"[{ticket.reference}] Permintaan Anda telah diterima"
    assert "melalui halaman Web Chat telah kami terima" in letter.get_content()
    # No code yet, so no norma waktu: the page promises no due time until staff choose the service.
    page = client.get(filed.headers["Location"]).get_data(as_text=True)
    assert "ditetapkan setelah petugas menentukan layanannya" in page and "Belum ditetapkan" in page
    assert "paling lambat" not in page


def test_outside_hours_the_page_names_the_opening_and_keeps_the_typed_text(make_app, make_user):
    app = make_app(NOW=SATURDAY_10AM)
    client = app.test_client()
    page = client.get("/chat").get_data(as_text=True)
    assert "Senin, 30 November 2026 pukul 08.00 WIB" in page
    refused = client.post("/chat/mulai", data=VISITOR)
    answer = refused.get_json()
    assert answer["ok"] is False and "Senin, 30 November 2026 pukul 08.00 WIB" in answer["message"]
    # "Cari jawaban" shows the form again with everything typed, and FAQ articles.
    shown = client.post("/chat/permintaan", data={**VISITOR, "aksi": "saran"}).get_data(as_text=True)
    assert VISITOR["pesan"] in shown and 'value="Rina Satker"' in shown and "/faq/" in shown


def test_idle_chats_close_with_a_notice_and_unanswered_ones_become_tickets(app, agent, runner):
    _visitor, chat_id = start_chat(app)
    result = runner.invoke(args=["jobs", "run", "--now", "2026-11-30T10:09:00+07:00", "--only", "chat.close_idle"])
    assert "0 obrolan ditutup" in result.output
    result = runner.invoke(args=["jobs", "run", "--now", "2026-11-30T10:11:00+07:00", "--only", "chat.close_idle"])
    assert "1 obrolan ditutup" in result.output, result.output
    runner.invoke(args=["jobs", "run", "--now", "2026-11-30T10:12:00+07:00", "--only", "chat.close_idle"])
    [ticket] = tickets(app)
    assert "tidak ada pesan selama 10 menit" in ticket.detail
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Chat).where(Chat.state == "berakhir")) == 1


def test_misconduct_is_pointed_to_siap_once(app, agent):
    visitor, chat_id = start_chat(app, pesan="Petugas meminta uang suap agar SP2D cepat terbit")
    visitor.post("/chat/kirim", data={"pesan": "ini pungli"})
    with app.app_context():
        notices = db.session.scalars(
            select(ChatMessage.body).where(ChatMessage.chat_id == chat_id, ChatMessage.author == "sistem")
        ).all()
    assert len([n for n in notices if "SIAP" in n]) == 1


def test_messages_are_escaped_and_capped(app, agent):
    visitor, chat_id = start_chat(app)
    agent.post(f"/staf/chat/{chat_id}/terima")
    visitor.post("/chat/kirim", data={"pesan": "<script>alert(1)</script> **tebal**"})
    page = agent.get(f"/staf/chat/{chat_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; **tebal**" in page
    too_long = visitor.post("/chat/kirim", data={"pesan": "x" * 2001}, headers={"Accept": "application/json"})
    assert too_long.get_json() == {"ok": False, "message": "Isian paling banyak 2000 karakter."}


def test_an_agent_holds_at_most_the_configured_number(app, agent):
    app.config["CHAT_MAX_PER_AGENT"] = 2
    ids = [start_chat(app)[1] for _ in range(3)]
    for chat_id in ids:
        agent.post(f"/staf/chat/{chat_id}/terima")
    states = [chat_row(app, i).state for i in ids]
    assert states == ["aktif", "aktif", "menunggu"]


def test_transfer_to_a_unit_puts_the_chat_back_in_that_units_queue(app, agent, make_user):
    _visitor, chat_id = start_chat(app)
    agent.post(f"/staf/chat/{chat_id}/terima")
    agent.post(f"/staf/chat/{chat_id}/pindah", data={"petugas": "", "unit": "Sekretariat DJPb"})
    chat = chat_row(app, chat_id)
    assert chat.state == "menunggu" and chat.unit == "Sekretariat DJPb" and chat.agent_id is None
    assert b"Rina Satker" not in agent.get("/staf/chat").data  # not SITP's queue any more


def test_the_transcript_joins_the_visitors_own_ticket(app, agent):
    from tests.staff.conftest import new_ticket

    reference = new_ticket(app, email="rina@satker.go.id")
    visitor, chat_id = start_chat(app, tiket=reference)
    agent.post(f"/staf/chat/{chat_id}/terima")
    agent.post(f"/staf/chat/{chat_id}/selesai")
    assert [t.reference for t in tickets(app)] == [reference]
    assert chat_row(app, chat_id).ticket_reference == reference
    letter = [m for m in outbox(app) if m["To"] == "rina@satker.go.id"][-1].get_content()
    link = re.search(rf"http://localhost(/status/{reference}\?t=\S+)", letter).group(1)
    thread = app.test_client().get(link, follow_redirects=True)  # the letter's own link opens the thread
    assert thread.status_code == 200 and reference in thread.get_data(as_text=True)


def test_triage_preselects_the_code_the_visitor_chose(app, agent):
    _visitor, chat_id = start_chat(app, kode="CRSM.01")
    agent.post(f"/staf/chat/{chat_id}/terima")
    agent.post(f"/staf/chat/{chat_id}/selesai")
    [ticket] = tickets(app)
    assert ticket.code == ""  # still in triage: a chat meets none of the form's requirements
    page = BeautifulSoup(agent.get(f"/staf/surel/triase/{ticket.reference}").get_data(as_text=True), "html.parser")
    named = page.select_one("[data-chosen-by-requester]")
    assert named is not None and named["data-suggestion"] == "CRSM.01"
    assert page.select_one("select[name=tr-code] option[selected]")["value"] == "CRSM.01"
    assert [t.code for t in tickets(app)] == [""]  # shown and preselected, never applied by itself


def test_no_siap_page_loads_chat_code(app):
    client = app.test_client()
    pages = [r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/siap") and "GET" in r.methods
             and "<" not in r.rule]  # fmt: skip
    assert pages
    for path in pages:
        body = client.get(path).get_data(as_text=True)
        assert "chat.js" not in body and "chat.css" not in body, path
    assert "chat.js" in client.get("/chat").get_data(as_text=True)


def test_an_agent_who_is_away_or_long_gone_opens_no_chat(app, agent):
    agent.post("/staf/chat/status", data={"status": "istirahat"})
    assert app.test_client().post("/chat/mulai", data=VISITOR).get_json()["ok"] is False
    agent.post("/staf/chat/status", data={"status": "tersedia"})
    assert app.test_client().post("/chat/mulai", data=VISITOR).get_json()["ok"] is True
    app.config["NOW"] = app.config["NOW"] + timedelta(minutes=11)  # no chat page seen for 11 minutes
    assert app.test_client().post("/chat/mulai", data=VISITOR).get_json()["ok"] is False


def test_transfer_to_another_available_agent(app, agent, make_user):
    other_id = make_user(email="ani@kemenkeu.go.id", name="Ani Petugas")
    other = app.test_client()
    other.post("/staf/masuk", data={"email": "ani@kemenkeu.go.id", "password": "kata-sandi-rahasia-1"})
    other.post("/staf/chat/status", data={"status": "tersedia"})
    _visitor, chat_id = start_chat(app)
    agent.post(f"/staf/chat/{chat_id}/terima")
    assert b"Ani Petugas" in agent.get(f"/staf/chat/{chat_id}").data  # offered as a target
    agent.post(f"/staf/chat/{chat_id}/pindah", data={"petugas": str(other_id), "unit": ""})
    chat = chat_row(app, chat_id)
    assert chat.agent_id == other_id and chat.state == "aktif"
    refused = agent.post(
        f"/staf/chat/{chat_id}/kirim", data={"pesan": "masih saya?"}, headers={"Accept": "application/json"}
    )
    assert refused.get_json()["ok"] is False
    assert other.post(f"/staf/chat/{chat_id}/kirim", data={"pesan": "Saya lanjutkan."}).status_code == 303


def test_messages_are_limited_per_visitor(make_app):
    from tests.chat.conftest import AGENT, MONDAY_10AM
    from tests.conftest import add_staff

    app = make_app(NOW=MONDAY_10AM, RATELIMIT_ENABLED=True)
    add_staff(app, email=AGENT)
    staff = app.test_client()
    staff.post("/staf/masuk", data={"email": AGENT, "password": "kata-sandi-rahasia-1"})
    staff.post("/staf/chat/status", data={"status": "tersedia"})
    visitor, _chat_id = start_chat(app)
    answers = [visitor.post("/chat/kirim", data={"pesan": f"pesan {n}"}).status_code for n in range(31)]
    assert answers[:30] == [303] * 30 and answers[30] == 429
