"""One module per journey: ``FLOW = Flow(...)`` plus its small named predicates (pure, no I/O)."""

from __future__ import annotations

from importlib import import_module

from wizard.journeys.flow import Flow

#: every flow module; a module may also define ``PREVIOUS_VERSIONS`` for journeys started on older versions
FLOW_MODULES = (
    "flows.affiliation",
    "flows.subscription",
    "flows.dispense",
    "flows.designation",
    "flows.family_change",
    "flows.rib_change",
)


def all_flows() -> tuple[Flow, ...]:
    """Every flow (and every older version still in use) the application registers at start-up."""
    flows: list[Flow] = []
    for name in FLOW_MODULES:
        module = import_module(name)
        flows += [module.FLOW, *getattr(module, "PREVIOUS_VERSIONS", ())]
    return tuple(flows)
