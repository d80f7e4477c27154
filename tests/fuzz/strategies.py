"""Hypothesis strategies for hostile form posts: odd text, unicode, huge values, missing and repeated fields."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from wtforms import Field, FieldList, FormField
from wtforms.fields import RadioField, SelectField, SelectMultipleField

NASTY = [
    "", " ", "0", "-1", "1e309", "NaN", "99999999999999999999999", "3.5", "2015-02-30", "0000-00-00",
    "31/12/1999", "1900-01-01", "2999-12-31", "null", "None", "true", "[]", "{}", "<script>alert(1)</script>",
    "' OR 1=1 --", "\x00", "\ud7ff\ue000", "é" * 300, "👩‍👩‍👧‍👦", "\u202e", "FR76 3000 6000 0112 3456 7890 189",
    "1 85 05 78 006 084 36", "a@b", "x" * 5000,
]  # fmt: skip
#: drawn as a short marker (Hypothesis prints every failing example) and expanded when posted
HUGE_MARKER = "<huge>"
HUGE = "9" * 200_000


def text_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(NASTY),
        st.text(max_size=60),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
        st.just(HUGE_MARKER),
    )


def field_names(form: Any) -> dict[str, list[str]]:
    """Every posted name of a form (nested lists included) and the choice values it knows."""
    names: dict[str, list[str]] = {}
    for field in form:
        names.update(_names_of(field))
    return names


def _names_of(field: Field) -> dict[str, list[str]]:
    if isinstance(field, FieldList):
        found: dict[str, list[str]] = {}
        for entry in field.entries:
            found.update(_names_of(entry))
        found[f"{field.name}-{len(field.entries) + 40}-x"] = []  # an index far beyond the list
        return found
    if isinstance(field, FormField):
        found = {}
        for sub in field.form:
            found.update(_names_of(sub))
        return found
    if isinstance(field, RadioField | SelectField | SelectMultipleField):
        return {field.name: [str(value) for value, *_ in field.iter_choices()]}
    return {field.name: []}


def values_for(choices: list[str]) -> st.SearchStrategy[list[str]]:
    one = st.one_of(st.sampled_from(choices), text_values()) if choices else text_values()
    return st.lists(one, min_size=0, max_size=3)  # 0: missing, 2-3: duplicated


def payloads(names: dict[str, list[str]]) -> st.SearchStrategy[dict[str, list[str]]]:
    fields = st.fixed_dictionaries({name: values_for(choices) for name, choices in names.items()})
    extra = st.dictionaries(st.text(min_size=1, max_size=30), st.lists(text_values(), max_size=2), max_size=3)
    return st.builds(lambda known, more: {**more, **known}, fields, extra)


def expand(data: dict[str, list[str]]) -> dict[str, list[str]]:
    """The payload as posted: markers replaced by 200,000 characters (1 MB in all stays under the limit)."""
    return {name: [HUGE if v == HUGE_MARKER else v for v in values] for name, values in data.items()}
