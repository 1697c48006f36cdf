"""``flask jobs run``: every due job once, ``--now`` as the clock, a job another run holds is skipped."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text, update

from portal.core import clock
from portal.extensions import db
from portal.jobs import service as jobs
from portal.jobs.models import JobLock
from portal.jobs.registry import register
from portal.mail import service as mail
from tests.conftest import outbox


def test_the_run_sends_the_outbox_and_lists_each_job(app):
    with app.app_context():
        letter = {"subject": "Uji", "template": "password_changed", "context": {"name": "Budi"}}
        mail.enqueue(db.session, to="budi@satker.go.id", **letter)
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0, result.output
    assert "mail.send: terkirim 1" in result.output and "tickets.forward_reminders:" in result.output
    assert [m["To"] for m in outbox(app)] == ["budi@satker.go.id"]


def test_now_sets_the_portal_clock_for_the_run_only(app):
    seen: list[datetime] = []
    register(app, "test.clock", lambda session, now: seen.append(clock.now()) or "ok")
    at = "2026-12-01T09:00:00+07:00"
    result = app.test_cli_runner().invoke(args=["jobs", "run", "--only", "test.clock", "--now", at])
    assert result.output == "test.clock: ok\n"
    assert seen == [datetime.fromisoformat("2026-12-01T02:00:00+00:00")]
    with app.app_context():
        assert clock.now() != seen[0]  # the app's own clock is back afterwards
    bad = app.test_cli_runner().invoke(args=["jobs", "run", "--now", "2026-12-01T09:00"])
    assert bad.exit_code != 0 and "zona waktu" in bad.output


def test_a_job_held_by_another_run_is_skipped(app):
    calls: list[str] = []
    register(app, "test.held", lambda session, now: calls.append("ran") or "ok")
    runner = app.test_cli_runner()
    runner.invoke(args=["jobs", "run", "--only", "test.held"])
    with app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        if postgres:  # another node's session holds the advisory lock
            other = db.engine.connect()
            other.execute(text("SELECT pg_advisory_lock(:k)"), {"k": jobs._advisory_key("test.held")})
            other.commit()
            other_pid = other.execute(text("SELECT pg_backend_pid()")).scalar_one()
        else:  # another run's lease on the job's row
            later = clock.now() + timedelta(minutes=5)
            db.session.execute(update(JobLock).where(JobLock.name == "test.held").values(holder="x", held_until=later))
            db.session.commit()
    result = runner.invoke(args=["jobs", "run", "--only", "test.held", "--now", "2026-11-27T15:01:00+07:00"])
    assert "dipegang proses lain" in result.output and calls == ["ran"]
    if postgres:
        # The node died: its backend ends and the lock goes with it. Closing the socket alone lets
        # the server notice a moment later, so the next run could still find the lock held;
        # pg_terminate_backend(pid, timeout) returns once that backend is gone.
        with app.app_context(), db.engine.connect() as admin:
            assert admin.execute(text("SELECT pg_terminate_backend(:p, 10000)"), {"p": other_pid}).scalar_one()
        other.invalidate()
        other.close()
    # on SQLite the lease of a run that died ends: the next run after it takes the job again
    result = runner.invoke(args=["jobs", "run", "--only", "test.held", "--now", "2026-11-27T15:30:00+07:00"])
    assert result.output == "test.held: ok\n" and calls == ["ran", "ran"]


def test_a_daily_job_runs_once_a_day(app):
    calls: list[datetime] = []
    register(app, "test.daily", lambda session, now: calls.append(now) or "ok", every=timedelta(days=1))
    runner = app.test_cli_runner()
    for moment in ("2026-11-30T08:00:00+07:00", "2026-11-30T08:01:00+07:00", "2026-12-01T08:00:00+07:00"):
        runner.invoke(args=["jobs", "run", "--only", "test.daily", "--now", moment])
    assert len(calls) == 2


def test_a_failing_job_stays_due_and_the_others_run(app):
    def broken(session, now):
        raise RuntimeError("boom")

    register(app, "test.broken", broken)
    result = app.test_cli_runner().invoke(args=["jobs", "run"])
    assert result.exit_code == 0 and "test.broken: gagal" in result.output and "mail.send: terkirim 0" in result.output
