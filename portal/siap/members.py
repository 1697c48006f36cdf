"""Secretariat members: their key pairs, grants of the unit key, unlocking, revocation.

A member is a staff account (agent or unit lead, never an administrator) of the unit that
owns WBSM.01 *and* holds a grant. A grant starts pending; a member who has unlocked the
workspace completes it by sealing the unit key to the new member's public key, after
comparing its fingerprint with the colleague in person. Completing is never automatic:
whoever can reset a password could otherwise enrol a key of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.auth import ROLE_AGENT, ROLE_LEAD, User
from portal.auth.service import hasher, unit_accounts
from portal.core.clock import now
from portal.siap import audit, context, crypto, sessions
from portal.siap.models import MemberKey, UnitKey, UnitKeyGrant
from portal.siap.service import SiapError

MEMBER_ROLES = (ROLE_AGENT, ROLE_LEAD)


class Unlock(Enum):
    """Outcome of entering the password at the unlock page."""

    OPEN = "buka"
    PENDING = "menunggu"
    WRONG = "salah"


@dataclass(frozen=True)
class RosterRow:
    """One account of the Secretariat with its SIAP standing."""

    user: User
    state: str  # "tanpa-akses", "menunggu-kunci", "menunggu-penyelesaian", "aktif"
    fingerprint: str | None


def belongs(user) -> bool:
    """Tell whether an account may ever be a member: active agent or lead of the unit."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.active
        and user.role in MEMBER_ROLES
        and context.get().unit in user.unit_names
    )


def grant_of(session: Session, user_id: int) -> UnitKeyGrant | None:
    """Return the grant of an account, or None."""
    return session.get(UnitKeyGrant, user_id)


def may_enter(session: Session, user) -> bool:
    """Tell whether the SIAP workspace exists for this account at all."""
    return belongs(user) and grant_of(session, user.id) is not None


def _verify_account_password(user: User, password: str) -> bool:
    try:
        return hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _wrap(key: MemberKey, private: bytes, password: str) -> None:
    # A fresh salt and today's KDF settings each time the private key is wrapped.
    kdf = context.get().kdf
    key.salt = crypto.new_salt()
    key.wrapped_private_key = crypto.wrap(kdf.derive(password.encode(), key.salt), private)
    key.kdf_ops, key.kdf_memory_kib = kdf.ops, kdf.memory_kib


def _new_member_key(session: Session, user: User, password: str) -> MemberKey:
    private, public = crypto.new_keypair()
    key = MemberKey(user_id=user.id, public_key=public, created_at=now())
    _wrap(key, private, password)
    session.add(key)
    return key


def rewrap(session: Session, user_id: int, old: str, new: str) -> bool:
    """Wrap a member's private key under their new account password (before the change commits).

    Without this a password change would leave the key sealed under the old password and the
    member would need a new grant. Returns False when the account has no key, or the old
    password does not open it (nothing to carry over).
    """
    key = session.get(MemberKey, user_id)
    private = _member_private_key(key, old) if key is not None else None
    if key is None or private is None:
        return False
    _wrap(key, private, new)
    audit.record(session, "kunci_anggota_dibungkus_ulang", user_id=user_id)
    return True


def _member_private_key(key: MemberKey, password: str) -> bytes | None:
    derived = context.get().kdf.derive(password.encode(), key.salt, key.kdf_ops, key.kdf_memory_kib)
    try:
        return crypto.unwrap(derived, key.wrapped_private_key)
    except crypto.CryptoError:
        return None


def unlock(session: Session, user: User, password: str) -> tuple[Unlock, bytes | None]:
    """Open the unit key with a member's password.

    A member with a pending grant and no key pair yet gets one here, once their account
    password checks out; the grant then waits for a colleague to complete it.
    """
    grant = grant_of(session, user.id)
    if grant is None or not belongs(user):
        return Unlock.WRONG, None
    key = session.get(MemberKey, user.id)
    if key is None:
        if not _verify_account_password(user, password):
            return Unlock.WRONG, None
        _new_member_key(session, user, password)
        audit.record(session, "kunci_anggota_dibuat", user_id=user.id)
        session.commit()
        return Unlock.PENDING, None
    private = _member_private_key(key, password)
    if private is None:
        audit.record(session, "gagal_buka", user_id=user.id)
        session.commit()
        return Unlock.WRONG, None
    if grant.sealed_unit_key is None:
        return Unlock.PENDING, None
    audit.record(session, "buka", user_id=user.id)
    session.commit()
    return Unlock.OPEN, crypto.unseal(private, grant.sealed_unit_key)


def init_unit(session: Session, user: User, password: str, recovery_public_key: bytes | None = None) -> UnitKey:
    """Create the unit key with the first member (``flask siap init-unit``)."""
    if session.scalars(select(UnitKey)).first() is not None:
        raise SiapError(_l("Kunci unit sudah ada; anggota baru diberi akses dari ruang kerja SIAP."))
    if not belongs(user):
        raise SiapError(_l("Akun ini bukan agen atau ketua aktif di unit %(unit)s.", unit=context.get().unit))
    if not _verify_account_password(user, password):
        raise SiapError(_l("Kata sandi tidak cocok dengan akun tersebut."))
    private, public = crypto.new_keypair()
    unit = UnitKey(
        public_key=public,
        recovery_copy=crypto.seal(recovery_public_key, private) if recovery_public_key else None,
        created_at=now(),
    )
    key = session.get(MemberKey, user.id)
    if key is None or _member_private_key(key, password) is None:
        if key is not None:
            session.delete(key)
            session.flush()
        key = _new_member_key(session, user, password)
    session.merge(UnitKeyGrant(user_id=user.id, sealed_unit_key=crypto.seal(key.public_key, private),
                           granted_by=user.id, created_at=now(), keyed_at=now()))
    session.add(unit)
    audit.record(session, "kunci_unit_dibuat", user_id=user.id)
    session.commit()
    return unit


