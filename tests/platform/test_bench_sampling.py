"""The sampled profile's arithmetic (bench._sampled_step_submit): py-spy's raw stacks read back into shares."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench._sampled_step_submit import callees, inclusive_shares, read_stacks


def test_raw_stacks_become_inclusive_shares_and_callees(tmp_path: Path) -> None:
    raw = tmp_path / "worker-1.txt"
    raw.write_text(
        "handle (gunicorn/workers/sync.py:10);step (/app/views.py:3);render (/app/pages.py:8) 6\n"
        "handle (gunicorn/workers/sync.py:10);step (/app/views.py:3);render (/app/pages.py:8);step (/app/x.py:1) 1\n"
        "handle (gunicorn/workers/sync.py:10);step (/app/views.py:3) 2\n"
        "handle (gunicorn/workers/sync.py:10);commit (/app/db.py:4) 1\n"
    )
    total, stacks = read_stacks([raw])
    assert total == 10
    shares = inclusive_shares(stacks)
    assert shares["handle (gunicorn/workers/sync.py)"] == 10
    assert shares["step (/app/views.py)"] == 9  # counted once per sample, even when it recurs below
    assert shares["render (/app/pages.py)"] == 7
    assert callees(stacks, "step (/app/views") == {"render (/app/pages.py)": 7, "<itself>": 2}


def test_callgrinds_count_becomes_instructions_per_pair() -> None:
    from bench._counted_step_submit import collected_instructions, per_pair  # noqa: PLC0415

    output = "==41== Events    : Ir\n==41== Collected : 8529415871\n==41==\n==41== I   refs:      8,529,415,871\n"
    assert collected_instructions(output) == 8_529_415_871
    assert per_pair(8_000_000_000, 8_300_000_000, cycles=10) == 10_000_000  # 30 pairs in the extra cycles
    with pytest.raises(ValueError, match="no instruction count"):
        collected_instructions("valgrind: command not found")
