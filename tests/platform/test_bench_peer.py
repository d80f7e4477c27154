"""The hand-written Flask-WTF wizard the step benchmark compares the product with does the work it claims.

Its every step submit must be a real committed write, even when the benchmark's users send the same answers
cycle after cycle: SQLite writes nothing for an UPDATE whose row comes out identical (no page, no log frame,
no fsync at commit), which made the peer look cheaper than any wizard that saves something.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench import _peer_flask_wtf_wizard as peer
from bench.step_submit import hidden_fields

STEPS = [
    ("regime", {"regime": "general"}, "/wizard/household"),
    ("household", {"cover_partner": "no", "cover_children": "no"}, "/wizard/no_cover"),
    ("no_cover", {"confirm": "y"}, "/wizard/done"),
]


# the peer is written as a web team writes it today, with (label, value) tuples for choices, which WTForms 3.3
# has begun to deprecate; the warning is the peer's, not the product's
@pytest.mark.filterwarnings("ignore:Passing SelectField choices as tuples is deprecated:DeprecationWarning")
def test_every_submit_of_the_same_answers_changes_the_stored_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "peer.sqlite3"
    monkeypatch.setenv("PEER_DATABASE_URL", f"sqlite:///{path}")
    peer.prepare(f"sqlite:///{path}")
    client = peer.create_app().test_client()
    stored = []
    for _cycle in range(2):
        for step, answers, next_page in STEPS:
            page = client.get(f"/wizard/{step}")
            reply = client.post(f"/wizard/{step}", data={**hidden_fields(page.get_data(as_text=True)), **answers})
            assert reply.status_code == 302 and reply.headers["Location"] == next_page
            with sqlite3.connect(path) as connection:
                stored.append(connection.execute("SELECT * FROM peer_flask_wizards").fetchall())
    first_cycle, second_cycle = stored[:3], stored[3:]
    assert all(len(rows) == 1 for rows in stored)  # one wizard row, updated in place
    assert first_cycle[-1][0][3] == '{"confirm": true}'  # the step's answers, as submitted
    for before, after in zip(first_cycle, second_cycle, strict=True):
        assert before != after  # same answers, yet a different row: SQLite has something to write
