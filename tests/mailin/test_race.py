"""The unique key on a message decides a race between two runs: the loser changes nothing."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy.orm import Session

from portal.mail import inbound, parse
from portal.mail.models import InboundMessage, InboundStatus
from portal.tickets.models import Ticket
from tests.mailin.conftest import FRIDAY_3PM, message, rows
from tests.servers import pause

pytestmark = pytest.mark.skipif(
    not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="a writer waiting on another needs PostgreSQL"
)


def test_a_run_that_loses_the_race_on_the_message_key_makes_no_ticket(app):
    from portal.catalog.service import get_catalog
    from portal.core.desk import get_calendar
    from portal.extensions import db

    raw = message(Message_ID="<balapan@satker.go.id>")
    key = inbound.dedupe_key(parse.parse(raw).message_id, raw)
    with app.app_context():
        first = Session(db.engine)  # another node, in the middle of its transaction
        first.add(InboundMessage(dedupe_key=key, status=InboundStatus.TICKET, received_at=FRIDAY_3PM))
        first.flush()
        outcome: list[inbound.Outcome] = []

        def second_run():
            with app.test_request_context():
                settings = inbound.Settings.of(app)
                calendar, version = get_calendar(), get_catalog().version
                outcome.append(
                    inbound.ingest(
                        db.session(), raw, settings, calendar=calendar, catalog_version=version, now=FRIDAY_3PM
                    )
                )

        thread = threading.Thread(target=second_run)
        thread.start()
        pause(1.0)
        assert thread.is_alive()  # waiting on the first run's uncommitted key
        first.commit()
        first.close()
        thread.join(30)
    assert outcome and outcome[0].duplicate
    assert rows(app, Ticket) == [] and len(rows(app, InboundMessage)) == 1
