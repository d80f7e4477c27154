"""Diagrams come from the definition the engine runs: every step, predicate and terminal, and they follow changes."""

from __future__ import annotations

import dataclasses

from flask import Flask
from flask.testing import FlaskClient

from flows.affiliation import covers_children
from forms.affiliation import RegimeForm
from forms.context import Answers
from tests.conftest import text_of
from wizard.hr import diagrams
from wizard.journeys.compile import compile_flow, predicate_names
from wizard.journeys.flow import Flow, FormStep
from wizard.journeys.registry import registry


def test_every_flow_page_lists_each_step_predicate_and_terminal(app: Flask, hr_client: FlaskClient) -> None:
    with app.app_context():
        flows = registry().latest()
    index = text_of(hr_client.get("/rh/parcours"))
    for flow in flows:
        assert flow.title in index
        page = text_of(hr_client.get(f"/rh/parcours/{flow.id}"))
        assert f"Parcours <code>{flow.id}</code>, version {flow.version} en service" in page
        assert 'role="img"' in page and f"Diagramme du parcours « {flow.title} »" in page
        assert "stateDiagram-v2" in page
        for step in flow.steps:
            assert step.title in page, (flow.id, step.id)
            assert f"<code>{step.id}</code>" in page and f" as {step.id}\n" in page
        for name in predicate_names(flow):
            assert f"<code>{name}</code>" in page, (flow.id, name)
        for terminal in (s for s in flow.steps if s.is_terminal):
            assert f"{terminal.id} --> [*]" in page


def test_affiliation_diagram_shows_branches_with_their_conditions(app: Flask) -> None:
    with app.app_context():
        graph = diagrams.flow_graph(registry().current("affiliation"))
    text = diagrams.mermaid(graph)
    assert "household --> no_cover : covers_nobody" in text
    assert "household --> children : covers_children" in text
    assert "household --> formula : sinon" in text
    assert "children --> formula\n" in text
    assert "back" not in text and "edit_" not in text
    drawing = str(diagrams.svg(graph))
    assert drawing.count("<rect") >= len(graph.nodes)
    assert "covers_nobody" in drawing and "si covers_children" in drawing


def test_navigation_toggle_adds_back_and_edit_edges(app: Flask, hr_client: FlaskClient) -> None:
    page = text_of(hr_client.get("/rh/parcours/affiliation?navigation=1"))
    assert "household --> regime : back" in page
    assert "review --> household : edit_household" in page
    assert "Masquer les retours et modifications" in page
    assert 'class="flow-navigation"' in page


def test_a_changed_flow_changes_its_diagram_with_no_other_edit(app: Flask) -> None:
    with app.app_context():
        flow = registry().current("affiliation")
    extra = FormStep(id="dependants_abroad", title="Mes ayants droit à l'étranger", form=RegimeForm, when=lives_abroad)
    changed = dataclasses.replace(flow, version=flow.version + 1, steps=(*flow.steps[:4], extra, *flow.steps[4:]))
    before, after = diagrams.mermaid(diagrams.flow_graph(flow)), diagrams.mermaid(diagrams.flow_graph(changed))
    assert before != after
    assert "children --> dependants_abroad : lives_abroad" in after
    assert "dependants_abroad --> formula" in after
    assert "affiliation v2" in after and "lives_abroad" not in before
    assert "lives_abroad" in str(diagrams.svg(diagrams.flow_graph(changed)))
    # the diagram and the engine read one definition: every drawn forward edge is a compiled transition
    compiled = {(t["source"], t["dest"]) for t in compile_flow(changed).transitions if t["trigger"] == "next"}
    assert {(e.source, e.dest) for e in diagrams.flow_graph(changed).edges} <= compiled


def lives_abroad(answers: Answers) -> bool:
    """Test predicate: children are covered and someone lives abroad."""
    return covers_children(answers)


def test_mermaid_escapes_quotes_and_semicolons() -> None:
    flow = Flow(id="demo", version=1, title='Un "titre"; spécial', steps=())
    assert '#quot;titre#quot;#59; spécial' in diagrams._mermaid_text(flow.title)
