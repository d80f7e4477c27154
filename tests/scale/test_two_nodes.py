"""Two gunicorn nodes, one PostgreSQL: a journey moves freely between nodes; concurrent submits never lose data."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.scale.nodes import Node, Reply, Visitor
from wizard.db import STALE_MESSAGE, db_session
from wizard.models import Journey, JourneyEvent

STALE = STALE_MESSAGE.split(" (")[0]  # « Cette page n'était plus à jour »


def _start_affiliation(visitor: Visitor, node: Node) -> str:
    token = visitor.form(f"{node.url}/demarches/affiliation")["csrf_token"]
    journey = visitor.post(f"{node.url}/demarches/affiliation", {"csrf_token": token}).location
    step = visitor.get(f"{node.url}{journey}" if journey.startswith("/") else journey).location
    return step.rsplit("/", 1)[0].replace(node.url, "")


def _submit(visitor: Visitor, url: str, data: dict[str, str]) -> Reply:
    return visitor.post(url, {**visitor.form(url), **data, "action": "next"})


def test_journey_started_on_one_node_resumes_on_the_other(two_nodes: tuple[Node, Node], make_user: Any) -> None:
    a, b = two_nodes
    make_user("noeuds@example.fr")
    visitor = Visitor()
    visitor.log_in(a.url, "noeuds@example.fr", PASSWORD)
    base = _start_affiliation(visitor, a)
    assert _submit(visitor, f"{a.url}{base}/regime", {"regime": "general"}).location.endswith("/household")
    resumed = visitor.get(f"{b.url}{base}")
    assert resumed.status == 302 and resumed.location.endswith("/household"), "node B knows where the journey is"
    page = visitor.get(f"{b.url}{base}/household")
    assert "Souhaitez-vous couvrir votre conjoint(e)" in page.text
    reply = _submit(visitor, f"{b.url}{base}/household", {"cover_partner": "no", "cover_children": "yes",
                                                           "children_count": "1"})  # fmt: skip
    assert reply.location.endswith("/children")
    assert "Vous avez indiqué 1 enfant(s) à couvrir" in visitor.get(f"{a.url}{base}/children").text
    login_on_b = Visitor().log_in(b.url, "noeuds@example.fr", PASSWORD)
    assert login_on_b.location.endswith(f"{base}")


def race(posts: list[tuple[Visitor, str, dict[str, str]]]) -> list[Reply]:
    """Send the posts at the same instant, one thread each; the replies in the same order."""
    replies: list[Reply | None] = [None] * len(posts)
    barrier = threading.Barrier(len(posts))

    def send(index: int) -> None:
        visitor, url, data = posts[index]
        barrier.wait()
        replies[index] = visitor.post(url, data)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert all(reply is not None for reply in replies), "a request never came back"
    return [reply for reply in replies if reply is not None]


def _follow(visitor: Visitor, node: Node, reply: Reply) -> str:
    return visitor.get(f"{node.url}{reply.location}" if reply.location.startswith("/") else reply.location).text


def test_concurrent_submits_from_two_nodes_exactly_one_wins(
    app: Flask, two_nodes: tuple[Node, Node], make_user: Any
) -> None:
    nodes = two_nodes
    make_user("course@example.fr")
    visitor = Visitor()
    visitor.log_in(nodes[0].url, "course@example.fr", PASSWORD)
    base = _start_affiliation(visitor, nodes[0])
    _submit(visitor, f"{nodes[0].url}{base}/regime", {"regime": "general"})
    for attempt in range(3):  # the first race inserts the step's answer, the next ones update it
        tabs = [visitor.clone(), visitor.clone()]
        choices = [{"cover_partner": "no", "cover_children": "yes", "children_count": str(attempt + 1)},
                   {"cover_partner": "no", "cover_children": "no"}]  # fmt: skip
        posts = []
        for tab, node, choice in zip(tabs, nodes, choices, strict=True):
            url = f"{node.url}{base}/household"
            posts.append((tab, url, {**tab.form(url), **choice, "action": "next"}))
        replies = race(posts)
        assert [r.status for r in replies] == [302, 302], replies
        stale = [STALE in _follow(tab, node, r) for tab, node, r in zip(tabs, nodes, replies, strict=True)]
        assert sorted(stale) == [False, True], f"exactly one stale page expected, got {stale}"
        winner = stale.index(False)
        _assert_stored(app, base.rsplit("/", 1)[-1], choices[winner])
        visitor = tabs[winner]
        state_url = f"{nodes[0].url}{base}/{_state(app, base)}"
        back = visitor.post(state_url, {**visitor.form(state_url), "action": "back"})
        assert back.location.endswith("/household"), back


def _state(app: Flask, base: str) -> str:
    public_id = base.rsplit("/", 1)[-1]
    with app.app_context():
        return str(db_session().scalars(select(Journey).where(Journey.public_id == public_id)).one().state)


def _assert_stored(app: Flask, public_id: str, expected: dict[str, str]) -> None:
    """The winner's answers are stored, whole, and the journey is where the winner's answers lead."""
    with app.app_context():
        journey = db_session().scalars(select(Journey).where(Journey.public_id == public_id)).one()
        answer = journey.answer_for("household")
        assert answer is not None
        assert {k: v[0] for k, v in answer.raw.items() if k in expected} == expected
        assert journey.state == ("children" if expected["cover_children"] == "yes" else "no_cover")
        events = db_session().scalars(select(JourneyEvent).where(JourneyEvent.journey_id == journey.id)).all()
        assert journey.state in [e.to_state for e in events]
