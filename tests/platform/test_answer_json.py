"""The JSON form of stored answers: dates come back as dates, everything else exactly as written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wizard.models.types import dumps, loads

json_leaves = st.none() | st.booleans() | st.integers() | st.text() | st.dates() | st.datetimes()
answers = st.recursive(
    json_leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)


@given(answers)
def test_any_answer_round_trips(value: Any) -> None:
    assert loads(dumps(value)) == value


def test_dates_keep_their_type_inside_nested_answers() -> None:
    value = {"children": [{"birth_date": date(2015, 3, 1)}], "signed_at": datetime(2026, 12, 5, 9, 30, tzinfo=UTC)}

    decoded = loads(dumps(value))

    assert decoded == value
    assert type(decoded["children"][0]["birth_date"]) is date
    assert decoded["signed_at"].tzinfo is not None


@pytest.mark.parametrize("typed", ['{"__date__": "not a tag"}', "__date__", '"__datetime'])
def test_text_that_merely_contains_the_tag_stays_text(typed: str) -> None:
    """A person may type anything: a string holding the tag is not a date (and is read by the hooked decoder)."""
    value = {"free_text": typed, "nested": {"note": typed}}

    assert loads(dumps(value)) == value


def test_an_object_with_the_tag_and_other_keys_is_not_a_date() -> None:
    assert loads('{"__date__": "2020-01-01", "other": 1}') == {"__date__": "2020-01-01", "other": 1}
