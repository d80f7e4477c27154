"""Diagrams of a journey drawn from the transitions the engine runs (``wizard.journeys.compile.compile_flow``).

Nothing here describes a flow by hand: change a flow and its diagram changes. Two renderings of one
:class:`FlowGraph`: Mermaid ``stateDiagram-v2`` text (to paste in any Mermaid tool or documentation) and
an accessible SVG drawn on the server (no JavaScript, no external service), steps top to bottom in flow
order, forward edges that skip steps drawn in lanes on the right, labelled with the predicate's name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from wizard.journeys.compile import compile_flow
from wizard.journeys.flow import Flow, ReviewStep, SigningStep, Step, TerminalStep

FORWARD_TRIGGERS = ("next", "signature_completed")
OTHERWISE = "sinon"


@dataclass(frozen=True)
class Node:
    id: str
    title: str
    kind: str  # "form" | "review" | "signing" | "terminal"
    #: name of the predicate the step is entered under, if conditional
    condition: str | None
    #: the flow a terminal opens next
    then: str | None


@dataclass(frozen=True)
class Edge:
    source: str
    dest: str
    trigger: str
    conditions: tuple[str, ...]
    #: an unconditional candidate after conditional ones: taken when none of them holds
    otherwise: bool = False

    @property
    def is_navigation(self) -> bool:
        return self.trigger not in FORWARD_TRIGGERS

    @property
    def label(self) -> str:
        parts = list(self.conditions) or ([OTHERWISE] if self.otherwise else [])
        if self.trigger != "next":
            parts.insert(0, self.trigger)
        return " — ".join(parts)


@dataclass(frozen=True)
class FlowGraph:
    flow_id: str
    version: int
    title: str
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def index(self, node_id: str) -> int:
        return next(i for i, n in enumerate(self.nodes) if n.id == node_id)

    @property
    def predicates(self) -> list[str]:
        return list(dict.fromkeys(c for e in self.edges for c in e.conditions))


def flow_graph(flow: Flow, *, navigation: bool = False) -> FlowGraph:
    """Steps and transitions of ``flow``; ``navigation`` adds back / edit / declined-signature edges."""
    nodes = tuple(_node(step) for step in flow.steps)
    edges = _edges(compile_flow(flow).transitions, navigation)
    return FlowGraph(flow.id, flow.version, flow.title, nodes, tuple(edges))


def _node(step: Step) -> Node:
    kind = "terminal" if isinstance(step, TerminalStep) else "review" if isinstance(step, ReviewStep) else "form"
    if isinstance(step, SigningStep):
        kind = "signing"
    condition = step.when.__name__ if step.when is not None else None
    return Node(step.id, step.title, kind, condition, step.then if isinstance(step, TerminalStep) else None)


def _edges(transitions: Iterable[dict[str, Any]], navigation: bool) -> list[Edge]:
    edges: list[Edge] = []
    conditional_sources: set[tuple[str, str]] = set()
    for transition in transitions:
        trigger, source = transition["trigger"], transition["source"]
        names = tuple(c.__name__ for c in transition.get("conditions", []))
        if trigger in FORWARD_TRIGGERS:
            otherwise = not names and (trigger, source) in conditional_sources
            edges.append(Edge(source, transition["dest"], trigger, names, otherwise))
            if names:
                conditional_sources.add((trigger, source))
        elif navigation:
            # a back edge's condition only says where the person came from: the trigger says it all
            edges.append(Edge(source, transition["dest"], trigger, ()))
    return edges


# --- Mermaid ---------------------------------------------------------------------------------------------


def mermaid(graph: FlowGraph) -> str:
    """``stateDiagram-v2`` source of the graph."""
    lines = ["stateDiagram-v2", f"    %% {graph.flow_id} v{graph.version} — {_mermaid_text(graph.title)}"]
    lines += [f'    state "{_mermaid_text(n.title)}" as {n.id}' for n in graph.nodes]
    lines.append(f"    [*] --> {graph.nodes[0].id}")
    for edge in graph.edges:
        label = f" : {_mermaid_text(edge.label)}" if edge.label else ""
        lines.append(f"    {edge.source} --> {edge.dest}{label}")
    for node in graph.nodes:
        if node.kind == "terminal":
            lines.append(f"    {node.id} --> [*]")
            if node.then:
                lines.append(f"    note right of {node.id} : ouvre le parcours {node.then}")
    return "\n".join(lines) + "\n"


MERMAID_ENTITIES = {'"': "#quot;", ";": "#59;", "\n": " "}


def _mermaid_text(text: str) -> str:
    """Characters that end a Mermaid label, as Mermaid entity codes (in one pass: codes contain ``;``)."""
    return "".join(MERMAID_ENTITIES.get(char, char) for char in text)


# --- SVG -------------------------------------------------------------------------------------------------

BOX_W, BOX_H, GAP, TOP, LANE = 380, 64, 56, 56, 26
LEFT_MARGIN = 24
TITLE_CHARS = 40
INK, MUTED, ACCENT = "#1d2a3a", "#5a6472", "#0b5cad"


@dataclass(frozen=True)
class _Layout:
    graph: FlowGraph
    left: int  # x of the boxes' left side

    def y(self, node_id: str) -> int:
        return TOP + self.graph.index(node_id) * (BOX_H + GAP)

    @property
    def right(self) -> int:
        return self.left + BOX_W

    @property
    def centre(self) -> int:
        return self.left + BOX_W // 2


def svg(graph: FlowGraph) -> Markup:
    """An accessible SVG drawing of the graph (title and description for screen readers)."""
    forward = [e for e in graph.edges if not e.is_navigation]
    skips = sorted((e for e in forward if not _adjacent(graph, e)), key=lambda e: _span(graph, e))
    navigation = _pairs(graph, [e for e in graph.edges if e.is_navigation and e.source != e.dest])
    layout = _Layout(graph, LEFT_MARGIN + LANE * len(navigation))
    width = layout.right + LANE * (len(skips) + 1) + 16 * max((len(e.label) for e in skips), default=0) // 2 + 40
    height = TOP + len(graph.nodes) * (BOX_H + GAP)
    parts = [_svg_head(graph, width, height), _start_marker(layout)]
    parts += [_adjacent_edge(layout, e) for e in forward if _adjacent(graph, e)]
    parts += [_lane_edge(layout, e, lane) for lane, e in enumerate(skips, start=1)]
    parts += [_navigation_edge(layout, pair, lane) for lane, pair in enumerate(navigation, start=1)]
    parts += [_box(layout, node) for node in graph.nodes]
    parts += [_lane_label(layout, e, lane) for lane, e in enumerate(skips, start=1)]
    parts.append(Markup("</svg>"))
    return Markup("\n").join(parts)


def _adjacent(graph: FlowGraph, edge: Edge) -> bool:
    return graph.index(edge.dest) == graph.index(edge.source) + 1


def _span(graph: FlowGraph, edge: Edge) -> int:
    return abs(graph.index(edge.dest) - graph.index(edge.source))


def _pairs(graph: FlowGraph, edges: list[Edge]) -> list[tuple[str, str]]:
    """One dashed line per (from, to), shortest innermost; back and edit between the same steps share it."""
    pairs = list(dict.fromkeys((e.source, e.dest) for e in edges))
    return sorted(pairs, key=lambda pair: abs(graph.index(pair[0]) - graph.index(pair[1])))


def _svg_head(graph: FlowGraph, width: int, height: int) -> Markup:
    description = _description(graph)
    return Markup(
        '<svg xmlns="http://www.w3.org/2000/svg" class="flow-diagram" role="img" '
        'aria-labelledby="diagram-title diagram-desc" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
        'font-family="sans-serif" font-size="14">'
        '<title id="diagram-title">Diagramme du parcours « {title} » (version {version})</title>'
        '<desc id="diagram-desc">{desc}</desc>'
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" '
        'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{ink}"/></marker></defs>'
    ).format(w=width, h=height, title=graph.title, version=graph.version, desc=description, ink=INK)


def _description(graph: FlowGraph) -> str:
    moves = [f"{e.source} vers {e.dest}" + (f" ({e.label})" if e.label else "") for e in graph.edges]
    return f"Étapes : {', '.join(n.id for n in graph.nodes)}. Transitions : {' ; '.join(moves)}."


def _start_marker(layout: _Layout) -> Markup:
    first_y = layout.y(layout.graph.nodes[0].id)
    return Markup(
        '<circle cx="{x}" cy="{cy}" r="8" fill="{ink}"/>'
        '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{ink}" stroke-width="1.5" marker-end="url(#arrow)"/>'
    ).format(x=layout.centre, cy=first_y - 40, y1=first_y - 32, y2=first_y, ink=INK)


def _box(layout: _Layout, node: Node) -> Markup:
    y = layout.y(node.id)
    lines = _wrap(node.title)
    detail = node.id + (f" — si {node.condition}" if node.condition else "")
    dash = Markup(' stroke-dasharray="6 4"') if node.condition else Markup("")
    stroke_width = 3 if node.kind == "terminal" else 1.5
    fill = {"terminal": "#eef6ee", "review": "#f3f0fa", "signing": "#fff6e5"}.get(node.kind, "#ffffff")
    texts = [
        Markup('<text x="{x}" y="{y}" font-weight="bold" fill="{ink}">{t}</text>').format(
            x=layout.left + 12, y=y + 20 + 17 * i, t=line, ink=INK
        )
        for i, line in enumerate(lines)
    ]
    then = ""
    if node.then:
        then = Markup('<text x="{x}" y="{y}" fill="{c}">→ ouvre le parcours « {t} »</text>').format(
            x=layout.left, y=y + BOX_H + 20, c=ACCENT, t=node.then
        )
    return Markup(
        '<g class="flow-step flow-step-{kind}"><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="8" fill="{fill}" '
        'stroke="{ink}" stroke-width="{sw}"{dash}/>{texts}'
        '<text x="{tx}" y="{dy}" font-family="monospace" font-size="12" fill="{muted}">{detail}</text></g>{then}'
    ).format(
        kind=node.kind, x=layout.left, y=y, w=BOX_W, h=BOX_H, fill=fill, ink=INK, sw=stroke_width,
        dash=dash, texts=Markup("").join(texts), tx=layout.left + 12, dy=y + BOX_H - 10,
        muted=MUTED, detail=detail, then=then,
    )  # fmt: skip


def _wrap(title: str) -> list[str]:
    if len(title) <= TITLE_CHARS:
        return [title]
    cut = title.rfind(" ", 0, TITLE_CHARS)
    cut = cut if cut > 0 else TITLE_CHARS
    rest = title[cut:].strip()
    return [title[:cut], rest if len(rest) <= TITLE_CHARS else rest[: TITLE_CHARS - 1] + "…"]


def _adjacent_edge(layout: _Layout, edge: Edge) -> Markup:
    y1 = layout.y(edge.source) + BOX_H
    y2 = layout.y(edge.dest)
    label = ""
    if edge.label:
        label = Markup('<text x="{x}" y="{y}" fill="{c}">{t}</text>').format(
            x=layout.centre + 10, y=(y1 + y2) // 2 + 5, c=ACCENT, t=edge.label
        )
    return Markup(
        '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{ink}" stroke-width="1.5" '
        'marker-end="url(#arrow)"/>{label}'
    ).format(x=layout.centre, y1=y1, y2=y2, ink=INK, label=label)


def _lane_x(layout: _Layout, lane: int) -> int:
    return layout.right + LANE * lane


def _departure_y(layout: _Layout, edge: Edge, lane: int) -> int:
    # edges leaving the same box leave at different heights, so their labels never overlap
    return layout.y(edge.source) + 14 + (lane * 11) % (BOX_H - 20)


def _lane_edge(layout: _Layout, edge: Edge, lane: int) -> Markup:
    x, y1 = _lane_x(layout, lane), _departure_y(layout, edge, lane)
    y2 = layout.y(edge.dest) + BOX_H // 2 + 8 - (lane * 7) % 20
    return Markup(
        '<path d="M{x0},{y1} H{x} V{y2} H{x0}" fill="none" stroke="{ink}" stroke-width="1.5" '
        'marker-end="url(#arrow)"/>'
    ).format(x0=layout.right, x=x, y1=y1, y2=y2, ink=INK)


def _lane_label(layout: _Layout, edge: Edge, lane: int) -> Markup:
    if not edge.label:
        return Markup("")
    x, y = _lane_x(layout, lane) + 6, _departure_y(layout, edge, lane) + 4
    width = 8 * len(edge.label) + 8
    return Markup(
        '<rect x="{rx}" y="{ry}" width="{w}" height="18" fill="#ffffff" opacity="0.9"/>'
        '<text x="{x}" y="{y}" fill="{c}">{t}</text>'
    ).format(rx=x - 3, ry=y - 14, w=width, x=x, y=y, c=ACCENT, t=edge.label)


def _navigation_edge(layout: _Layout, pair: tuple[str, str], lane: int) -> Markup:
    source, dest = pair
    x = layout.left - LANE * lane
    y1 = layout.y(source) + BOX_H // 2 - 6 + (lane * 5) % 16
    y2 = layout.y(dest) + BOX_H // 2 - 6 + (lane * 3) % 16
    return Markup(
        '<path class="flow-navigation" d="M{x0},{y1} H{x} V{y2} H{x0}" fill="none" stroke="{muted}" '
        'stroke-width="1" stroke-dasharray="4 3" marker-end="url(#arrow)"/>'
    ).format(x0=layout.left, x=x, y1=y1, y2=y2, muted=MUTED)
