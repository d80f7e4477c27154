"""A worker imports the DocuSign SDK, pyHanko, pypdf and ReportLab (≈ 100 MB), the SEPA XML libraries (xmlschema,
elementpath, lxml, sepaxml), the upload checkers (Pillow, filetype) and phonenumbers (≈ 18 MB) when it first needs
them, never at start-up nor for a step page."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import json, re, sys
from wizard import create_app
from wizard.db import db_engine, db_session
from wizard.entry.passwords import hash_password
from wizard.migrate import upgrade_database
from wizard.models import Role, User

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')
app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sys.argv[1], "RATELIMIT_ENABLED": False})
with app.app_context():
    upgrade_database(db_engine())
    db_session().add(User(email="w@example.fr", role=Role.MEMBER, password_hash=hash_password("Mot-de-passe-2026!"),
                          activated=True, first_name="W", last_name="Orker"))
heavy = ("docusign_esign", "pyhanko", "pyhanko_certvalidator", "pypdf", "reportlab",
         "xmlschema", "elementpath", "lxml", "sepaxml", "PIL", "filetype", "phonenumbers")
loaded = lambda: sorted(m for m in heavy if m in sys.modules)
started = loaded()
client = app.test_client()
pages = [client.get(path).status_code for path in ("/connexion", "/mes-demarches")]
fields = lambda path: dict(HIDDEN.findall(client.get(path).get_data(as_text=True)))
client.post("/connexion", data={**fields("/connexion"), "email": "w@example.fr", "password": "Mot-de-passe-2026!"})
journey = client.post("/demarches/affiliation", data=fields("/demarches/affiliation")).headers["Location"]
step = client.get(journey).headers["Location"]
submitted = client.post(step, data={**fields(step), "regime": "general", "action": "next"})
pages += [submitted.status_code, client.get(submitted.headers["Location"]).status_code]
print(json.dumps({"pages": pages, "started": started, "loaded": loaded()}))
"""


def test_a_worker_serving_step_pages_has_not_imported_the_signing_libraries(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    env = {**os.environ, "WIZARD_INSTANCE_PATH": str(tmp_path / "instance")}
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT, url], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(run.stdout.strip().splitlines()[-1])
    # login page, dashboard (anonymous: sent to log in), the first step submitted, the next step shown
    assert result["pages"] == [200, 302, 302, 200]
    assert result["started"] == []
    assert result["loaded"] == []
