"""The embedded default stays in-process; several workers on it are warned about at start."""

from __future__ import annotations

import logging
import sys

import pytest

from portal.core.shared import worker_count


@pytest.mark.parametrize(
    ("argv", "environ", "workers"),
    [
        (["/srv/.venv/bin/gunicorn", "-w", "4", "app:app"], {}, 4),
        (["/srv/.venv/lib/python3.11/site-packages/gunicorn/__main__.py", "--workers=3", "app:app"], {}, 3),
        (["/srv/.venv/bin/gunicorn", "app:app"], {}, 1),
        (["/srv/.venv/bin/gunicorn", "app:app"], {"WEB_CONCURRENCY": "2"}, 2),
        (["/srv/.venv/bin/gunicorn", "app:app"], {"GUNICORN_CMD_ARGS": "--workers 5 --bind 127.0.0.1:8000"}, 5),
        (["/srv/.venv/bin/flask", "run"], {"WEB_CONCURRENCY": "8"}, 1),  # not gunicorn: one process
    ],
)
def test_worker_count_reads_gunicorns_own_settings(argv, environ, workers):
    assert worker_count(argv, environ) == workers


def warnings_at_start(make_app, caplog, monkeypatch, argv, **settings) -> str:
    monkeypatch.setattr(sys, "argv", argv)
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    with caplog.at_level(logging.WARNING):
        make_app(**settings)
    return " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


def test_several_workers_on_in_process_stores_are_warned_about(make_app, caplog, monkeypatch):
    said = warnings_at_start(make_app, caplog, monkeypatch, ["/srv/.venv/bin/gunicorn", "-w", "2", "app:app"])
    assert "RATELIMIT_STORAGE_URI=memory://" in said and "each limit is multiplied by 2" in said
    assert "keep separate caches" in said


def test_one_worker_or_redis_is_not_warned_about(make_app, caplog, monkeypatch, redis_url):
    alone = warnings_at_start(make_app, caplog, monkeypatch, ["/srv/.venv/bin/gunicorn", "app:app"])
    assert "memory://" not in alone and "separate caches" not in alone
    caplog.clear()
    argv = ["/srv/.venv/bin/gunicorn", "-w", "4", "app:app"]
    shared = warnings_at_start(make_app, caplog, monkeypatch, argv, REDIS_URL=redis_url)
    assert "memory://" not in shared and "separate caches" not in shared


def test_redis_url_fills_the_limiter_and_cache_settings(make_app, redis_url):
    app = make_app(REDIS_URL=redis_url)
    assert app.config["RATELIMIT_STORAGE_URI"] == redis_url
    assert app.config["CACHE_TYPE"] == "RedisCache" and app.config["CACHE_REDIS_URL"] == redis_url
    embedded = make_app()
    assert embedded.config["RATELIMIT_STORAGE_URI"] == "memory://" and embedded.config["CACHE_TYPE"] == "SimpleCache"
