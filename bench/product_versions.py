"""The product against an earlier revision of itself, side by side in one run: what a change really saved.

    python -m bench.product_versions --rev 975c3c6 [--databases sqlite postgresql] [--rounds 4]

The earlier revision is checked out in a temporary git worktree; both are served by gunicorn with the same
settings as ``bench.step_submit`` (``--workers 2 --worker-class sync``), each on its own throwaway database
migrated and seeded by its own code, and driven by the same closed-loop users (GET + POST of the three
affiliation steps). Their windows are interleaved ``--rounds`` times (the order turning each round), and the
ratio of CPU per request is computed within each round: this machine's speed drifts by tens of percent over
minutes, two windows seconds apart do not. Prints each window, the per-round ratios and their median.
Not run by ``python -m bench`` (it needs a revision); never a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

from bench._support import ROOT, machine
from bench.step_submit import (
    USERS,
    Running,
    _parallel,
    databases,
    environments,
    measure_window,
    start_server,
)
from tests.run_suite import postgres_bindir

SEED = """
import sys
from wizard import create_app
from wizard.db import db_engine, db_session
from wizard.entry.passwords import hash_password
from wizard.migrate import upgrade_database
from wizard.models import Role, User
app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sys.argv[1]})
with app.app_context():
    upgrade_database(db_engine())
    password = hash_password(sys.argv[3])
    db_session().add_all(
        User(email=f"bench{n}@example.fr", role=Role.MEMBER, password_hash=password, activated=True,
             first_name="Banc", last_name=f"Essai {n}")
        for n in range(int(sys.argv[2]))
    )
    db_session().commit()
"""


def seed(root: Path, url: str, users: int, env: dict[str, str]) -> None:
    """Migrate and seed a database with the code of ``root`` (an earlier revision may have an older schema)."""
    from bench.step_submit import PASSWORD  # noqa: PLC0415

    subprocess.run(
        [sys.executable, "-c", SEED, url, str(users), PASSWORD], cwd=root, env={**env, "PYTHONPATH": str(root)},
        check=True,
    )  # fmt: skip


def compare(kind: str, tree: Path, users: int, seconds: float, rounds: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-versions-") as tmp, databases(kind, Path(tmp)) as urls:
        folder = Path(tmp)
        # two of the per-system databases: this checkout's product and the earlier revision's
        roots = {"current": (ROOT, urls["product"]), "earlier": (tree, urls["formtools"])}
        running: list[Running] = []
        try:
            for name, (root, url) in roots.items():
                env = environments({"product": url, "flask-wtf": url, "formtools": url}, folder / name)["product"]
                env = {**env, "PYTHONPATH": str(root)}
                seed(root, url, users, env)
                server = start_server("wizard.wsgi:app", env, folder / f"{name}.log", root=root)
                running.append(Running(name, server, []))
                running[-1].users.extend(_parallel(users, partial(USERS["product"], server.url)))
            cpu: dict[str, list[float]] = {"current": [], "earlier": []}
            for number in range(rounds):
                for one in running if number % 2 == 0 else running[::-1]:
                    cpu[one.system].append(measure_window(one, users, seconds).cpu_ms)
        finally:
            for one in running:
                one.server.stop()
    ratios = [now / before for now, before in zip(cpu["current"], cpu["earlier"], strict=True)]
    print(
        f"  {kind}: CPU per request, current {statistics.median(cpu['current']):.2f} ms, earlier "
        f"{statistics.median(cpu['earlier']):.2f} ms; current / earlier per round "
        f"{', '.join(f'{r:.2f}' for r in ratios)}, median x{statistics.median(ratios):.2f}",
        flush=True,
    )


def run() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", required=True, help="the earlier revision (any git revision)")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    print(f"Machine: {machine()}; earlier revision {args.rev}")
    with tempfile.TemporaryDirectory(prefix="bench-rev-") as tmp:
        tree = Path(tmp) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), args.rev], cwd=ROOT, check=True)
        try:
            for kind in args.databases:
                if kind == "postgresql" and postgres_bindir() is None:
                    print("PostgreSQL binaries not found: PostgreSQL run skipped")
                    continue
                compare(kind, tree, args.users, args.seconds, args.rounds)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)


if __name__ == "__main__":
    run()
