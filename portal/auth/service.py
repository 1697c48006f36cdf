"""Account rules: creating accounts, checking and changing passwords, who counts as staff of a unit."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from blinker import Namespace
from email_validator import EmailNotValidError, validate_email
from flask import Flask
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.audit import service as audit
from portal.auth import sessions
from portal.auth.models import ROLE_ADMIN, ROLE_LEAD, ROLE_REQUESTER, ROLES, STAFF_ROLES, User, UserUnit
from portal.catalog.models import Catalog
from portal.core.clock import now
from portal.core.timefmt import format_wib
from portal.mail import service as mail

MIN_PASSWORD = 12
# Roles other features check without reading the account models: who leads a unit, who is staff.
LEAD_ROLES = (ROLE_LEAD, ROLE_ADMIN)
STAFF_ACCOUNT_ROLES = STAFF_ROLES

# Sent by change_password with the app as sender and ``user``, ``old`` and ``new``, after the new
# hash is set and before the commit: what a receiver adds to the session commits with the change,
# and a receiver that raises leaves everything as it was. SIAP re-wraps a member's key here.
password_changed = Namespace().signal("password-changed")


def account(session: Session, user_id: int) -> User | None:
    """Return the account with this id, or None."""
    return session.get(User, user_id)


def account_by_email(session: Session, address: str) -> User | None:
    """Return the account of an address already normalised by ``normalise_email``, or None."""
    return session.scalars(select(User).where(User.email == address)).first()


def unit_accounts(session: Session, unit: str, roles: Iterable[str]) -> list[User]:
    """Return the accounts of ``unit`` whose role is one of ``roles``, by name."""
    query = select(User).join(UserUnit).where(UserUnit.unit == unit, User.role.in_(tuple(roles))).order_by(User.name)
    return list(session.scalars(query))


class AuthError(ValueError):
    """An account cannot be created or changed; the message is for the user."""


class WrongPassword(AuthError):
    """The current password given to confirm a change is not the account's."""


def check_strength(password: str) -> None:
    """Refuse a password shorter than MIN_PASSWORD characters (length is what makes it strong)."""
    if len(password) < MIN_PASSWORD:
        raise AuthError(_("Kata sandi minimal %(MIN_PASSWORD)s karakter.", MIN_PASSWORD=MIN_PASSWORD))


def owner_units(catalog: Catalog) -> list[str]:
    """List the units that own services: Penanggung Jawab, or the sub-scopes' own units."""
    units: list[str] = []
    for service in catalog.services:
        names = [s.owner_unit for s in service.subscopes if s.owner_unit] or [service.owner]
        units.extend(n for n in names if n not in units)
    return units


def hasher(memory_kib: int = 65536) -> PasswordHasher:
    """Return the Argon2id hasher (tests pass a small ``memory_kib`` to stay fast)."""
    return PasswordHasher(memory_cost=memory_kib)


def normalise_email(email: str) -> str:
    """Validate an address's syntax (no DNS look-up) and return it in lower case."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise AuthError(_("Alamat e-mail tidak valid.")) from exc


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    units: list[str],
    known_units: list[str],
    user_type: int | None = None,
    ph: PasswordHasher | None = None,
    actor_id: int | None = None,
) -> User:
    """Create an account after checking role, units and password strength (``actor_id``: who, for the log)."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AuthError(
            _(
                "Peran '%(role)s' tidak dikenal; pilih salah satu dari %(join_ROLES)s.",
                role=role,
                join_ROLES=", ".join(ROLES),
            )
        )
    unknown = [u for u in units if u not in known_units]
    if unknown:
        raise AuthError(_("Unit tidak dikenal: %(join_unknown)s.", join_unknown=", ".join(unknown)))
    if role != ROLE_REQUESTER and not units:
        raise AuthError(_("Akun staf harus tergabung dalam sekurang-kurangnya satu unit."))
    if role == ROLE_REQUESTER and user_type not in (2, 3, 8, 9):
        raise AuthError(_("Pengguna internal harus berjenis pengguna 2, 3, 8, atau 9."))
    check_strength(password)
    if session.scalars(select(User).where(User.email == email)).first():
        raise AuthError(_("Alamat e-mail sudah terdaftar."))
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        user_type=user_type,
        password_hash=(ph or hasher()).hash(password),
        units=[UserUnit(unit=u) for u in dict.fromkeys(units)],
    )
    session.add(user)
    session.flush()  # the new id names the account in the log
    after = {"email": email, "nama": user.name, "peran": role, "unit": units, "jenis_pengguna": user_type}
    audit.record(session, actor_id=actor_id, action="account.create", object_type="account", object_id=user.id,
                 after=after, summary=f"Akun {email} ({role}) dibuat")
    session.commit()
    return user


