"""The effective-date rule and the amounts of a family change, on the pure function the review and the avenant
both call (boundaries of the declaration period, a year change, the contract's own start)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from config.catalogue import default_catalogue
from forms.context import Answers
from forms.family_cover import COVER_KEY, Cover, effect

COVER = Cover(
    level="option1", contract_start=date(2026, 5, 1),
    partner={"key": "partner", "kind": "partner", "first_name": "Marc", "last_name": "Dupré",
             "birth_date": date(1987, 6, 2)},
    children=[{"key": "child-1", "kind": "child", "first_name": "Carla", "last_name": "Dupré",
               "birth_date": date(2015, 9, 1), "situation": "none"}],
)  # fmt: skip


def answers(event: dict[str, Any], **steps: dict[str, Any]) -> Answers:
    cover = {**COVER.as_json(), "declaration_days": 30}
    return Answers({COVER_KEY: cover, "event": event, **steps})


@pytest.mark.parametrize(
    ("event_date", "declared_on", "effective", "within"),
    [
        (date(2026, 6, 10), date(2026, 7, 10), date(2026, 7, 1), True),  # 30 days: still within
        (date(2026, 6, 10), date(2026, 7, 11), date(2026, 8, 1), False),  # 31 days: month after the declaration
        (date(2026, 12, 31), date(2027, 1, 2), date(2027, 1, 1), True),  # over the new year
        (date(2026, 5, 1), date(2026, 5, 1), date(2026, 6, 1), True),  # on the contract's first day
    ],
)
def test_effective_date_rule(event_date: date, declared_on: date, effective: date, within: bool) -> None:
    found = effect(answers({"event": "separation", "event_date": event_date}), default_catalogue(), declared_on)
    assert found is not None
    assert (found.effective_date, found.within_period) == (effective, within)
    assert (found.before.total_cents, found.after.total_cents) == (3600, 2200)  # 12 + 14 + 10 → 12 + 10


def test_amounts_for_an_added_child_and_a_kept_student() -> None:
    child = {"first_name": "Léa", "last_name": "Dupré", "birth_date": date(2026, 6, 1), "situation": "none"}
    added = effect(
        answers({"event": "birth_adoption", "birth_kind": "birth", "event_date": date(2026, 6, 1)}, child=child),
        default_catalogue(), date(2026, 6, 5),
    )  # fmt: skip
    assert added is not None and added.action == "add"
    assert [line.label for line in added.after.lines] == ["Vous", "Conjoint(e)", "Enfant 1", "Enfant 2"]
    assert added.after.total_cents == 4600
    kept = effect(
        answers({"event": "child_studies", "person": "child-1", "event_date": date(2026, 9, 1)}),
        default_catalogue(), date(2026, 9, 3),
    )  # fmt: skip
    assert kept is not None and kept.action == "keep" and kept.before.total_cents == kept.after.total_cents == 3600


def test_an_incomplete_declaration_has_no_effect() -> None:
    assert effect(answers({"event": "death", "person": "nobody", "event_date": date(2026, 6, 1)}),
                  default_catalogue(), date(2026, 6, 2)) is None  # fmt: skip
    assert effect(Answers({}), default_catalogue(), date(2026, 6, 2)) is None
