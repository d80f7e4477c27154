"""Every flow the application runs, by id and version, checked once at start-up.

A journey keeps the version it started on: the registry keeps old versions as long as journeys use them.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, current_app

from wizard.journeys.compile import FlowError, validate_flow
from wizard.journeys.flow import Flow

REGISTRY_KEY = "wizard.flows"


class FlowRegistry:
    def __init__(self, flows: Iterable[Flow]) -> None:
        self._flows: dict[tuple[str, int], Flow] = {}
        for flow in flows:
            key = (flow.id, flow.version)
            if key in self._flows:
                raise FlowError(f"flow {flow.id!r} v{flow.version} is registered twice")
            self._flows[key] = flow
        known = {flow_id for flow_id, _ in self._flows}
        for flow in self._flows.values():
            validate_flow(flow, known_flows=known)

    def get(self, flow_id: str, version: int) -> Flow:
        return self._flows[(flow_id, version)]

    def current(self, flow_id: str) -> Flow:
        versions = [v for (fid, v) in self._flows if fid == flow_id]
        if not versions:
            raise KeyError(flow_id)
        return self._flows[(flow_id, max(versions))]

    def ids(self) -> list[str]:
        return sorted({fid for fid, _ in self._flows})

    def latest(self) -> list[Flow]:
        return [self.current(fid) for fid in self.ids()]


def init_registry(app: Flask, flows: Iterable[Flow]) -> None:
    app.extensions[REGISTRY_KEY] = FlowRegistry(flows)


def registry() -> FlowRegistry:
    reg: FlowRegistry = current_app.extensions[REGISTRY_KEY]
    return reg
