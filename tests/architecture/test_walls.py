"""The floor plan's walls (pyproject's import-linter contracts) hold, and the platform stays small."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_import_contract_is_kept() -> None:
    """``lint-imports`` reads the contracts of pyproject.toml; each carries the reason for its wall."""
    command = [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_the_platform_keeps_at_most_a_dozen_top_level_modules() -> None:
    modules = sorted(p.name for p in (ROOT / "wizard").glob("*.py"))
    assert len(modules) <= 12, modules


def test_no_code_or_doc_points_outside_the_repository() -> None:
    patterns = ("wizard/**/*.py", "signing/**/*.py", "forms/*.py", "flows/*.py", "config/*.py", "docs/*.md")
    texts = [ROOT / "README.md", *(path for pattern in patterns for path in ROOT.glob(pattern))]
    pointing = [str(p.relative_to(ROOT)) for p in texts if "../shared" in p.read_text(encoding="utf-8")]
    assert pointing == []


def test_services_flush_and_one_place_commits() -> None:
    """Services add and flush; the request (or CLI command) boundary in wizard/db.py commits.

    ``wizard/cli.py`` may end a command's unit of work early (``demo serve`` commits its data before serving).
    """
    committing = sorted(
        str(path.relative_to(ROOT))
        for path in ROOT.glob("wizard/**/*.py")
        if ".commit()" in path.read_text(encoding="utf-8")
    )
    assert committing == ["wizard/cli.py", "wizard/db.py"]