def grant(session: Session, actor_id: int, target: User) -> UnitKeyGrant:
    """Give an account access: pending until it has a key pair and a member completes it."""
    if target.role not in MEMBER_ROLES:
        raise SiapError(_l("Akses SIAP hanya untuk agen atau ketua unit, tidak untuk administrator."))
    if not belongs(target):
        raise SiapError(_l("Akun ini bukan anggota aktif %(unit)s.", unit=context.get().unit))
    if grant_of(session, target.id) is not None:
        raise SiapError(_l("Akun ini sudah diberi akses."))
    row = UnitKeyGrant(user_id=target.id, granted_by=actor_id, created_at=now())
    session.add(row)
    audit.record(session, "beri_akses", user_id=actor_id, detail=f"anggota={target.id}")
    session.commit()
    return row


def complete(session: Session, actor_id: int, unit_private_key: bytes, target_id: int) -> None:
    """Seal the unit key to a pending member's public key."""
    row, key = grant_of(session, target_id), session.get(MemberKey, target_id)
    if row is None or key is None or row.sealed_unit_key is not None:
        raise SiapError(_l("Tidak ada pemberian akses yang menunggu untuk akun ini."))
    row.sealed_unit_key = crypto.seal(key.public_key, unit_private_key)
    row.keyed_at = now()
    audit.record(session, "akses_aktif", user_id=actor_id, detail=f"anggota={target_id}")
    session.commit()


def revoke(session: Session, actor_id: int, target_id: int) -> None:
    """Delete a grant and end the member's unlocked sessions; the last active one stays."""
    row = grant_of(session, target_id)
    if row is None:
        raise SiapError(_l("Akun ini tidak memiliki akses."))
    active = session.scalars(select(UnitKeyGrant).where(UnitKeyGrant.sealed_unit_key.is_not(None))).all()
    if row.sealed_unit_key is not None and len(active) <= 1:
        raise SiapError(_l("Akses terakhir tidak dapat dicabut: tanpa anggota aktif semua pengaduan tidak terbaca."))
    session.delete(row)
    session.execute(delete(MemberKey).where(MemberKey.user_id == target_id))
    audit.record(session, "cabut_akses", user_id=actor_id, detail=f"anggota={target_id}")
    session.commit()
    sessions.destroy_for_user(session, target_id)


def roster(session: Session) -> list[RosterRow]:
    """List the unit's agents and leads with their SIAP standing."""
    users = unit_accounts(session, context.get().unit, MEMBER_ROLES)
    grants = {g.user_id: g for g in session.scalars(select(UnitKeyGrant))}
    keys = {k.user_id: k for k in session.scalars(select(MemberKey))}
    rows = []
    for user in users:
        row, key = grants.get(user.id), keys.get(user.id)
        if row is None:
            state = "tanpa-akses"
        elif row.sealed_unit_key is not None:
            state = "aktif"
        else:
            state = "menunggu-penyelesaian" if key else "menunggu-kunci"
        rows.append(RosterRow(user, state, crypto.fingerprint(key.public_key) if key and row else None))
    return rows


def own_fingerprint(session: Session, user_id: int) -> str | None:
    """Return a member's own key fingerprint, to read out to the colleague completing the grant."""
    key = session.get(MemberKey, user_id)
    return crypto.fingerprint(key.public_key) if key else None


def demo_ceremony(
    session: Session, first: tuple[User, str], others: list[tuple[User, str]], recovery_public_key: bytes | None = None
) -> list[str]:
    """Run the key ceremony for demo accounts (``flask demo seed``); return the members' e-mails.

    The same public steps people take, in order: ``init_unit`` with ``first``, then for each of
    ``others`` a grant, their first unlock (which makes their key pair) and its completion by
    ``first`` with the opened unit key. Only the demo command calls it, with passwords it has just
    generated; the in-person fingerprint comparison has no meaning between invented accounts.
    """
    lead, lead_password = first
    init_unit(session, lead, lead_password, recovery_public_key)
    for user, password in others:
        grant(session, lead.id, user)
        unlock(session, user, password)  # PENDING: their key pair now exists
        state, unit_private = unlock(session, lead, lead_password)
        if state is not Unlock.OPEN or unit_private is None:  # only a broken key store explains this
            raise SiapError(_l("Kunci unit tidak dapat dibuka untuk %(email)s.", email=lead.email))
        complete(session, lead.id, unit_private, user.id)
    return [lead.email, *(user.email for user, _password in others)]


def demo_for(session: Session, accounts: list[tuple[User, str]], recovery_hex: str = "") -> str:
    """Run ``demo_ceremony`` for the Secretariat's demo lead and agents among ``accounts``.

    Returns the line ``flask demo seed`` prints; a unit key that exists already (a real
    ceremony took place) is left alone.
    """
    if session.scalars(select(UnitKey)).first() is not None:
        return str(_l("SIAP: kunci unit sudah ada; upacara kunci demo dilewati."))
    ours = sorted(
        ((user, password) for user, password in accounts if belongs(user)),
        key=lambda pair: (pair[0].role != ROLE_LEAD, pair[0].email),
    )
    if not ours:
        return str(_l("SIAP: tidak ada akun demo %(unit)s; upacara kunci dilewati.", unit=context.get().unit))
    recovery = bytes.fromhex(recovery_hex) if recovery_hex else None
    emails = demo_ceremony(session, ours[0], ours[1:], recovery)
    return str(_l("SIAP menerima pengaduan: kunci unit dibuat untuk %(emails)s.", emails=", ".join(emails)))
