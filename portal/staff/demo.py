"""Demo data: example staff for every owner unit and tickets of every kind (``flask demo seed``).

Everything goes through the real rules: accounts through ``create_user``, tickets through
``create_ticket`` (eligibility, routing, due times), every later step through the workflow's
``transition`` at a moment in the past, so events, paused clocks and resolution times are what
the back office would have recorded. Tickets are received over the last 90 working days; the
older ones are mostly resolved, some beyond the norm, some waiting on the requester, and about
a third of the resolved ones have a survey answer. Never run implicitly; a second run refuses.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.auth import service as accounts
from portal.auth.models import ROLE_ADMIN, ROLE_AGENT, ROLE_LEAD, User
from portal.catalog import service as catalog_rules
from portal.catalog.models import Catalog
from portal.core.calendar import WorkingCalendar
from portal.core.signals import demo_staff_created
from portal.staff import service as staff_rules
from portal.staff.dashboard import EXCLUDED_CODES
from portal.tickets import approval
from portal.tickets import service as tickets
from portal.tickets.models import Survey, Ticket, TicketStatus
from portal.tickets.types import types_for
from portal.tickets.workflow import transition

DOMAIN = "demo.hai-djpb.example"  # a reserved name (RFC 2606): no mail ever reaches anyone
WORKING_DAYS = 90
CHANNELS = {"portal": 40, "email": 15, "call_center": 15, "whatsapp": 12, "hai_cso": 8, "web_chat": 6, "api": 4}
SOCIAL = ("twitter", "instagram", "facebook")
NAMES = ("Siti Rahmawati", "Budi Santoso", "Dewi Lestari", "Agus Hidayat", "Rina Kusuma", "Joko Saputra", "Putri Lubis")
SUBJECTS = (
    "Pembatalan SP2D gaji bulan ini",
    "Lupa password aplikasi SAKTI",
    "Revisi DIPA tengah tahun anggaran",
    "Kode billing tidak bisa dibayar",
    "Status pendaftaran supplier di SPAN",
    "Rekonsiliasi laporan keuangan gagal",
    "Reset user OM-SPAN operator baru",
    "Permintaan data realisasi belanja",
)
COMMENTS = ("", "", "Cepat ditanggapi.", "Penjelasannya jelas.", "Agak lama, tetapi selesai.", "Terima kasih.")


class DemoError(RuntimeError):
    """The demo data cannot be created; the message is for the person at the terminal."""


@dataclass
class Report:
    """What ``seed`` created: accounts with their one-time passwords, and ticket counts."""

    accounts: list[tuple[str, str, str, str]] = field(default_factory=list)  # email, role, unit, password
    tickets: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    surveys: int = 0


def production_reason(config) -> str | None:
    """Say why this configuration looks like production (the demo then refuses), or None.

    The README's production recipe serves HTTPS and turns the start-up migrations off; the
    embedded quick start does neither. Either mark is enough to refuse: demo accounts with
    printed passwords and a SIAP key held by invented people must never reach a real desk.
    """
    if config.get("PREFERRED_URL_SCHEME") == "https":
        return _("PREFERRED_URL_SCHEME adalah https (produksi)")
    if not config.get("AUTO_MIGRATE", True):
        return _("AUTO_MIGRATE dimatikan (produksi)")
    return None


def announce(session: Session, report: Report) -> list[str]:
    """Tell the features that demo staff exist (``core.signals.demo_staff_created``).

    Each feature that answers takes its own step for them (SIAP: the key ceremony for the
    Secretariat's demo lead and agent) and returns a line for the terminal, returned here.
    """
    passwords = {email: password for email, _role, _unit, password in report.accounts}
    users = session.scalars(select(User).where(User.email.in_(passwords))).all()
    pairs = [(user, passwords[user.email]) for user in users]
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the proxy's app, as signals expect
    answers = demo_staff_created.send(app, session=session, accounts=pairs)
    return [str(line) for _receiver, line in answers if line]


def already_seeded(session: Session) -> bool:
    """Tell whether demo accounts exist (the marker of an earlier run)."""
    return session.scalars(select(User.id).where(User.email.like(f"%@{DOMAIN}"))).first() is not None


def _slug(unit: str) -> str:
    return "".join(
        ch for ch in unit.lower().replace("direktorat", "dit").replace(" ", "-") if ch.isalnum() or ch == "-"
    )


def create_staff(session: Session, catalog: Catalog, report: Report, memory_kib: int) -> dict[str, list[User]]:
    """An agent and a lead for every owner unit, and one administrator; return staff per unit."""
    units = accounts.owner_units(catalog)
    staff: dict[str, list[User]] = {}
    plan = [(ROLE_AGENT, u) for u in units] + [(ROLE_LEAD, u) for u in units] + [(ROLE_ADMIN, units[0])]
    for role, unit in plan:
        password = accounts.generate_password()
        email = f"{role}.{_slug(unit)}@{DOMAIN}" if role != ROLE_ADMIN else f"admin@{DOMAIN}"
        user = accounts.create_user(
            session,
            email=email,
            name=_("Contoh %(role)s %(unit)s", role=role, unit=unit),
            role=role,
            password=password,
            units=[unit],
            known_units=units,
            ph=accounts.hasher(memory_kib),
        )
        staff.setdefault(unit, []).append(user)
        report.accounts.append((email, role, unit, password))
    return staff


def working_moments(calendar: WorkingCalendar, now: datetime, days: int) -> list[datetime]:
    """The openings of the last ``days`` working days before ``now``, oldest first."""
    openings: list[datetime] = []
    day = now.astimezone(calendar.tz).date()
    while len(openings) < days:
        day -= timedelta(days=1)
        if calendar.is_working_day(day):
            openings.append(datetime.combine(day, calendar.open_time, calendar.tz))
    return openings[::-1]


def _values(rtype, rng: random.Random, i: int) -> dict:
    name = rng.choice(NAMES)
    values = {
        "nama": name,
        "email": f"{name.split()[0].lower()}.{i}@{DOMAIN}",
        "subjek": rng.choice(SUBJECTS),
        "detail": _("Contoh permintaan untuk mencoba ruang petugas."),
    }
    # Field values draw from a generator of their own: how many draws a field takes then never
    # shifts the main sequence, so one --seed keeps giving the same mix of tickets.
    fields_rng = random.Random(i)  # noqa: S311  (sample data)
    for f in rtype.fields:
        if f not in values and f != "lampiran":
            values[f] = _sample(f, fields_rng)
    return values


# How many digits each numbered field has in the demo: what its form accepts (a kode satker
# of 15 digits beside a form that asks for 6 would teach the wrong thing).
DEMO_DIGITS = {"kode_satker": 6, "npwp": 15, "nomor_sp2d": 15, "nomor_rekening": 10, "nomor_rekening_supplier": 10,
               "nomor_spm": 5, "nomor_kontrak": 8}  # fmt: skip


def _sample(field: str, rng: random.Random) -> str:
    """A made-up value of the right shape for one request field."""
    if field == "nama_satker":
        return _("Satuan kerja contoh %(n)s", n=rng.randint(1, 99))
    if field == "tipe_supplier":
        return "satker"
    return "".join(rng.choice("0123456789") for _ in range(DEMO_DIGITS.get(field, 6)))


def _pick(catalog: Catalog, request_types, rng: random.Random):
    """A code, a request type and a user type the eligibility rules accept."""
    codes = [
        n.code
        for s in catalog.services
        if s.code not in EXCLUDED_CODES
        for n in ([s] if not tickets.needs_subscope(catalog, s.code) else []) + list(s.subscopes)
    ]
    while True:
        code = rng.choice(codes)
        rtype = rng.choice(types_for(request_types, code))
        allowed = sorted(tickets.known_service(catalog, code).eligible & (rtype.user_types or frozenset(range(1, 12))))
        if allowed:
            return code, rtype, rng.choice(allowed)


def seed(
    session: Session,
    *,
    catalog: Catalog,
    calendar: WorkingCalendar,
    request_types,
    upload_dir,
    now: datetime,
    count: int = 300,
    rng: random.Random | None = None,
    memory_kib: int = 65536,
) -> Report:
    """Create the demo staff and ``count`` tickets; refuse when demo data exists already."""
    if already_seeded(session):
        raise DemoError(_("Data demo sudah ada (akun @%(domain)s); tidak dibuat dua kali.", domain=DOMAIN))
    rng = rng or random.Random()  # noqa: S311  (sample data; passwords come from secrets)
    report = Report()
    staff = create_staff(session, catalog, report, memory_kib)
    openings = working_moments(calendar, now, WORKING_DAYS)
    channels, weights = zip(*CHANNELS.items(), strict=True)
    for i in range(count):
        code, rtype, user_type = _pick(catalog, request_types, rng)
        opening = rng.choice(openings)
        received = opening + timedelta(minutes=rng.randrange(0, int(calendar.hours_per_day * 60)))
        channel = rng.choice(SOCIAL) if rng.random() < 0.03 else rng.choices(channels, weights)[0]
        if channel == "portal" and catalog_rules.only_internal(catalog, tickets.known_service(catalog, code)):
            channel = "hai_cso"  # internal-only services come from signed-in staff channels here
        created = tickets.create_ticket(
            session,
            catalog=catalog,
            calendar=calendar,
            rtype=rtype,
            code=code,
            user_type=user_type,
            values=_values(rtype, rng, i),
            uploads=[],
            upload_dir=upload_dir,
            channel=channel,
            now=received,
            actor_id=None if channel in ("portal", "api") else staff[tickets.owner_unit(catalog, code)][0].id,
        )
        _live(session, created.ticket, staff, catalog, calendar, now, rng, report)
        report.tickets += 1
        report.statuses[created.ticket.status] = report.statuses.get(created.ticket.status, 0) + 1
    return report


def _live(session, ticket: Ticket, staff, catalog, calendar, now, rng, report: Report) -> None:
    """Walk a ticket through its life up to ``now``: claimed, perhaps waiting, resolved in or beyond the norm."""
    agent, lead = staff[ticket.owner_unit][:2]
    norm = catalog.service_of(ticket.code).max_hours

    def at(hours: float) -> datetime:
        return calendar.add_working_hours(ticket.received_at, hours)

    if rng.random() < 0.05 or at(0.5) >= now:
        return  # still new
    staff_rules.assign(session, ticket, lead, rng.choice([agent, lead]), at(0.25))
    if ticket.status.awaits_approval:  # a broadcast (BMSM.01): the lead approves it first
        approval.decide(ticket, approve=True, reason="", actor_id=lead.id, calendar=calendar, now=at(0.5))
    else:
        transition(ticket, TicketStatus.OPEN, actor_id=agent.id, calendar=calendar, now=at(0.5))
    waited = 0.0
    if rng.random() < 0.25:  # asked the requester for something
        waited = rng.uniform(1, 12)
        transition(ticket, TicketStatus.WAITING, actor_id=agent.id, calendar=calendar, now=at(1))
        if at(1 + waited) >= now or rng.random() < 0.2:
            session.commit()
            return  # still waiting
        transition(ticket, TicketStatus.OPEN, actor_id=None, calendar=calendar, now=at(1 + waited), author="pengguna")
    took = norm * (rng.uniform(0.1, 0.95) if rng.random() < 0.8 else rng.uniform(1.05, 2.0))
    resolved = at(max(took, 1.1) + waited)
    if resolved >= now or rng.random() < 0.08:
        session.commit()
        return  # still being worked on (perhaps beyond the norm by now)
    linked = [u.name for u in catalog.linked_units_for(ticket.code)]
    way = rng.choice(["informasi", "solusi", "solusi", "dokumentasi", *(["diteruskan"] if linked else [])])
    transition(
        ticket,
        TicketStatus.RESOLVED,
        actor_id=agent.id,
        calendar=calendar,
        now=resolved,
        linked_units=tuple(linked),
        fulfilment=way,
        unit=rng.choice(linked) if way == "diteruskan" else None,
    )
    if calendar.add_working_hours(resolved, 40) < now and rng.random() < 0.7:
        closed = calendar.add_working_hours(resolved, 40)
        transition(ticket, TicketStatus.CLOSED, actor_id=agent.id, calendar=calendar, now=closed)
    if rng.random() < 0.35:
        rating = rng.choices((1, 2, 3, 4, 5), (3, 5, 15, 40, 37))[0]
        session.add(Survey(ticket_id=ticket.id, rating=rating, comment=rng.choice(COMMENTS), created_at=resolved))
        report.surveys += 1
    session.commit()
