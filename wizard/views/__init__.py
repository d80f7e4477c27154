"""Blueprints: thin views that load, check access, call one engine function, render or redirect."""

from __future__ import annotations

from importlib import import_module

from flask import Blueprint

#: one module per feature, each exposing ``bp``; registered in this order by the app factory
BLUEPRINT_MODULES = (
    "wizard.views.auth",
    "wizard.views.journeys",
    "wizard.views.signing",
    "wizard.docusign_integration",
    "wizard.views.preview",
    "wizard.views.hr_flows",
    "wizard.views.funnel",
    "wizard.views.session",
    "wizard.views.documents",
    "wizard.views.subscription",
    "wizard.views.contract",
    "wizard.views.rib_change",
    "wizard.views.invitations",
    "wizard.views.accounts",
    "wizard.views.hr",
    "wizard.views.mailbox",
)


def blueprints() -> list[Blueprint]:
    return [import_module(name).bp for name in BLUEPRINT_MODULES]
