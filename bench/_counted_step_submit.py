"""Instructions per GET + POST pair of the product's step submit, counted by Valgrind: a measure without noise.

    python -m bench._counted_step_submit [--cycles 10] [--root PATH] [--postgresql]

Timing on a shared machine moves by ±10 % between windows, which hides a change worth 1 %. Valgrind's
``callgrind`` counts the instructions the process executes instead: run twice — once with only the warm-up
cycles, once with ``--cycles`` more — the difference divided by the pairs is the cost of one GET + POST pair
(the three affiliation steps through Flask's test client, as ``bench._profile_step_submit`` drives them; the
test client is included, so the figure is larger than the server's). With a fixed hash seed two runs agree to
about 0.1 %. ``--root`` counts another checkout (a ``git worktree`` of an earlier revision) with this one's
driver, to compare two trees. ``--postgresql`` runs the product on a throwaway PostgreSQL cluster (a fresh
database per counted process) instead of SQLite: the driver's instructions, psycopg's included, not the
server's. Needs ``valgrind`` (Debian package); slow (about a minute per run). Not run by ``python -m bench``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench._support import ROOT, postgres_databases

COLLECTED = re.compile(r"Collected : (\d+)")
WARM_UP_CYCLES = 5
STEPS_PER_CYCLE = 3

#: what each counted process runs: the product from ``root``, driven like bench._profile_step_submit
DRIVER = """
import sys
sys.path.insert(0, sys.argv[1])
from bench._profile_step_submit import _logged_in_client, STEPS
from bench.step_submit import hidden_fields
client, prefix, _statements = _logged_in_client(sys.argv[3] if len(sys.argv) > 3 else None)
def cycle():
    for step, answers in STEPS:
        page = client.get(f"{prefix}/{step}")
        reply = client.post(f"{prefix}/{step}", data={**hidden_fields(page.get_data(as_text=True)), **answers,
                                                      "action": "next"})
        if reply.status_code != 302:
            raise SystemExit(f"{step}: {reply.status_code}")
for _ in range(int(sys.argv[2])):
    cycle()
"""


def collected_instructions(valgrind_output: str) -> int:
    """The instruction count callgrind prints when the process ends (``==123== Collected : 8529415871``)."""
    found = COLLECTED.search(valgrind_output)
    if found is None:
        raise ValueError("callgrind printed no instruction count")
    return int(found[1])


def per_pair(warm_only: int, with_cycles: int, cycles: int) -> float:
    """Instructions of one GET + POST pair: the extra cycles' instructions over their pairs."""
    return (with_cycles - warm_only) / (cycles * STEPS_PER_CYCLE)


def count(root: Path, cycles: int, folder: Path, database_url: str | None = None) -> int:
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        raise SystemExit("valgrind not found (apt-get install valgrind)")
    driver = [sys.executable, "-c", DRIVER, str(root), str(cycles), *([database_url] if database_url else [])]
    command = [valgrind, "--tool=callgrind", f"--callgrind-out-file={folder / 'callgrind.out'}", *driver]
    env = {**os.environ, "PYTHONHASHSEED": "0", "WIZARD_INSTANCE_PATH": str(folder / "instance")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, check=True)
    return collected_instructions(done.stderr)


def compile_bytecode(root: Path, folder: Path, database_url: str | None = None) -> None:
    """Run the driver once, uncounted: the first process to import a changed module writes its bytecode, and
    that cost — counted in one of the two runs only — would otherwise skew the difference by ≈ 3 %."""
    env = {**os.environ, "WIZARD_INSTANCE_PATH": str(folder / "instance")}
    command = [sys.executable, "-c", DRIVER, str(root), "1", *([database_url] if database_url else [])]
    subprocess.run(command, capture_output=True, env=env, cwd=root, check=True)


@contextmanager
def databases(postgresql: bool) -> Iterator[list[str | None]]:
    """Three fresh databases (bytecode run, warm-up run, counted run): SQLite files the driver makes, or
    PostgreSQL databases of a throwaway cluster (each run creates its member: a database serves one run)."""
    if not postgresql:
        yield [None, None, None]
        return
    with postgres_databases([f"counted_{number}" for number in range(3)]) as urls:
        yield list(urls.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cycles", type=int, default=10, help="counted cycles of three GET + POST pairs")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to count (default: this one)")
    parser.add_argument("--postgresql", action="store_true", help="on a throwaway PostgreSQL cluster, not SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="counted-steps-") as folder, databases(args.postgresql) as urls:
        compile_bytecode(args.root, Path(folder), urls[0])
        warm_only = count(args.root, WARM_UP_CYCLES, Path(folder), urls[1])
        with_cycles = count(args.root, WARM_UP_CYCLES + args.cycles, Path(folder), urls[2])
    pairs = per_pair(warm_only, with_cycles, args.cycles)
    print(f"{args.root}: {pairs / 1e6:.3f} million instructions per GET + POST pair ({args.cycles} cycles counted)")


if __name__ == "__main__":
    main()
