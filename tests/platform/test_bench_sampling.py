"""The sampled profile's arithmetic (bench._sampled_step_submit): py-spy's raw stacks read back into shares."""

from __future__ import annotations

from pathlib import Path

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
