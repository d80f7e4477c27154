"""Every predicate of the affiliation flow, on the answers that make it true and false."""

from __future__ import annotations

import pytest

from flows.affiliation import covers_children, covers_nobody
from forms.context import Answers


@pytest.mark.parametrize(
    ("partner", "children", "expected_children", "expected_nobody"),
    [("no", "no", False, True), ("yes", "no", False, False), ("no", "yes", True, False), ("yes", "yes", True, False)],
)
def test_affiliation_predicates(partner: str, children: str, expected_children: bool, expected_nobody: bool) -> None:
    answers = Answers({"household": {"cover_partner": partner, "cover_children": children}})
    assert covers_children(answers) is expected_children
    assert covers_nobody(answers) is expected_nobody


def test_predicates_are_false_before_household_is_answered() -> None:
    assert covers_children(Answers()) is False
    assert covers_nobody(Answers()) is False
