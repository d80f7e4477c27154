"""Resume and step-render latency with 1,000 vs 1,000,000 journeys in the database (PostgreSQL).

One measured member has a journey on « household »; filler members and journeys are bulk-inserted with
``generate_series`` (one INSERT … SELECT per table, no Python loop). For each size the same requests are
timed in-process (Flask test client, so only server work is measured): the login (which runs argon2 and
looks the account up by ``lower(email)``), the resume redirect ``/j/<id>``, the dashboard and the step page.
The query plans of the lookups are printed, so a sequential scan shows.

    python -m bench.resume [--journeys 1000 1000000] [--repeat 100] [--database-url URL]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, text

from bench._support import database, machine, percentiles, postgres_version
from tests.conftest import PASSWORD, hidden_fields, login, submit
from wizard import create_app
from wizard.crypto import default_cipher
from wizard.db import db_engine, db_session
from wizard.entry.passwords import hash_password
from wizard.migrate import upgrade_database
from wizard.models import Role, User
from wizard.models.types import dumps

MEMBER = "mesure@example.fr"
FILL_USERS = """
INSERT INTO users (email, password_hash, role, first_name, last_name, activated, created_at)
SELECT 'remplissage' || g || '@example.fr', NULL, 'member', 'Prénom', 'Nom ' || g, true, now()
FROM generate_series(CAST(:start AS integer), CAST(:stop AS integer)) AS g
"""
FILL_JOURNEYS = """
INSERT INTO journeys (public_id, owner_id, flow_id, flow_version, state, status, path, revision, is_preview,
                      context, created_at, updated_at)
SELECT 'r' || g, u.id, 'affiliation', 1, 'household', 'in_progress', '["regime", "household"]', 1, false,
       :context, now(), now()
FROM generate_series(CAST(:start AS integer), CAST(:stop AS integer)) AS g
JOIN users u ON u.email = 'remplissage' || g || '@example.fr'
"""
PLANS = {
    "login lookup": "EXPLAIN SELECT * FROM users WHERE lower(email) = lower(:email)",
    "open journeys": "EXPLAIN SELECT * FROM journeys WHERE owner_id = :owner AND status = 'in_progress' "
    "AND is_preview = false ORDER BY updated_at DESC",
    "journey by public id": "EXPLAIN SELECT * FROM journeys WHERE public_id = :public_id",
}


def build(url: str) -> Flask:
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade_database(db_engine())
        session = db_session()
        session.add(User(email=MEMBER, role=Role.MEMBER, password_hash=hash_password(PASSWORD), activated=True,
                         first_name="Camille", last_name="Mesure"))  # fmt: skip
        session.commit()
    return app


def measured_journey(client: FlaskClient) -> str:
    login(client, MEMBER)
    token = hidden_fields(client.get("/demarches/affiliation").get_data(as_text=True))["csrf_token"]
    journey = client.post("/demarches/affiliation", data={"csrf_token": token}).headers["Location"]
    base = str(client.get(journey).headers["Location"]).rsplit("/", 1)[0]
    submit(client, f"{base}/regime", {"regime": "general"})
    return base


def fill(engine: Engine, have: int, want: int) -> float:
    """Insert filler members and journeys numbered ``have+1..want``; returns the seconds it took."""
    started = time.monotonic()
    context = default_cipher().encrypt(dumps({}))
    step = 200_000
    with engine.begin() as conn:
        for start in range(have + 1, want + 1, step):
            stop = min(start + step - 1, want)
            conn.execute(text(FILL_USERS), {"start": start, "stop": stop})
            conn.execute(text(FILL_JOURNEYS), {"start": start, "stop": stop, "context": context})
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE users"))
            conn.execute(text("ANALYZE journeys"))
    return time.monotonic() - started


def timed(repeat: int, action: Callable[[], Any]) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def measure(app: Flask, base: str, repeat: int) -> dict[str, dict[str, float]]:
    client = app.test_client()
    login(client, MEMBER)
    public_id = base.rsplit("/", 1)[-1]

    def expect(url: str, status: int) -> Callable[[], None]:
        def request() -> None:
            response = client.get(url)
            assert response.status_code == status, (url, response.status_code)

        return request

    return {
        "login (argon2 + lookup)": timed(max(repeat // 5, 5), lambda: login(app.test_client(), MEMBER)),
        "resume /j/<id> (redirect)": timed(repeat, expect(f"/j/{public_id}", 302)),
        "dashboard /mes-demarches": timed(repeat, expect("/mes-demarches", 200)),
        "step page (household)": timed(repeat, expect(f"{base}/household", 200)),
    }


def plans(engine: Engine, public_id: str) -> None:
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as conn:
        owner = conn.execute(text("SELECT id FROM users WHERE email = :e"), {"e": MEMBER}).scalar_one()
        values = {"email": MEMBER, "owner": owner, "public_id": public_id}
        for label, sql in PLANS.items():
            plan = conn.execute(text(sql), values).scalars().first()
            print(f"    plan {label:<22} {plan}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--journeys", type=int, nargs="+", default=[1_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--database-url", default=None, help="default: a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    with database(args.database_url) as url:
        print(f"Database: {postgres_version(url)}")
        app = build(url)
        engine = db_engine(app)
        base = measured_journey(app.test_client())
        have = 0
        for size in sorted(args.journeys):
            seconds = fill(engine, have, size - 1)
            have = size - 1
            print(f"\n{size:,} journeys (filler inserted in {seconds:.1f} s)")
            plans(engine, base.rsplit("/", 1)[-1])
            for label, stats in measure(app, base, args.repeat).items():
                print(f"  {label:<28} " + "  ".join(f"{k} {v:7.2f} ms" for k, v in stats.items()))
        engine.dispose()


if __name__ == "__main__":
    main()
