"""What the HTTP benchmarks share: a PostgreSQL database, a migrated schema, users, and latency statistics."""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.run_suite import postgres_bindir, throwaway_cluster

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def database(url: str | None) -> Iterator[str]:
    """The given database, else a throwaway PostgreSQL cluster (as ``make test`` uses), else SQLite."""
    if url:
        yield url
        return
    bindir = postgres_bindir()
    if bindir is None:
        folder = ROOT / "instance"
        folder.mkdir(exist_ok=True)
        path = folder / "bench.sqlite3"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    with throwaway_cluster(bindir) as server:
        yield server


@contextmanager
def postgres_databases(names: list[str]) -> Iterator[dict[str, str]]:
    """A throwaway PostgreSQL cluster (as ``make test`` starts it) with one empty database per name: their URLs."""
    bindir = postgres_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found (Debian package 'postgresql')")
    with throwaway_cluster(bindir) as server:
        from sqlalchemy import create_engine, text  # noqa: PLC0415 - only the PostgreSQL runs need it

        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        yield {name: server.rsplit("/", 1)[0] + f"/{name}" for name in names}


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds."""
    if len(samples) < 2:
        return {"p50": samples[0] * 1000 if samples else 0.0, "p95": 0.0, "p99": 0.0}
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {"p50": cuts[49] * 1000, "p95": cuts[94] * 1000, "p99": cuts[98] * 1000}


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        lines = cpuinfo.read_text().splitlines()
        names = [line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")]
        cpu = names[0] if names else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kb = int(meminfo.read_text().split()[1])
        memory = f", {total_kb / 1024 / 1024:.1f} GiB RAM"
    return f"{os.cpu_count()} CPUs ({cpu}){memory}, Python {platform.python_version()}"


def postgres_version(url: str) -> str:
    if not url.startswith("postgresql"):
        return "SQLite"
    bindir = postgres_bindir()
    if bindir is None:
        return "PostgreSQL"
    out = subprocess.run([str(bindir / "postgres"), "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip()
