"""The flow compiler and validator: what a flow author gets wrong is refused at start-up."""

from __future__ import annotations

import pytest

from flows.affiliation import FLOW as AFFILIATION
from forms.affiliation import NoCoverForm, RegimeForm
from forms.context import Answers
from wizard.journeys.compile import FlowError, compile_flow, predicate_names, validate_flow
from wizard.journeys.flow import Flow, FormStep, ReviewStep, TerminalStep, entered_steps
from wizard.journeys.runtime import TransitionRefused, available_triggers, fire


def always(answers: Answers) -> bool:
    """A predicate that always holds."""
    return True


def never(answers: Answers) -> bool:
    """A predicate that never holds."""
    return False


def _flow(*steps: object, flow_id: str = "sample") -> Flow:
    return Flow(id=flow_id, version=1, title="Essai", steps=tuple(steps))  # type: ignore[arg-type]


def test_compile_flow_next_takes_first_passing_condition() -> None:
    definition = compile_flow(AFFILIATION)
    nexts = [(t["dest"], [c.__name__ for c in t["conditions"]]) for t in definition.transitions
             if t["trigger"] == "next" and t["source"] == "household"]  # fmt: skip
    assert nexts == [("no_cover", ["covers_nobody"]), ("children", ["covers_children"]), ("formula", [])]


def test_runtime_fire_follows_branches() -> None:
    household = {"cover_partner": "no", "cover_children": "no"}
    assert fire(AFFILIATION, "household", Answers({"household": household}), "next") == "no_cover"
    household = {"cover_partner": "yes", "cover_children": "yes", "children_count": 2}
    assert fire(AFFILIATION, "household", Answers({"household": household}), "next") == "children"
    household = {"cover_partner": "yes", "cover_children": "no"}
    assert fire(AFFILIATION, "household", Answers({"household": household}), "next") == "formula"


def test_runtime_back_needs_the_previous_visited_step() -> None:
    assert fire(AFFILIATION, "formula", Answers(), "back", previous="household") == "household"
    with pytest.raises(TransitionRefused):
        fire(AFFILIATION, "formula", Answers(), "back")


def test_runtime_refuses_unknown_trigger_and_shortcuts() -> None:
    with pytest.raises(TransitionRefused):
        fire(AFFILIATION, "regime", Answers(), "to_done")  # auto_transitions are off
    with pytest.raises(TransitionRefused):
        fire(AFFILIATION, "regime", Answers(), "edit_review")  # cannot edit a step not yet reached


def test_runtime_keeps_given_state_as_initial() -> None:
    assert fire(AFFILIATION, "formula", Answers(), "next") == "review"


def test_review_can_edit_every_earlier_step() -> None:
    triggers = available_triggers(AFFILIATION, "review")
    assert {"edit_regime", "edit_household", "edit_children", "edit_formula", "next", "back"} <= set(triggers)


def test_validate_flow_accepts_shipped_flow() -> None:
    validate_flow(AFFILIATION)
    assert predicate_names(AFFILIATION) == ["covers_nobody", "covers_children"]


def test_validate_flow_refuses_duplicate_ids_and_no_terminal() -> None:
    flow = _flow(FormStep(id="a", title="A", form=RegimeForm), FormStep(id="a", title="A bis", form=RegimeForm))
    with pytest.raises(FlowError, match="step id 'a' is used twice"):
        validate_flow(flow)
    with pytest.raises(FlowError, match="no terminal step"):
        validate_flow(_flow(FormStep(id="a", title="A", form=RegimeForm)))


def test_validate_flow_refuses_unreachable_and_dead_end_steps() -> None:
    flow = _flow(
        FormStep(id="a", title="A", form=RegimeForm),
        TerminalStep(id="end", title="Fin"),
        FormStep(id="orphan", title="Orpheline", form=NoCoverForm),
    )
    with pytest.raises(FlowError) as error:
        validate_flow(flow)
    assert "step 'orphan' is unreachable" in str(error.value)


def test_validate_flow_refuses_conditional_tail_without_fallback() -> None:
    flow = _flow(
        FormStep(id="a", title="A", form=RegimeForm),
        FormStep(id="b", title="B", form=RegimeForm, when=never),
        ReviewStep(id="review", title="Vérif", when=always),
    )
    with pytest.raises(FlowError, match="no terminal can be reached from step"):
        validate_flow(flow)


def test_validate_flow_refuses_lambda_predicates_missing_forms_and_unknown_next_flow() -> None:
    flow = _flow(
        FormStep(id="a", title="A", form=RegimeForm),
        FormStep(id="b", title="B", form="RegimeForm", when=lambda a: True),  # type: ignore[arg-type]
        TerminalStep(id="end", title="Fin", then="nowhere"),
    )
    with pytest.raises(FlowError) as error:
        validate_flow(flow, known_flows={"sample"})
    message = str(error.value)
    assert "unnamed predicate" in message
    assert "step 'b' has no form class" in message
    assert "unknown flow 'nowhere'" in message


def test_entered_steps_skip_branches_not_taken() -> None:
    answers = Answers({"household": {"cover_partner": "yes", "cover_children": "no"}})
    assert [s.id for s in entered_steps(AFFILIATION, answers)] == ["regime", "household", "formula", "review", "done"]
