"""Shared set-up for the fuzz tests: rate limits off (thousands of posts), a member with real journeys."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fuzz.journeys import FUZZ_EMAIL, SeededJourneys, seed_journeys


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": False, "REAUTH_MINUTES": 60}


@pytest.fixture
def seeded(app: Any, client: Any, make_user: Any) -> SeededJourneys:
    make_user(FUZZ_EMAIL, first_name="Alex", last_name="Aléa")
    return seed_journeys(app, client)
