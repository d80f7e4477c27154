"""Profile the product's step submit in-process: the three affiliation steps through Flask's test client.

Prints the CPU time per GET + POST pair and the SQL statements per request, optionally under a profiler:

    python -m bench._profile_step_submit [--cycles 100] [--profile pyinstrument|cprofile] [--database-url URL]

pyinstrument comes with the ``bench`` extra. Not run by ``python -m bench`` (no ``main`` benchmark to time).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import event

from bench.step_submit import PASSWORD, hidden_fields
from wizard import create_app
from wizard.db import db_engine, db_session
from wizard.entry.passwords import hash_password
from wizard.migrate import upgrade_database
from wizard.models import Role, User

STEPS = [
    ("regime", {"regime": "general"}),
    ("household", {"cover_partner": "no", "cover_children": "no"}),
    ("no_cover", {"confirm": "y"}),
]


def _logged_in_client(database_url: str | None) -> tuple[FlaskClient, str, list[str]]:
    """A member logged in with an affiliation started; the list fills with each SQL statement sent."""
    folder = Path(tempfile.mkdtemp(prefix="profile-steps-"))
    os.environ["WIZARD_INSTANCE_PATH"] = str(folder / "instance")
    url = database_url or f"sqlite:///{folder / 'profile.sqlite3'}"
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade_database(db_engine())
        db_session().add(User(email="profil@example.fr", role=Role.MEMBER, password_hash=hash_password(PASSWORD),
                              activated=True, first_name="Profil", last_name="Essai"))  # fmt: skip
        db_session().commit()
    statements: list[str] = []
    event.listen(db_engine(app), "before_cursor_execute", lambda *a, **_k: statements.append(a[2]))
    client = app.test_client()
    token = hidden_fields(client.get("/connexion").get_data(as_text=True))["csrf_token"]
    client.post("/connexion", data={"email": "profil@example.fr", "password": PASSWORD, "csrf_token": token})
    token = hidden_fields(client.get("/demarches/affiliation").get_data(as_text=True))["csrf_token"]
    journey = client.post("/demarches/affiliation", data={"csrf_token": token}).headers["Location"]
    prefix = str(client.get(journey).headers["Location"]).rsplit("/", 1)[0]
    return client, prefix, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=100)
    parser.add_argument("--profile", choices=["pyinstrument", "cprofile"], default=None)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    client, prefix, statements = _logged_in_client(args.database_url)
    counts: dict[str, set[int]] = {"GET": set(), "POST": set()}

    def cycle() -> None:
        for step, answers in STEPS:
            statements.clear()
            page = client.get(f"{prefix}/{step}")
            counts["GET"].add(len(statements))
            statements.clear()
            fields = hidden_fields(page.get_data(as_text=True))
            reply = client.post(f"{prefix}/{step}", data={**fields, **answers, "action": "next"})
            counts["POST"].add(len(statements))
            if reply.status_code != 302:
                raise RuntimeError(f"{step}: {reply.status_code}")

    for _ in range(5):
        cycle()
    profiler: Any = None
    if args.profile == "pyinstrument":
        import pyinstrument  # noqa: PLC0415 - bench extra

        profiler = pyinstrument.Profiler(interval=0.0005)
        profiler.start()
    elif args.profile == "cprofile":
        profiler = cProfile.Profile()
        profiler.enable()
    started = time.process_time()
    for _ in range(args.cycles):
        cycle()
    cpu = time.process_time() - started
    if args.profile == "pyinstrument":
        profiler.stop()
        print(profiler.output_text(unicode=False, color=False))
    elif args.profile == "cprofile":
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(60)
    pairs = args.cycles * len(STEPS)
    print(f"{pairs} GET + POST pairs: CPU {cpu / pairs * 1000:.2f} ms per pair; SQL statements per GET "
          f"{sorted(counts['GET'])}, per POST {sorted(counts['POST'])}")  # fmt: skip


if __name__ == "__main__":
    main()
