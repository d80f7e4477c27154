"""One module per journey: ``FLOW = Flow(...)`` plus its small named predicates (pure, no I/O)."""

from __future__ import annotations

from wizard.flow import Flow


def all_flows() -> tuple[Flow, ...]:
    """Every flow (and every older version still in use) the application registers at start-up."""
    from flows import affiliation  # noqa: PLC0415 - imported on demand: flows import forms, forms import wizard

    return (affiliation.FLOW,)
