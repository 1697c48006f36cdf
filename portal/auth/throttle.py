"""Growing delays after failed sign-ins, per account address, with trusted browsers exempt.

A hard lock after a few failures lets anyone who knows an address lock its owner out. Here the
first ``LOGIN_FREE_FAILURES`` failures cost nothing; each further one imposes a wait that starts
at ``LOGIN_DELAY_SECONDS`` and doubles up to ``LOGIN_DELAY_MAX_SECONDS``. While a wait runs, no
password is even checked. Each attempt is counted before its password is checked and cleared by
a success, so parallel requests get no more tries. Failures are forgotten a day after the last.

The key is a keyed hash (HMAC with the app's secret) of the address normalised the way sign-in
normalises it, so ``ksitp@ｄjpb.go.id`` (full-width ｄ) and ``ksitp@djpb.go.id`` share a count,
and a copy of the table does not tell which addresses were tried.

A browser that has signed in as the account before holds a signed device cookie (OWASP "device
cookies"). Its attempts are counted against the device, not the account: an attacker elsewhere
cannot make the owner wait, and a stolen device cookie still gets only the same growing delays.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import Table, case, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.auth.models import LoginThrottle

DEVICE_COOKIE = "hai_perangkat"
DEVICE_SALT = "perangkat-tepercaya"
DEVICE_ACCOUNTS = 5  # accounts remembered per browser (a shared desk PC); the oldest drops off
FORGET_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class Policy:
    """The delay rule, from the app's settings."""

    free: int = 5
    first: int = 30
    cap: int = 900

    def delay(self, failures: int) -> int:
        """Return the wait in seconds imposed after ``failures`` failures in a row."""
        if failures < self.free:
            return 0
        return min(self.first * 2 ** min(failures - self.free, 32), self.cap)


def account_key(secret: str, address: str) -> str:
    """Return the throttle key of a normalised address: an HMAC, never the address."""
    return hmac.new(secret.encode(), b"akun:" + address.encode(), hashlib.sha256).hexdigest()


def device_key(secret: str, nonce: str) -> str:
    """Return the throttle key of one trusted browser."""
    return hmac.new(secret.encode(), b"perangkat:" + nonce.encode(), hashlib.sha256).hexdigest()


def claim(session: Session, key: str, moment: datetime, policy: Policy) -> int:
    """Count an attempt for ``key`` before its password is checked; return the wait if it must not run.

    The attempt counts as a failure until ``forget`` clears it on success. Counting first, in one
    UPDATE that holds the row, means parallel requests cannot all slip in before the first
    failure is written: each sees the wait the previous one started. Returns 0 when the attempt
    may go ahead, otherwise the seconds left (and nothing is counted).
    """
    table = cast(Table, LoginThrottle.__table__)  # typed FromClause; a mapped class's is its Table
    for _attempt in range(2):  # a concurrent first attempt may insert the row between our update and insert
        failures = session.execute(
            update(table)
            .where(table.c.key == key, or_(table.c.blocked_until.is_(None), table.c.blocked_until <= moment))
            .values(
                # Failures a day old are forgotten; SET reads the values from before the update.
                failures=case((table.c.last_failure < moment - FORGET_AFTER, 1), else_=table.c.failures + 1),
                last_failure=moment,
            )
            .returning(table.c.failures)
        ).scalar()
        first = failures is None
        if first:
            blocked_until = session.execute(select(table.c.blocked_until).where(table.c.key == key)).first()
            if blocked_until is not None:  # the row exists, so the update found it waiting
                session.rollback()
                return max(1, math.ceil((blocked_until[0] - moment).total_seconds()))
            failures = 1
        wait = policy.delay(failures or 1)  # None only on a first attempt, counted as 1 above
        blocked = moment + timedelta(seconds=wait) if wait else None
        try:
            if first:  # the update found no row: nobody has tried this key lately
                session.execute(insert(table).values(key=key, failures=1, last_failure=moment, blocked_until=blocked))
            else:
                session.execute(update(table).where(table.c.key == key).values(blocked_until=blocked))
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        return 0
    return 0


def forget(session: Session, key: str, moment: datetime) -> None:
    """Clear ``key``'s count after a success, and drop counts nobody has added to for a day."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure < moment - FORGET_AFTER))
    session.commit()


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=DEVICE_SALT)


def read_devices(secret: str, cookie: str | None, max_age: int) -> list[list[str]]:
    """Return the ``[account key, nonce]`` pairs of a valid device cookie (none for a bad or old one)."""
    if not cookie:
        return []
    try:
        pairs = _serializer(secret).loads(cookie, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return []
    if not isinstance(pairs, list):
        return []
    return [p for p in pairs if isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)]


def device_nonce(pairs: list[list[str]], key: str) -> str | None:
    """Return this browser's nonce for the account ``key``, if it has signed in as it before."""
    return next((nonce for account, nonce in pairs if account == key), None)


def remember_device(secret: str, pairs: list[list[str]], key: str) -> str:
    """Return a new device cookie value trusting this browser for ``key`` (a fresh nonce each time)."""
    kept = [p for p in pairs if p[0] != key][-(DEVICE_ACCOUNTS - 1) :]
    return _serializer(secret).dumps([*kept, [key, secrets.token_urlsafe(16)]])