# Verified against when the address is unknown, so both answers take as long.
_DUMMY_HASHES: dict[int, str] = {}


def authenticate(session: Session, email: str, password: str, ph: PasswordHasher | None = None) -> User | None:
    """Return the active account with this e-mail and password, or None."""
    ph = ph or hasher()
    try:
        address = normalise_email(email)
    except AuthError:
        address = ""
    user = session.scalars(select(User).where(User.email == address)).first() if address else None
    target = user.password_hash if user else _DUMMY_HASHES.setdefault(ph.memory_cost, ph.hash(secrets.token_hex(8)))
    try:
        ph.verify(target, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.active:
        return None
    if ph.check_needs_rehash(user.password_hash):
        user.password_hash = ph.hash(password)
    user.last_login_at = now()
    session.commit()
    return user


def generate_password() -> str:
    """Return a random password to print once (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def change_password(
    app: Flask, session: Session, user: User, current: str, new: str, ph: PasswordHasher | None = None
) -> None:
    """Replace an account's password once its current one is confirmed.

    Every session of the account ends in the same commit (and the new hash changes the session
    mark of ``User.get_id`` as well); receivers of ``password_changed`` re-key what the old
    password protected, in the same commit.
    """
    ph = ph or hasher()
    try:
        ph.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError) as exc:
        raise WrongPassword(_("Kata sandi saat ini salah.")) from exc
    check_strength(new)
    if new == current:
        raise AuthError(_("Kata sandi baru harus berbeda dari kata sandi saat ini."))
    user.password_hash = ph.hash(new)
    sessions.end_all(session, user.id)  # every browser, this one too: the caller signs it in afresh
    audit.record(session, actor_id=user.id, action="account.password_change", object_type="account",
                 object_id=user.id, summary=f"{user.email} mengganti kata sandinya; semua sesi diakhiri")
    try:
        password_changed.send(app, user=user, old=current, new=new)
        queue_password_notice(session, user)
        session.commit()
    except Exception:
        session.rollback()
        raise


def reset_password(session: Session, user: User, ph: PasswordHasher | None = None, actor_id: int | None = None) -> str:
    """Give an account a new random password (an administrator's reset); return it to show once.

    Like a change, it ends every session of the account. What the old password
    wrapped stays wrapped by it: a SIAP member whose old password is lost needs a fresh grant.
    """
    password = generate_password()
    user.password_hash = (ph or hasher()).hash(password)
    sessions.end_all(session, user.id)
    queue_password_notice(session, user, by_administrator=True)
    audit.record(session, actor_id=actor_id, action="account.password_reset", object_type="account",
                 object_id=user.id, summary=f"Kata sandi {user.email} disetel ulang; semua sesi diakhiri")
    session.commit()
    return password


def queue_password_notice(session: Session, user: User, by_administrator: bool = False) -> None:
    """Queue the notice telling the account's owner the password changed (committed with the change)."""
    mail.enqueue(
        session,
        to=user.email,
        subject=_("Kata sandi akun HAI-DJPb Anda telah diubah"),
        template="password_changed",
        context={
            "name": user.name,
            "email": user.email,
            "when": format_wib(now()),
            "by_administrator": by_administrator,
        },
        auto=True,
    )
