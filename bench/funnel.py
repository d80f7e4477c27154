"""Benchmark: the HR funnel of one campaign of N invited agents (default 100,000).

Usage: ``.venv/bin/python -m bench.funnel --agents 100000 [--database-url postgresql+psycopg://…]``.
Builds the schema with the migrations, seeds the campaign with bulk inserts (invitations, accounts,
affiliation and subscription journeys with their audit events, at realistic drop-off rates), then prints
the median time of ``wizard.funnel.campaign_funnel`` (unfiltered and with a date filter) and, as an in-run
baseline on the same machine and database, the median time of a plain ``SELECT count(*)`` over the same
invitations; the ratio tells what the funnel costs independent of the machine's speed. Default database:
a throwaway SQLite file. A PostgreSQL URL must point at a scratch database (rows are added, never removed).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from wizard import create_app
from wizard.db import db_engine, db_session
from wizard.hr.funnel import campaign_funnel
from wizard.migrate import upgrade_database
from wizard.models import Campaign, Invitation, Journey, JourneyEvent, JourneyStatus, Role, User

CHUNK = 10_000
START = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
AFFILIATION = ["regime", "household", "children", "formula", "review", "done"]
SUBSCRIPTION = ["personal", "social_security", "contacts", "bank", "review", "signature", "confirmation"]


def chunks(rows: list[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK):
        yield rows[start : start + CHUNK]


def bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    for part in chunks(rows):
        session.execute(insert(model), part)


def seed(session: Session, agents: int, rng: random.Random) -> int:
    """One campaign with ``agents`` invitations; returns its id. Everything goes in with bulk inserts."""
    tag = f"{time.time_ns():x}"
    campaign = Campaign(name=f"Banc d'essai {tag}", employer="Rectorat", contract_name="Santé",
                        effective_date=date(2026, 5, 1), deadline=date(2026, 6, 30), offer_version="bench")  # fmt: skip
    session.add(campaign)
    session.flush()
    invited = [START + timedelta(minutes=rng.randrange(60 * 24 * 60)) for _ in range(agents)]
    with_account = [i for i in range(agents) if rng.random() < 0.7]
    bulk(session, User, [
        {"email": f"{tag}-{i}@bench.example", "role": Role.MEMBER, "activated": True, "first_name": "Agent",
         "last_name": str(i), "created_at": invited[i]}
        for i in with_account
    ])  # fmt: skip
    users = dict(session.execute(select(User.email, User.id).where(User.email.like(f"{tag}-%"))).all())
    email = f"{tag}-{{}}@bench.example".format
    rows = [_invitation(campaign.id, email(i), i, invited[i], users.get(email(i)), rng) for i in range(agents)]
    bulk(session, Invitation, rows)
    _seed_journeys(session, campaign.id, users.values(), rng)
    session.commit()
    return campaign.id


def _invitation(  # noqa: PLR0917 - one invitation row's values
    campaign_id: int, email: str, i: int, at: datetime, user_id: int | None, rng: random.Random
) -> dict[str, Any]:
    opened = user_id is not None or rng.random() < 0.5
    return {"campaign_id": campaign_id, "email": email, "last_name": str(i), "first_name": "Agent",
            "birth_date": date(1980, 1, 1), "regime": "general", "postal_address": "", "phone": "", "user_id": user_id,
            "created_at": at, "opened_at": at + timedelta(hours=2) if opened else None,
            "account_created_at": at + timedelta(hours=3) if user_id else None}  # fmt: skip


def _seed_journeys(session: Session, campaign_id: int, owners: Any, rng: random.Random) -> None:
    plans: list[tuple[int, str, list[str]]] = []
    for owner in owners:
        reached = AFFILIATION[: rng.randint(1, len(AFFILIATION))]
        plans.append((owner, "affiliation", reached))
        if reached[-1] == "done" and rng.random() < 0.8:
            plans.append((owner, "subscription", SUBSCRIPTION[: rng.randint(1, len(SUBSCRIPTION))]))
    bulk(session, Journey, [_journey(campaign_id, owner, flow_id, states) for owner, flow_id, states in plans])
    ids = {(o, f): i for i, o, f in session.execute(
        select(Journey.id, Journey.owner_id, Journey.flow_id).where(Journey.campaign_id == campaign_id))}  # fmt: skip
    events = [
        {"journey_id": ids[(owner, flow_id)], "trigger": "next", "from_state": None, "to_state": state, "at": START}
        for owner, flow_id, states in plans
        for state in states
    ]
    bulk(session, JourneyEvent, events)


def _journey(campaign_id: int, owner: int, flow_id: str, states: list[str]) -> dict[str, Any]:
    done = states[-1] in ("done", "confirmation")
    return {"public_id": f"b{campaign_id}-{owner}-{flow_id}"[:32], "owner_id": owner, "campaign_id": campaign_id,
            "flow_id": flow_id, "flow_version": 1, "state": states[-1], "path": states, "revision": 1,
            "is_preview": False, "context": {}, "created_at": START, "updated_at": START,
            "status": JourneyStatus.COMPLETED if done else JourneyStatus.IN_PROGRESS}  # fmt: skip


def timed(action: Callable[[], object], runs: int) -> float:
    """Median wall time in ms over ``runs`` runs, after one warm-up run."""
    action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def measure(session: Session, campaign_id: int, runs: int) -> None:
    campaign = session.get(Campaign, campaign_id)
    assert campaign is not None
    count = select(func.count()).select_from(Invitation).where(Invitation.campaign_id == campaign_id)
    baseline = timed(lambda: session.scalar(count), runs)
    whole = timed(lambda: campaign_funnel(session, campaign), runs)
    month = {"date_from": date(2026, 3, 15), "date_to": date(2026, 4, 15)}
    window = timed(lambda: campaign_funnel(session, campaign, **month), runs)
    funnel = campaign_funnel(session, campaign)
    print(f"agents invited: {funnel.row('invited').count}, accounts: {funnel.row('account').count}")
    print(f"baseline SELECT count(*) over the invitations: median {baseline:.1f} ms")
    print(f"funnel, every date:      median {whole:.1f} ms  ({whole / baseline:.1f}x baseline)")
    print(f"funnel, one-month filter: median {window:.1f} ms  ({window / baseline:.1f}x baseline)")


def refresh_statistics() -> None:
    """Planner statistics after a bulk load, as autovacuum (PostgreSQL) or an operator (SQLite) would."""
    with db_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--agents", type=int, default=100_000, help="invited agents to seed (default 100000)")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: a throwaway SQLite file)")
    parser.add_argument("--runs", type=int, default=5, help="timed repetitions per measure (default 5)")
    parser.add_argument("--seed", type=int, default=2026, help="random seed of the seeded population")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url})
        with app.app_context():
            upgrade_database(db_engine())
            started = time.perf_counter()
            campaign_id = seed(db_session(), max(args.agents, 1), random.Random(args.seed))
            print(f"seeded {args.agents} agents in {time.perf_counter() - started:.1f} s ({db_engine().dialect.name})")
            refresh_statistics()
            measure(db_session(), campaign_id, max(args.runs, 1))
            db_engine().dispose()


if __name__ == "__main__":
    main()
