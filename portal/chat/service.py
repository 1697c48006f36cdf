"""Chat rules: who may start one, messages, the SIAP pointer, agents accepting and transferring.

Every function takes the session and the moment explicitly and commits its own change; the
views pass the request's session and ``clock.now()``. Ending a chat (and filing its transcript) is
``transcript.end``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from portal.chat.models import Chat, ChatAgent, ChatMessage, ChatState
from portal.core.calendar import WorkingCalendar
from portal.core.desk import desk_status

VISITOR, AGENT, SYSTEM = "pengunjung", "petugas", "sistem"
TOUCH_EVERY = timedelta(minutes=1)
# Words that name misconduct by staff (the glossary's "pengaduan kode etik" group, and their
# common forms): such a chat is told about SIAP, where the reporter stays anonymous.
MISCONDUCT = re.compile(
    r"\b(suap|menyuap|disuap|sogok\w*|korupsi|gratifikasi|pungli|pungutan\s+liar|pemerasan|kolusi|nepotisme|kkn)\b",
    re.IGNORECASE,
)


class ChatError(ValueError):
    """A chat action cannot be done; the message is for the person who asked."""


@dataclass(frozen=True)
class Availability:
    """Whether a visitor can chat now: the desk open, an agent free; else when the desk opens."""

    desk_open: bool
    agent_free: bool
    opens_at: datetime | None

    @property
    def can_chat(self) -> bool:
        """Both conditions hold."""
        return self.desk_open and self.agent_free


def mentions_misconduct(text: str) -> bool:
    """Tell whether ``text`` names bribery, corruption, gratuities, extortion and the like."""
    return bool(MISCONDUCT.search(text or ""))


def _active_counts(session: Session) -> dict[int, int]:
    query = (
        select(Chat.agent_id, func.count())
        .where(Chat.state == ChatState.ACTIVE, Chat.agent_id.is_not(None))
        .group_by(Chat.agent_id)
    )
    return {agent_id: count for agent_id, count in session.execute(query) if agent_id is not None}


def free_agents(session: Session, now: datetime, *, capacity: int, seen_minutes: float) -> list[ChatAgent]:
    """Agents marked available, seen on a chat page recently, holding fewer than ``capacity`` chats."""
    recent = now - timedelta(minutes=seen_minutes)
    agents = session.scalars(select(ChatAgent).where(ChatAgent.available.is_(True), ChatAgent.seen_at >= recent))
    counts = _active_counts(session)
    return [a for a in agents if counts.get(a.user_id, 0) < capacity]


def availability(
    session: Session, calendar: WorkingCalendar, now: datetime, *, capacity: int, seen_minutes: float
) -> Availability:
    """Whether the desk is open now (working calendar) and an agent is free; when it opens if not."""
    status = desk_status(calendar, now)
    if not status.is_open:
        return Availability(False, False, status.opens_at)
    free = bool(free_agents(session, now, capacity=capacity, seen_minutes=seen_minutes))
    return Availability(True, free, None)


def start(
    session: Session, *, name: str, email: str, code: str, about: str, text: str, now: datetime, can: Availability
) -> Chat:
    """Open a waiting chat with the visitor's first message; refuse when nobody can answer."""
    if not can.can_chat:
        raise ChatError(_("Obrolan tidak tersedia saat ini."))
    chat = Chat(
        state=ChatState.WAITING,
        visitor_name=name[:120],
        visitor_email=email,
        code=code,
        about_reference=about,
        created_at=now,
        last_activity_at=now,
    )
    session.add(chat)
    add_first(session, chat, text, now)
    session.commit()
    return chat


def _append(session: Session, chat: Chat, author: str, name: str, body: str, now: datetime) -> ChatMessage:
    message = ChatMessage(author=author, author_name=name[:120], body=body, created_at=now)
    chat.messages.append(message)
    if author != SYSTEM:
        chat.last_activity_at = now
    if author == VISITOR and not chat.siap_pointed and mentions_misconduct(body):
        chat.siap_pointed = True
        chat.messages.append(ChatMessage(author=SYSTEM, body=siap_notice(), created_at=now))
    session.flush()
    chat.last_message_id = max(m.id for m in chat.messages)
    return message


def add_first(session: Session, chat: Chat, text: str, now: datetime) -> None:
    """Add the visitor's first message to a new chat (flushed, not committed)."""
    _append(session, chat, VISITOR, chat.visitor_name, text.strip(), now)


def siap_notice() -> str:
    """The notice a chat that mentions misconduct gets: SIAP, and why not here."""
    return _(
        "Pengaduan atas dugaan pelanggaran oleh pegawai (suap, gratifikasi, pungli, korupsi) tidak dapat "
        "ditangani melalui obrolan ini, karena obrolan tidak dapat merahasiakan identitas Anda. Sampaikan "
        "melalui SIAP (/siap), tempat identitas pelapor dirahasiakan."
    )


def add_message(session: Session, chat: Chat, *, author: str, name: str, body: str, now: datetime) -> ChatMessage:
    """Add a message of the visitor or the agent; an ended chat takes none."""
    if chat.state == ChatState.ENDED:
        raise ChatError(_("Obrolan ini sudah selesai."))
    body = body.strip()
    if not body:
        raise ChatError(_("Tulis pesan terlebih dahulu."))
    message = _append(session, chat, author, name, body, now)
    session.commit()
    return message


