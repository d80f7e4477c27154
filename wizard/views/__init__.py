"""Blueprints: thin views that load, check access, call one engine function, render or redirect."""

from __future__ import annotations

from flask import Blueprint


def blueprints() -> list[Blueprint]:
    from wizard.views import auth, journeys  # noqa: PLC0415 - views import the whole app stack

    return [auth.bp, journeys.bp]
