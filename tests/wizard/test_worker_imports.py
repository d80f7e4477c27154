"""A worker imports the DocuSign SDK and pyHanko when it first signs, never at start-up (≈ 100 MB saved per worker)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, sys
from wizard import create_app
app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sys.argv[1]})
client = app.test_client()
pages = [client.get(path).status_code for path in ("/connexion", "/mes-demarches")]
heavy = ("docusign_esign", "pyhanko", "pyhanko_certvalidator", "pypdf")
print(json.dumps({"pages": pages, "loaded": sorted(m for m in heavy if m in sys.modules)}))
"""


def test_a_started_worker_has_not_imported_the_signing_libraries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, url], cwd=ROOT, capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["pages"] == [200, 302]  # the app answered (the dashboard sends an anonymous visitor to log in)
    assert result["loaded"] == []
