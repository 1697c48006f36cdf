"""The sign-in throttle: keyed on the normalised address, growing delays, trusted browsers exempt."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.auth import service
from portal.auth.models import LoginThrottle
from portal.auth.throttle import DEVICE_COOKIE, Policy
from portal.extensions import db
from tests.conftest import add_staff

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
ADDRESS = "ksitp@djpb.go.id"
LOOKALIKE = "ksitp@\uff44jpb.go.id"  # full-width ｄ: the same account after UTS-46 mapping
RIGHT = "kata-sandi-rahasia-1"


@pytest.fixture
def throttled(make_app):
    """An app with the per-address limiter on too (as in production) and the test account."""
    app = make_app(RATELIMIT_ENABLED=True, NOW=START)
    add_staff(app, email=ADDRESS, name="K", password=RIGHT)
    return app


class Attacker:
    """Posts from a new client address each time, so the per-address limit never applies."""

    def __init__(self, app):
        self.app, self.n = app, 0

    def post(self, email=ADDRESS, password="tebakan-salah-sekali", client=None):
        self.n += 1
        return (client or self.app.test_client()).post(
            "/staf/masuk", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": f"10.9.0.{self.n}"}
        )


def test_delays_start_after_the_free_failures_double_and_stop_at_the_cap():
    policy = Policy(free=5, first=30, cap=900)
    assert [policy.delay(n) for n in range(1, 12)] == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900]
    assert policy.delay(10_000) == 900


@pytest.mark.parametrize(("fail_with", "then_with"), [(ADDRESS, LOOKALIKE), (LOOKALIKE, ADDRESS)])
def test_a_lookalike_address_counts_against_the_same_account(throttled, fail_with, then_with):
    attacker = Attacker(throttled)
    assert [attacker.post(email=fail_with).status_code for _ in range(5)] == [401] * 5
    assert attacker.post(email=then_with, password=RIGHT).status_code == 429


def test_the_lookalike_reaches_the_account_once_the_wait_is_over(throttled):
    attacker = Attacker(throttled)
    for _ in range(5):
        attacker.post(email=LOOKALIKE)
    throttled.config["NOW"] = START + timedelta(seconds=31)
    assert attacker.post(email=ADDRESS, password=RIGHT).status_code == 303


def test_waits_grow_and_say_how_long_in_indonesian(throttled):
    attacker = Attacker(throttled)
    assert [attacker.post().status_code for _ in range(5)] == [401] * 5
    moment = START
    for wait, words in [
        (30, "30 detik"),
        (60, "1 menit"),
        (120, "2 menit"),
        (240, "4 menit"),
        (480, "8 menit"),
        (900, "15 menit"),
        (900, "15 menit"),
    ]:
        refused = attacker.post(password=RIGHT)  # even the right password waits, unchecked
        assert refused.status_code == 429 and refused.headers["Retry-After"] == str(wait)
        page = refused.get_data(as_text=True)
        assert f"coba lagi dalam {words}" in page and 'role="alert"' in page and ADDRESS in page
        throttled.config["NOW"] = moment = moment + timedelta(seconds=wait - 1)
        assert attacker.post().status_code == 429, "not a second early"
        throttled.config["NOW"] = moment = moment + timedelta(seconds=1)
        assert attacker.post().status_code == 401
    throttled.config["NOW"] = moment + timedelta(seconds=900)
    assert attacker.post(password=RIGHT).status_code == 303
    assert attacker.post().status_code == 401, "a success clears the count"


def test_an_unknown_address_is_throttled_alike(throttled):
    attacker = Attacker(throttled)
    statuses = [attacker.post(email="tidakada@djpb.go.id").status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_the_owners_browser_is_not_held_up_by_an_attacker(throttled):
    owner = throttled.test_client()
    assert owner.post("/staf/masuk", data={"email": ADDRESS, "password": RIGHT}).status_code == 303
    assert owner.get_cookie(DEVICE_COOKIE, path="/staf/masuk") is not None
    owner.post("/staf/keluar")

    attacker = Attacker(throttled)
    statuses = [attacker.post().status_code for _ in range(12)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    assert attacker.post(password=RIGHT).status_code == 429

    # The owner's typo and then the right password, from the browser that signed in before.
    assert owner.post("/staf/masuk", data={"email": ADDRESS, "password": "salah-ketik"}).status_code == 401
    assert owner.post("/staf/masuk", data={"email": LOOKALIKE, "password": RIGHT}).status_code == 303
    assert attacker.post(password=RIGHT).status_code == 429, "the account's own wait goes on"


def test_a_trusted_browser_gets_growing_delays_of_its_own(throttled):
    owner = throttled.test_client()
    assert owner.post("/staf/masuk", data={"email": ADDRESS, "password": RIGHT}).status_code == 303
    owner.post("/staf/keluar")
    statuses = [owner.post("/staf/masuk", data={"email": ADDRESS, "password": "salah"}).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]
    assert Attacker(throttled).post(password=RIGHT).status_code == 303, "the account's count is untouched"


def test_a_forged_or_foreign_device_cookie_gives_no_exemption(throttled):
    other = throttled.test_client()
    add_staff(throttled, email="lain@djpb.go.id", name="L", password=RIGHT)
    assert other.post("/staf/masuk", data={"email": "lain@djpb.go.id", "password": RIGHT}).status_code == 303
    foreign = other.get_cookie(DEVICE_COOKIE, path="/staf/masuk").value  # trusted, but for another account
    attacker = Attacker(throttled)
    for cookie in (foreign, foreign[:-3] + "AAA", "sampah"):
        client = throttled.test_client()
        client.set_cookie(DEVICE_COOKIE, cookie, path="/staf/masuk")
        for _ in range(5):
            attacker.post(client=client)
        assert attacker.post(client=client, password=RIGHT).status_code == 429
        throttled.config["NOW"] += timedelta(days=2)  # the count is forgotten a day after the last failure


def test_only_a_keyed_hash_of_the_normalised_address_is_stored(throttled):
    Attacker(throttled).post(email=" KSITP@\uff24JPB.go.id ")
    with throttled.app_context():
        [row] = db.session.scalars(select(LoginThrottle))
        expected = hmac.new(throttled.config["SECRET_KEY"].encode(), b"akun:" + ADDRESS.encode(), hashlib.sha256)
        assert row.key == expected.hexdigest() and row.failures == 1
        assert "ksitp" not in repr(row.__dict__).lower()


def test_attempts_in_flight_count_before_their_password_is_checked(throttled, monkeypatch):
    attacker = Attacker(throttled)
    assert [attacker.post().status_code for _ in range(4)] == [401] * 4
    real, during = service.authenticate, []

    def slow_check(*args, **kwargs):
        # While the fifth guess is being checked, three more arrive in parallel.
        if not during:
            during.append("fifth")
            during.extend(attacker.post().status_code for _ in range(3))
        return real(*args, **kwargs)

    monkeypatch.setattr(service, "authenticate", slow_check)
    assert attacker.post().status_code == 401
    assert during[1:] == [429, 429, 429]
