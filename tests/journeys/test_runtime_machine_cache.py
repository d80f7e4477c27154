"""One compiled machine per flow version, shared by every journey and thread of a process, holding none."""

from __future__ import annotations

import threading

import pytest

from flows.affiliation import FLOW as AFFILIATION
from forms.context import Answers
from wizard.journeys.runtime import TransitionRefused, fire, machine_for

NOBODY = Answers({"household": {"cover_partner": "no", "cover_children": "no"}})
CHILDREN = Answers({"household": {"cover_partner": "no", "cover_children": "yes", "children_count": 1}})


def test_the_machine_is_built_once_per_flow_version_and_keeps_no_model() -> None:
    machine = machine_for(AFFILIATION)
    assert fire(AFFILIATION, "household", NOBODY, "next") == "no_cover"
    assert fire(AFFILIATION, "household", CHILDREN, "next") == "children"
    assert machine_for(AFFILIATION) is machine
    assert machine.models == []  # every journey's model was detached after its trigger


def test_a_refused_trigger_detaches_its_model_too() -> None:
    with pytest.raises(TransitionRefused):
        fire(AFFILIATION, "regime", Answers(), "edit_review")
    with pytest.raises(TransitionRefused):
        fire(AFFILIATION, "formula", Answers(), "back")  # no condition holds without ``previous``
    with pytest.raises(TransitionRefused):
        fire(AFFILIATION, "not_a_step", Answers(), "next")
    with pytest.raises(TransitionRefused):
        fire(AFFILIATION, "regime", Answers(), "not_a_trigger")
    assert machine_for(AFFILIATION).models == []


def test_equal_journeys_in_parallel_threads_each_move_their_own_state() -> None:
    """Models compare by identity: two journeys with the same answers never take each other's place."""
    results: list[str] = []
    lock = threading.Lock()

    def walk(answers: Answers, expected: str) -> None:
        for _ in range(300):
            try:
                state = fire(AFFILIATION, "household", answers, "next")
                back = fire(AFFILIATION, state, answers, "back", previous="household")
                outcome = "ok" if (state, back) == (expected, "household") else f"{state}/{back}"
            except TransitionRefused as refused:
                outcome = str(refused)
            with lock:
                results.append(outcome)

    threads = [
        threading.Thread(target=walk, args=(a, e)) for a, e in [(NOBODY, "no_cover")] * 2 + [(CHILDREN, "children")] * 2
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["ok"] * 1200
    assert machine_for(AFFILIATION).models == []
