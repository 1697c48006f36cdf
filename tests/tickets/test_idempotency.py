"""One ticket per submission (issue #13, item 14): the form's one-time key and the API's Idempotency-Key."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from portal.extensions import db
from portal.mail.models import OutboxMessage
from portal.tickets import submit
from portal.tickets.models import SubmissionKey, Ticket
from tests.conftest import outbox
from tests.tickets.conftest import FRIDAY_3PM
from tests.tickets.test_api import PAYLOAD, auth

FORM = "/permintaan/BCSM.02.01/pembuatan-tiket"


@pytest.fixture
def token(app):
    return app.test_cli_runner().invoke(args=["api-token", "create", "bot"]).output.strip().splitlines()[-1]


def tickets(app) -> list[Ticket]:
    with app.app_context():
        return db.session.scalars(select(Ticket).order_by(Ticket.id)).all()


def form_key(client) -> str:
    page = BeautifulSoup(client.get(FORM).get_data(as_text=True), "html.parser")
    return page.select_one("form.form input[name=kunci_kirim]")["value"]


class WorkerDied(Exception):
    """Stands for a worker killed after the commit, before its answer left."""


@pytest.fixture
def dies_after_commit(monkeypatch):
    """Make the next submission die right after its transaction is committed."""

    real = submit.create_from_form

    def die(*args, **kwargs):
        real(*args, **kwargs)  # the ticket and its confirmation are committed
        raise WorkerDied  # before the answer was built

    monkeypatch.setattr(submit, "create_from_form", die)
    return monkeypatch


def test_each_browser_gets_its_own_key_for_a_form(app, client):
    first, again, other = form_key(client), form_key(client), form_key(app.test_client())
    assert first == again != other and len(first) >= 32


def test_back_and_send_again_files_one_ticket(app, client, valid):
    # Back downloads the no-store form again; the browser restores what was typed, never a
    # hidden input, so the second "Kirim" carries whatever key the new page holds.
    first = client.post(FORM, data={**valid, "kunci_kirim": form_key(client)})
    again = client.post(FORM, data={**valid, "kunci_kirim": form_key(client)})
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert len(tickets(app)) == 1 and len(outbox(app)) == 1


def test_a_resubmitted_form_shows_the_first_ticket(app, client, valid):
    data = {**valid, "kunci_kirim": form_key(client)}
    first = client.post(FORM, data=data)
    again = client.post(FORM, data=data)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]  # the same thread, with its working link
    assert len(tickets(app)) == 1 and len(outbox(app)) == 1
    assert client.get(again.headers["Location"]).status_code == 200


def test_the_same_key_with_other_content_is_a_new_request(app, client, valid):
    key = form_key(client)
    first = client.post(FORM, data={**valid, "kunci_kirim": key})
    edited = client.post(FORM, data={**valid, "detail": "Ralat: nomor SP2D lain.", "kunci_kirim": key})
    assert edited.headers["Location"] != first.headers["Location"]
    assert [t.detail for t in tickets(app)] == [valid["detail"], "Ralat: nomor SP2D lain."]
    assert client.post(FORM, data={**valid, "kunci_kirim": key}).headers["Location"] == first.headers["Location"]
    assert len(tickets(app)) == 2


def test_form_retry_after_the_worker_died_between_commit_and_answer(app, client, valid, dies_after_commit):
    data = {**valid, "kunci_kirim": form_key(client)}
    assert client.post(FORM, data=data).status_code == 500  # the sender got no ticket
    [ticket] = tickets(app)  # committed, but its sender never got the answer
    dies_after_commit.undo()
    retry = client.post(FORM, data=data)
    assert retry.status_code == 303 and f"/status/{ticket.reference}" in retry.headers["Location"]
    assert len(tickets(app)) == 1
    assert client.get(retry.headers["Location"]).status_code == 200  # the link still opens the thread
    with app.app_context():  # the confirmation was committed with the ticket, once, not again on retry
        queued = db.session.scalars(select(OutboxMessage)).all()
    assert [m.ticket_reference for m in queued] == [ticket.reference] and queued[0].template == "confirmation"


def test_a_form_without_a_usable_key_still_works(app, client, valid):
    # No key, or a malformed one: the browser's own key for the form stands in.
    assert client.post(FORM, data=valid).status_code == 303
    assert app.test_client().post(FORM, data={**valid, "kunci_kirim": "short"}).status_code == 303
    assert len(tickets(app)) == 2


def test_api_replay_answers_the_first_response(app, client, token):
    headers = {**auth(token), "Idempotency-Key": "a3c2b1d0-6f0e-4e1b-9a55-0f1e2d3c4b5a"}
    first = client.post("/api/v1/tickets", json=PAYLOAD, headers=headers)
    again = client.post("/api/v1/tickets", json=PAYLOAD, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()  # the same status link, still valid
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    assert len(tickets(app)) == 1 and len(outbox(app)) == 1
    quoted = client.post(
        "/api/v1/tickets",
        json=PAYLOAD,
        headers={**headers, "Idempotency-Key": '"a3c2b1d0-6f0e-4e1b-9a55-0f1e2d3c4b5a"'},
    )
    assert quoted.get_json() == first.get_json()  # the structured-header form of the same key


def test_api_requests_without_a_key_are_never_replayed(app, client, token):
    first = client.post("/api/v1/tickets", json=PAYLOAD, headers=auth(token))
    second = client.post("/api/v1/tickets", json=PAYLOAD, headers=auth(token))
    assert first.status_code == second.status_code == 201 and "Idempotent-Replayed" not in second.headers
    assert first.get_json()["reference"] != second.get_json()["reference"]
    other = {**PAYLOAD, "fields": {**PAYLOAD["fields"], "nomor_sp2d": "240111301000999"}}
    assert client.post("/api/v1/tickets", json=other, headers=auth(token)).status_code == 201
    assert len(tickets(app)) == 3
    with app.app_context():
        assert db.session.scalars(select(SubmissionKey)).all() == []


def test_api_key_with_other_content_is_refused(app, client, token):
    headers = {**auth(token), "Idempotency-Key": "order-2026-000000000001"}
    assert client.post("/api/v1/tickets", json=PAYLOAD, headers=headers).status_code == 201
    other = {**PAYLOAD, "fields": {**PAYLOAD["fields"], "nomor_sp2d": "240111301000999"}}
    refused = client.post("/api/v1/tickets", json=other, headers=headers)
    assert refused.status_code == 422 and "idempotency_key" in refused.get_json()["fields"]
    assert len(tickets(app)) == 1


def test_api_retry_after_the_worker_died_between_commit_and_answer(app, client, token, dies_after_commit):
    headers = {**auth(token), "Idempotency-Key": "retry-after-crash-0001"}
    assert client.post("/api/v1/tickets", json=PAYLOAD, headers=headers).status_code == 500
    [ticket] = tickets(app)
    dies_after_commit.undo()
    retry = client.post("/api/v1/tickets", json=PAYLOAD, headers=headers)
    assert retry.status_code == 201 and retry.get_json()["reference"] == ticket.reference
    assert len(tickets(app)) == 1
    # The replayed link still works: exchanged for a grant, then the thread.
    opened = client.get(retry.get_json()["status_url"].removeprefix("http://localhost"), follow_redirects=True)
    assert opened.status_code == 200


@pytest.mark.parametrize("key", ["short", "x" * 256, "has space inside it", "ünïcödé-ünïcödé-ünïcödé"])
def test_api_refuses_malformed_keys(client, token, key):
    response = client.post("/api/v1/tickets", json=PAYLOAD, headers={**auth(token), "Idempotency-Key": key})
    assert response.status_code == 400


def test_keys_belong_to_their_integration(app, client, token):
    other = app.test_cli_runner().invoke(args=["api-token", "create", "other"]).output.strip().splitlines()[-1]
    key = {"Idempotency-Key": "shared-key-0000000001"}
    assert client.post("/api/v1/tickets", json=PAYLOAD, headers={**auth(token), **key}).status_code == 201
    second = client.post("/api/v1/tickets", json=PAYLOAD, headers={**auth(other), **key})
    assert second.status_code == 201 and "Idempotent-Replayed" not in second.headers
    assert len(tickets(app)) == 2


def test_keys_are_forgotten_after_the_configured_hours(app, client, token):
    app.config["IDEMPOTENCY_KEY_HOURS"] = 2
    headers = {**auth(token), "Idempotency-Key": "expiring-key-00000001"}
    client.post("/api/v1/tickets", json=PAYLOAD, headers=headers)
    app.config["NOW"] = FRIDAY_3PM + timedelta(hours=1, minutes=59)
    assert client.post("/api/v1/tickets", json=PAYLOAD, headers=headers).headers.get("Idempotent-Replayed") == "true"
    app.config["NOW"] = FRIDAY_3PM + timedelta(hours=2, minutes=1)
    fresh = client.post("/api/v1/tickets", json=PAYLOAD, headers=headers)
    assert fresh.status_code == 201 and "Idempotent-Replayed" not in fresh.headers
    assert len(tickets(app)) == 2
    with app.app_context():  # the expired row was deleted when the new one was written
        assert len(db.session.scalars(select(SubmissionKey)).all()) == 1


def test_neither_key_nor_token_is_stored_in_clear(app, client, token):
    key = "plain-key-never-stored-01"
    body = client.post("/api/v1/tickets", json=PAYLOAD, headers={**auth(token), "Idempotency-Key": key}).get_json()
    link_token = re.search(r"[?&]t=([^&]+)", body["status_url"]).group(1)
    with app.app_context():
        [row] = db.session.scalars(select(SubmissionKey)).all()
        stored = b"|".join([row.scope.encode(), row.key_hash.encode(), row.fingerprint.encode(), row.sealed_answer])
    assert key.encode() not in stored and link_token.encode() not in stored


def test_no_ticket_is_committed_without_its_key(app, client, valid, monkeypatch):
    from portal.tickets import idempotency

    def broken(*args, **kwargs):
        raise RuntimeError("the key could not be stored")

    monkeypatch.setattr(idempotency, "remember", broken)
    assert client.post(FORM, data={**valid, "kunci_kirim": form_key(client)}).status_code == 500
    assert tickets(app) == []  # one transaction: no ticket that a retry would duplicate


def test_a_concurrent_duplicate_gets_the_first_ticket(app, client, token, monkeypatch):
    from portal.tickets import idempotency

    headers = {**auth(token), "Idempotency-Key": "racing-workers-000001"}
    first = client.post("/api/v1/tickets", json=PAYLOAD, headers=headers)
    real_find, calls = idempotency.find, []

    def late_find(*args, **kwargs):
        # The other worker's row is not visible yet at the first look; the unique constraint then refuses ours.
        calls.append(1)
        return None if len(calls) == 1 else real_find(*args, **kwargs)

    monkeypatch.setattr(idempotency, "find", late_find)
    second = client.post("/api/v1/tickets", json=PAYLOAD, headers=headers)
    assert second.status_code == 201 and second.get_json() == first.get_json()
    assert len(tickets(app)) == 1 and len(calls) == 2


def test_a_head_request_reads_the_form_without_submitting_it(app, client):
    assert client.head(FORM).status_code == 200  # link checkers and monitors
    assert tickets(app) == []