def add_notice(session: Session, chat: Chat, body: str, now: datetime) -> None:
    """Add a system line (transfer, end) without committing."""
    _append(session, chat, SYSTEM, "", body, now)


def messages_since(session: Session, chat_id: int, since: int) -> list[ChatMessage]:
    """The chat's messages after id ``since``, oldest first."""
    query = select(ChatMessage).where(ChatMessage.chat_id == chat_id, ChatMessage.id > since).order_by(ChatMessage.id)
    return list(session.scalars(query))


def get(session: Session, chat_id: int) -> Chat | None:
    """The chat with this id, or None."""
    return session.get(Chat, chat_id)


def queue(session: Session, units: list[str]) -> list[Chat]:
    """Waiting chats an agent of ``units`` may take (no unit named, or one of theirs), oldest first."""
    query = select(Chat).where(Chat.state == ChatState.WAITING)
    query = query.where(Chat.unit.is_(None) | Chat.unit.in_(units) if units else Chat.unit.is_(None))
    return list(session.scalars(query.order_by(Chat.created_at, Chat.id)))


def held_by(session: Session, user_id: int) -> list[Chat]:
    """The chats an agent holds now."""
    query = select(Chat).where(Chat.state == ChatState.ACTIVE, Chat.agent_id == user_id).order_by(Chat.accepted_at)
    return list(session.scalars(query))


def agent(session: Session, user_id: int) -> ChatAgent | None:
    """The agent's availability row, if they ever set one."""
    return session.get(ChatAgent, user_id)


def touch(session: Session, user, now: datetime, available: bool | None = None) -> ChatAgent:
    """Record that the member is on a chat page (and, if given, their availability); commit."""
    row = session.get(ChatAgent, user.id)
    if row is not None and available is None and now - row.seen_at < TOUCH_EVERY:
        return row  # polls come every few seconds: write at most once a minute
    if row is None:
        row = ChatAgent(user_id=user.id, name=user.name, available=False, seen_at=now)
        session.add(row)
    row.name, row.units, row.seen_at = user.name, "|".join(u.unit for u in user.units)[:400], now
    if available is not None:
        row.available = available
    session.commit()
    return row


def accept(session: Session, chat_id: int, user, now: datetime, *, capacity: int) -> Chat:
    """Take a waiting chat: one conditional UPDATE, so two agents cannot both take it."""
    if len(held_by(session, user.id)) >= capacity:
        raise ChatError(_("Anda sudah melayani %(n)s obrolan (batas). Selesaikan salah satu dahulu.", n=capacity))
    taken = session.execute(
        update(Chat)
        .where(Chat.id == chat_id, Chat.state == ChatState.WAITING)
        .values(state=ChatState.ACTIVE, agent_id=user.id, agent_name=user.name[:120], accepted_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    chat = session.get(Chat, chat_id)
    if not taken or chat is None:
        session.rollback()
        raise ChatError(_("Obrolan ini sudah diterima petugas lain atau sudah selesai."))
    session.refresh(chat)
    add_notice(session, chat, _("%(name)s bergabung dalam obrolan.", name=user.name), now)
    session.commit()
    return chat


def transfer(session: Session, chat: Chat, *, by, now: datetime, to_agent: ChatAgent | None = None,
             to_unit: str | None = None, capacity: int) -> None:  # fmt: skip
    """Hand an active chat to another available agent, or back to the queue of a unit; commit."""
    if chat.state != ChatState.ACTIVE or chat.agent_id != by.id:
        raise ChatError(_("Hanya petugas yang sedang melayani obrolan ini yang dapat mengalihkannya."))
    if to_agent is not None:
        if to_agent.user_id == by.id or not to_agent.available:
            raise ChatError(_("Petugas tujuan tidak tersedia."))
        if len(held_by(session, to_agent.user_id)) >= capacity:
            raise ChatError(_("Petugas tujuan sudah mencapai batas obrolan."))
        chat.agent_id, chat.agent_name = to_agent.user_id, to_agent.name
        add_notice(session, chat, _("Obrolan dialihkan kepada %(name)s.", name=to_agent.name), now)
    elif to_unit:
        chat.state, chat.agent_id, chat.agent_name, chat.unit = ChatState.WAITING, None, "", to_unit
        add_notice(session, chat, _("Obrolan dialihkan ke %(unit)s; mohon tunggu petugas.", unit=to_unit), now)
    else:
        raise ChatError(_("Pilih petugas atau unit tujuan."))
    session.commit()


def transfer_targets(session: Session, now: datetime, user_id: int, *, seen_minutes: float) -> list[ChatAgent]:
    """Other agents who are available now (for the transfer list)."""
    recent = now - timedelta(minutes=seen_minutes)
    query = select(ChatAgent).where(
        ChatAgent.available.is_(True), ChatAgent.seen_at >= recent, ChatAgent.user_id != user_id
    )
    return list(session.scalars(query.order_by(ChatAgent.name)))


def idle(session: Session, now: datetime, minutes: float) -> list[int]:
    """Ids of open chats with no message for ``minutes``."""
    cutoff = now - timedelta(minutes=minutes)
    query = select(Chat.id).where(Chat.state != ChatState.ENDED, Chat.last_activity_at < cutoff)
    return list(session.scalars(query.order_by(Chat.id)))
