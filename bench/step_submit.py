"""Step-submit throughput and latency under gunicorn, against a bare Flask endpoint doing one database write.

Simulated members (threads, each with its own cookie jar) log in, start an affiliation, then alternate two
real step submits for ``--seconds``: « régime » (next, valid answer) and « household » (back). Each submit is
preceded by the GET a browser does (it carries the CSRF token and revision); only the POSTs are timed.
The same gunicorn settings then serve a ten-line Flask app whose POST inserts one row: the ratio says what
the wizard costs on top of the unavoidable database round trip.

    python -m bench.step_submit [--users 8 32] [--seconds 10] [--database-url URL]
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, request
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert

from bench._support import database, machine, percentiles, postgres_version
from tests.conftest import PASSWORD
from tests.scale.nodes import Node, Visitor, production_env, start_node
from wizard import create_app
from wizard.db import db_engine, db_session
from wizard.entry.passwords import hash_password
from wizard.migrate import upgrade_database
from wizard.models import Role, User

BARE_TABLE = Table("bench_writes", MetaData(), Column("id", Integer, primary_key=True), Column("payload", String(200)))


def create_bare_app() -> Flask:
    """The baseline: parse a form, insert one row, commit, answer — no session, CSRF, templates or ORM."""
    import os  # noqa: PLC0415 - only the baseline node reads the URL from its environment

    engine = create_engine(os.environ["WIZARD_DATABASE_URL"], pool_size=10, pool_pre_ping=True)
    app = Flask("bare")

    @app.post("/write")
    def write() -> tuple[str, int]:
        with engine.begin() as conn:
            conn.execute(insert(BARE_TABLE).values(payload=request.form.get("payload", "")[:200]))
        return "", 204

    return app


@dataclass
class Run:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.errors += 0 if ok else 1


def prepare(url: str, users: int) -> None:
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url})
    with app.app_context():
        upgrade_database(db_engine())
        BARE_TABLE.create(db_engine(), checkfirst=True)
        session = db_session()
        password = hash_password(PASSWORD)
        people = (
            User(email=f"bench{n}@example.fr", role=Role.MEMBER, password_hash=password, activated=True,
                 first_name="Banc", last_name=f"Essai {n}")
            for n in range(users)
        )  # fmt: skip
        session.add_all(people)
        session.commit()
    db_engine(app).dispose()


@dataclass
class Member:
    """One simulated person, logged in with a journey started (set up before the clock starts)."""

    visitor: Visitor
    base: str


def member_setup(node: Node, index: int) -> Member:
    visitor = Visitor()
    visitor.log_in(node.url, f"bench{index}@example.fr", PASSWORD)
    token = visitor.form(f"{node.url}/demarches/affiliation")["csrf_token"]
    journey = visitor.post(f"{node.url}/demarches/affiliation", {"csrf_token": token}).location
    return Member(visitor, _absolute(node, visitor.get(_absolute(node, journey)).location).rsplit("/", 1)[0])


def member_loop(member: Member, until: float, run: Run) -> None:
    cycle = [("regime", {"regime": "general", "action": "next"}), ("household", {"action": "back"})]
    while time.monotonic() < until:
        for step, data in cycle:
            url = f"{member.base}/{step}"
            form = member.visitor.form(url)
            started = time.perf_counter()
            reply = member.visitor.post(url, {**form, **data})
            run.add(time.perf_counter() - started, reply.status == 302 and "plus à jour" not in reply.location)


def bare_setup(node: Node, _index: int) -> Member:
    return Member(Visitor(), f"{node.url}/write")


def bare_loop(member: Member, until: float, run: Run) -> None:
    while time.monotonic() < until:
        started = time.perf_counter()
        reply = member.visitor.post(member.base, {"payload": "régime=general"})
        run.add(time.perf_counter() - started, reply.status == 204)


def _absolute(node: Node, location: str) -> str:
    return f"{node.url}{location}" if location.startswith("/") else location


Setup = Callable[[Node, int], Member]
Loop = Callable[[Member, float, Run], None]


def drive(node: Node, setup: Setup, loop: Loop, users: int, seconds: float) -> Run:
    """Set every member up in parallel, then run them all for ``seconds``."""
    members: list[Member] = [None] * users  # type: ignore[list-item]

    def prepare_one(index: int) -> None:
        members[index] = setup(node, index)

    _in_threads([threading.Thread(target=prepare_one, args=(n,)) for n in range(users)], timeout=300)
    run = Run()
    until = time.monotonic() + seconds
    _in_threads([threading.Thread(target=loop, args=(m, until, run)) for m in members], timeout=seconds + 120)
    return run


def _in_threads(threads: list[threading.Thread], timeout: float) -> None:
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)


def report(label: str, users: int, run: Run, seconds: float) -> dict[str, float]:
    stats = percentiles(run.latencies)
    rate = len(run.latencies) / seconds
    latency = "  ".join(f"{k} {v:6.1f} ms" for k, v in stats.items())
    count = len(run.latencies)
    print(f"{label:<32} users={users:>3}  {count:>6} submits  {rate:7.1f}/s  {latency}  errors {run.errors}")
    return {"rate": rate, **stats}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: the config's)")
    parser.add_argument("--database-url", default=None, help="default: a throwaway PostgreSQL cluster")
    args = parser.parse_args()
    print(f"Machine: {machine()}")
    with database(args.database_url) as url, tempfile.TemporaryDirectory() as folder:
        print(f"Database: {postgres_version(url)}")
        prepare(url, max(args.users))
        env = production_env(url, Path(folder) / "instance", WIZARD_LOG_LEVEL="warning",
                             WIZARD_RATELIMIT_ENABLED="false")  # fmt: skip
        workers = args.workers or 0
        for users in args.users:
            wizard_stats, bare_stats = _compare(env, Path(folder), users, args.seconds, workers)
            throughput = wizard_stats["rate"] / bare_stats["rate"]
            latency = wizard_stats["p50"] / bare_stats["p50"]
            print(f"{'ratio wizard / bare':<32} users={users:>3}  throughput x{throughput:.2f}  p50 x{latency:.1f}")


def _compare(
    env: dict[str, str], folder: Path, users: int, seconds: float, workers: int
) -> tuple[dict[str, float], ...]:
    results = []
    for label, target, setup, loop in (
        ("wizard step submit", "wizard.wsgi:app", member_setup, member_loop),
        ("bare Flask + 1 INSERT", "bench.step_submit:create_bare_app()", bare_setup, bare_loop),
    ):
        node = start_node(env, folder / f"{label[:4]}.log", workers=workers or _default_workers(), target=target)
        try:
            run = drive(node, setup, loop, users, seconds)
        finally:
            node.stop()
        results.append(report(label, users, run, seconds))
    return tuple(results)


def _default_workers() -> int:
    import os  # noqa: PLC0415

    return (os.cpu_count() or 1) * 2 + 1


if __name__ == "__main__":
    main()
