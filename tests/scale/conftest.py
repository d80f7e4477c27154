"""Scale-out tests: real gunicorn processes and workers on one PostgreSQL database (skipped on SQLite)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.scale.nodes import SCALE_FIELD_ENCRYPTION_KEY, Node, production_env, start_node


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    url = os.environ.get("WIZARD_TEST_DATABASE_URL", "")
    for item in items:
        if here in Path(str(item.fspath)).parents and not url.startswith("postgresql"):
            item.add_marker(pytest.mark.skip(reason="scale-out tests need WIZARD_TEST_DATABASE_URL (PostgreSQL)"))


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    """The tests read what the nodes wrote: the same field-encryption key as the nodes."""
    return {"FIELD_ENCRYPTION_KEY": SCALE_FIELD_ENCRYPTION_KEY}


@pytest.fixture
def two_nodes(database_url: str, tmp_path: Path) -> Iterator[tuple[Node, Node]]:
    env = production_env(database_url, tmp_path / "instance")
    first = start_node(env, tmp_path / "node-a.log")
    try:
        second = start_node(env, tmp_path / "node-b.log")
    except Exception:
        first.stop()
        raise
    yield first, second
    first.stop()
    second.stop()
