"""Where a system's CPU goes while it serves the step-submit load: py-spy samples of its gunicorn workers.

    python -m bench._sampled_step_submit [--system product|flask-wtf|formtools] [--seconds 15]
                                         [--database sqlite|postgresql] [--under FUNCTION ...]

Starts the system exactly as ``bench.step_submit`` does (gunicorn, 2 sync workers, its own throwaway database),
runs 8 closed-loop users and samples both workers with py-spy (``--gil``: only samples taken while a worker
holds the GIL, i.e. its Python CPU; time spent waiting on the disk, the socket or in C code that releases the
GIL is not counted). Prints the GIL time per request and every function's inclusive share of the samples,
then, for each ``--under`` name, the share of each function it calls directly. An in-process profiler
(``bench._profile_step_submit``) sees the test client, not gunicorn, and distorts small functions; sampling
the real server does neither. py-spy comes with the ``bench`` extra. Not run by ``python -m bench``.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench import step_submit

RATE = 400  # samples per second and worker
FRAME = re.compile(r"(?P<name>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def _frame_name(frame: str) -> str:
    found = FRAME.match(frame)
    if found is None:
        return frame
    short = re.sub(r"^.*/(site-packages|lib/python3\.\d+)/", "", found["file"])
    return f"{found['name']} ({short.replace(str(step_submit.ROOT) + '/', '')})"


def read_stacks(files: list[Path]) -> tuple[int, list[tuple[list[str], int]]]:
    """py-spy's raw output (``frame;frame;… count`` per line) as (total samples, [(frames, count)])."""
    stacks, total = [], 0
    for path in files:
        for line in path.read_text().splitlines():
            frames, _, count = line.rpartition(" ")
            if frames and count.isdigit():  # a stack py-spy cut short while writing has no count: skipped
                stacks.append(([_frame_name(f) for f in frames.split(";")], int(count)))
                total += int(count)
    return total, stacks


def inclusive_shares(stacks: list[tuple[list[str], int]]) -> collections.Counter[str]:
    shares: collections.Counter[str] = collections.Counter()
    for frames, count in stacks:
        for name in set(frames):
            shares[name] += count
    return shares


def callees(stacks: list[tuple[list[str], int]], caller: str) -> collections.Counter[str]:
    """Samples under the first frame whose name contains ``caller``, by the frame it called."""
    below: collections.Counter[str] = collections.Counter()
    for frames, count in stacks:
        for index, name in enumerate(frames):
            if caller in name:
                below[frames[index + 1] if index + 1 < len(frames) else "<itself>"] += count
                break
    return below


def _start_sampler(spy: str, output: Path, seconds: float) -> subprocess.Popen[bytes]:
    pid = output.stem.split("-")[1]
    command = [spy, "record", "--pid", pid, "--rate", str(RATE), "--duration", str(int(seconds)),
               "--format", "raw", "--output", str(output), "--nonblocking", "--gil"]  # fmt: skip
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def sample(system: str, database: str, seconds: float, folder: Path) -> tuple[list[Path], int]:
    """Serve the load for ``seconds`` while py-spy samples the workers; the sample files and requests served."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    with step_submit.databases(database, folder) as urls:
        envs = step_submit.environments(urls, folder)
        step_submit.prepare(urls, envs, 8)
        running = step_submit.start_system(system, envs[system], 8, folder / "server.log")
        try:
            step_submit.measure_window(running, 8, 3)  # warm
            outputs = [folder / f"worker-{pid}.txt" for pid in running.server.pids()[1:]]
            samplers = [_start_sampler(spy, output, seconds) for output in outputs]
            window, _elapsed = step_submit.run_window(running.users, seconds)
            for sampler in samplers:
                sampler.wait(timeout=seconds + 60)
        finally:
            running.server.stop()
    return [o for o in outputs if o.exists()], window.requests


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--system", choices=step_submit.SYSTEMS, default="product")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--top", type=int, default=60)
    parser.add_argument("--under", nargs="*", default=[], help="also show what these functions call")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sampled-steps-") as folder:
        files, requests = sample(args.system, args.database, args.seconds, Path(folder))
        total, stacks = read_stacks(files)
    if not total or not requests:
        raise SystemExit("no samples (py-spy needs ptrace: run as the servers' user, or as root in a container)")
    print(f"{args.system} on {args.database}: {requests} requests, {total} GIL-held samples at {RATE}/s per worker"
          f" = {total / RATE / requests * 1000:.2f} ms of Python CPU per request")  # fmt: skip
    for name, count in inclusive_shares(stacks).most_common(args.top):
        print(f"  {100 * count / total:5.1f} %  {name}")
    for caller in args.under:
        print(f"\nunder {caller!r}:")
        for name, count in callees(stacks, caller).most_common(15):
            print(f"  {100 * count / total:5.1f} %  {name}")


if __name__ == "__main__":
    main()
