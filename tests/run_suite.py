"""Run the whole suite on SQLite, then again on a throwaway PostgreSQL cluster when its binaries exist.

``make test`` calls this. PostgreSQL runs from Debian's packages (``.ci/run`` installs them); the cluster
lives in a temporary folder, listens on loopback only, and is removed afterwards. Root cannot run
``initdb``, so as root the cluster is owned by the ``postgres`` system user the package creates.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PYTEST = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider"]


def postgres_bindir() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    return next((c for c in candidates if (c / "initdb").exists() and (c / "pg_ctl").exists()), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


@contextmanager
def throwaway_cluster(bindir: Path) -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="wizard-pg-"))
    data = folder / "data"
    port = free_port()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    subprocess.run(_as_owner([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust",
                              "-E", "UTF8", "--locale=C.UTF-8"]), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off"
    subprocess.run(_as_owner([str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                              str(folder / "log"), "start"]), check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        stop = [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(_as_owner(stop), check=True, stdout=subprocess.DEVNULL)
        shutil.rmtree(folder, ignore_errors=True)


def run_pytest(label: str, extra_env: dict[str, str], args: list[str]) -> int:
    print(f"\n=== Test suite on {label} ===", flush=True)
    return subprocess.call([*PYTEST, *args], env={**os.environ, **extra_env})


def main(args: list[str]) -> int:
    if args:  # a chosen subset: run it as asked, on both databases
        results: dict[str, int] = {"SQLite": run_pytest("SQLite", {}, args)}
    else:
        # Playwright's sync API keeps an event loop running in the process for the session, which breaks
        # later asyncio.run() calls (pyHanko's signer): the browser tests get a process of their own.
        results = {
            "SQLite": run_pytest("SQLite", {}, ["--ignore=tests/browser"]),
            "SQLite, Chromium": run_pytest("SQLite, real Chromium", {}, ["tests/browser"]),
        }
    bindir = postgres_bindir()
    if bindir is None:
        print("\nPostgreSQL binaries not found: PostgreSQL run skipped (install the 'postgresql' package).")
    else:
        with throwaway_cluster(bindir) as url:
            label = f"PostgreSQL ({bindir.parent.name})"
            pg_args = args or ["--ignore=tests/browser"]
            results[label] = run_pytest(label, {"WIZARD_TEST_DATABASE_URL": url, "WIZARD_SKIP_BROWSER": "1"}, pg_args)
    print("\nDatabases tested: " + ", ".join(f"{db}: {'ok' if rc == 0 else 'FAILED'}" for db, rc in results.items()))
    return max(results.values())


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
