"""Web chat across two nodes on one database and one Redis: each side may be served by either node,
and a visitor's unchanged poll is answered from Redis with no database query (#23)."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from portal.extensions import db
from tests.chat.conftest import AGENT, VISITOR
from tests.scale.test_shared_stores import SHARED, two_instances  # noqa: F401  (the fixture)


def queries(app) -> list[str]:
    """A list that fills with the SQL statements ``app`` runs from now on."""
    seen: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


@SHARED
def test_visitor_on_one_node_agent_on_the_other(two_instances, shared):  # noqa: F811
    a, b = two_instances(shared)
    from tests.conftest import add_staff

    add_staff(a, email=AGENT, name="Agus Petugas")
    agent = b.test_client()
    assert agent.post("/staf/masuk", data={"email": AGENT, "password": "kata-sandi-rahasia-1"}).status_code == 303
    agent.post("/staf/chat/status", data={"status": "tersedia"})
    visitor = a.test_client()
    assert visitor.post("/chat/mulai", data=VISITOR).status_code == 201
    first = visitor.get("/chat/pesan").get_json()
    assert agent.post("/staf/chat/1/terima").status_code == 303
    assert agent.post("/staf/chat/1/kirim", data={"pesan": "Selamat pagi dari node B"}).status_code == 303
    seen = queries(a)
    fresh = visitor.get(f"/chat/pesan?versi={first['version']}").get_json()  # the other node's write is seen
    assert "Selamat pagi dari node B" in [m["body"] for m in fresh["messages"]]
    seen.clear()
    unchanged = visitor.get(f"/chat/pesan?versi={fresh['version']}")
    if shared:
        assert unchanged.status_code == 204 and seen == []  # one Redis GET, no SQL
    else:
        assert unchanged.status_code == 200 and seen  # in-process caches cannot know: the database answers


@pytest.mark.parametrize("shared", [True])
def test_redis_away_polls_fall_back_to_the_database(two_instances, shared):  # noqa: F811
    a, _b = two_instances(shared, CACHE_REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens there
    from tests.conftest import add_staff

    add_staff(a, email=AGENT)
    agent = a.test_client()
    agent.post("/staf/masuk", data={"email": AGENT, "password": "kata-sandi-rahasia-1"})
    agent.post("/staf/chat/status", data={"status": "tersedia"})
    visitor = a.test_client()
    assert visitor.post("/chat/mulai", data=VISITOR).status_code == 201
    version = visitor.get("/chat/pesan").get_json()["version"]
    assert visitor.get(f"/chat/pesan?versi={version}").status_code == 200
