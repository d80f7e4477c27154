"""A throwaway ClamAV daemon for the tests: Debian's ``clamd`` on a unix socket, with a one-line signature
database generated here for the EICAR test string (no signature download is needed, or possible offline)."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.family_change.helpers import EICAR


def clamd_binary() -> str | None:
    return shutil.which("clamd") or next(
        (str(p) for p in (Path("/usr/sbin/clamd"),) if p.exists()), None
    )


@contextmanager
def running_clamd(folder: Path, timeout: float = 60.0) -> Iterator[str]:
    """Start clamd with only the EICAR body signature (``.ndb``: matches anywhere in any file)."""
    binary = clamd_binary()
    if binary is None:
        raise RuntimeError("clamd is not installed (Debian package clamav-daemon)")
    database = folder / "db"
    database.mkdir(parents=True, exist_ok=True)
    (database / "eicar.ndb").write_text(f"Eicar-Test-Signature:0:*:{EICAR.hex()}\n", encoding="ascii")
    socket_path = folder / "clamd.sock"
    config = folder / "clamd.conf"
    config.write_text(
        f"LocalSocket {socket_path}\nDatabaseDirectory {database}\nForeground yes\nLogFile {folder / 'clamd.log'}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen([binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + timeout
        while not socket_path.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"clamd did not start: {(folder / 'clamd.log').read_text(errors='replace')}")
            time.sleep(0.2)
        yield str(socket_path)
    finally:
        process.terminate()
        process.wait(timeout=30)
