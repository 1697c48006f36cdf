"""Chat fixtures: the portal on a working Monday morning, an agent who is available."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from portal.chat.models import Chat
from portal.extensions import db

WIB = ZoneInfo("Asia/Jakarta")
MONDAY_10AM = datetime(2026, 11, 30, 10, 0, tzinfo=WIB)
SATURDAY_10AM = datetime(2026, 11, 28, 10, 0, tzinfo=WIB)
AGENT = "agen@kemenkeu.go.id"
VISITOR = {"nama": "Rina Satker", "email": "rina@satker.go.id", "kode": "", "tiket": "",
           "pesan": "Bagaimana cara membatalkan SP2D?"}  # fmt: skip


@pytest.fixture
def app(make_app):
    """The portal on Monday 30 November 2026, 10.00 WIB (a working day)."""
    return make_app(NOW=MONDAY_10AM)


@pytest.fixture
def agent(app, make_user):
    """A client signed in as an agent of Direktorat SITP who set themselves available."""
    make_user(email=AGENT, role="agen", units=("Direktorat SITP",), name="Agus Petugas")
    client = app.test_client()
    assert client.post("/staf/masuk", data={"email": AGENT, "password": "kata-sandi-rahasia-1"}).status_code == 303
    assert client.post("/staf/chat/status", data={"status": "tersedia"}).status_code == 303
    return client


def start_chat(app, client=None, **changes) -> tuple:
    """Start a chat as a visitor (what chat.js posts); return the visitor's client and the chat id."""
    client = client or app.test_client()
    response = client.post("/chat/mulai", data={**VISITOR, **changes})
    assert response.status_code == 201, response.get_data(as_text=True)
    with app.app_context():
        chat_id = db.session.scalars(select(Chat.id).order_by(Chat.id.desc())).first()
    return client, chat_id


def chat_row(app, chat_id: int) -> Chat:
    """The chat as stored (detached)."""
    with app.app_context():
        chat = db.session.get(Chat, chat_id)
        db.session.expunge(chat)
        return chat
