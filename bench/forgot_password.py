"""« Mot de passe oublié »: answer time for a known and an unknown address, interleaved (issue: enumeration
by timing). Both cases look the address up, sign, render and queue one email, and commit, so the medians
should be within noise of each other. In-process (Flask test client): only server work is measured.

    python -m bench.forgot_password [--repeat 200] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

from flask.testing import FlaskClient

from bench._support import database, machine
from tests.conftest import PASSWORD, hidden_fields
from wizard import create_app
from wizard.db import db_engine, db_session
from wizard.entry.passwords import hash_password
from wizard.migrate import upgrade_database
from wizard.models import Role, User


def _time_post(client: FlaskClient, email: str) -> float:
    token = hidden_fields(client.get("/mot-de-passe-oublie").get_data(as_text=True))["csrf_token"]
    start = time.perf_counter()
    response = client.post("/mot-de-passe-oublie", data={"email": email, "csrf_token": token})
    elapsed = time.perf_counter() - start
    assert response.status_code == 302, response.status_code
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--database-url")
    options = parser.parse_args()
    with database(options.database_url) as url, tempfile.TemporaryDirectory() as instance:
        os.environ["WIZARD_INSTANCE_PATH"] = instance
        app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "LOGIN_RATE_LIMIT": "100000 per minute"})
        upgrade_database(db_engine(app))
        with app.app_context():
            db_session().add(User(email="connu@bench.example", role=Role.MEMBER, activated=True,
                                  password_hash=hash_password(PASSWORD)))  # fmt: skip
            db_session().commit()
        client = app.test_client()
        known: list[float] = []
        unknown: list[float] = []
        for index in range(options.repeat):
            known.append(_time_post(client, "connu@bench.example"))
            unknown.append(_time_post(client, f"inconnu-{index}@bench.example"))
        print(machine())
        print(f"database: {url.split('://', 1)[0]}, {options.repeat} requests each, interleaved")
        for label, samples in (("known address", known), ("unknown address", unknown)):
            print(f"  {label:16} median {statistics.median(samples) * 1000:6.2f} ms")
        db_engine(app).dispose()


if __name__ == "__main__":
    main()
