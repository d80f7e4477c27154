"""Journey diagrams for HR (/rh/parcours): drawn from the definitions the engine runs."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from wizard.hr import diagrams
from wizard.journeys.compile import predicate_names
from wizard.journeys.registry import registry
from wizard.web import hr_required

bp = Blueprint("hr_flows", __name__, url_prefix="/rh/parcours")


@bp.get("")
@hr_required
def index() -> str:
    return render_template("hr_flows/index.html", flows=registry().latest())


@bp.get("/<flow_id>")
@hr_required
def diagram(flow_id: str) -> str:
    try:
        flow = registry().current(flow_id)
    except KeyError:
        abort(404)
    navigation = request.args.get("navigation") == "1"
    graph = diagrams.flow_graph(flow, navigation=navigation)
    return render_template(
        "hr_flows/diagram.html",
        flow=flow, graph=graph, navigation=navigation, predicates=predicate_names(flow),
        svg=diagrams.svg(graph), mermaid=diagrams.mermaid(graph),
    )  # fmt: skip
