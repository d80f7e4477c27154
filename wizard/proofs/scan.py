"""Malware scanning of uploaded files with ClamAV's daemon (clamd), over its INSTREAM command.

``CLAMD_ADDRESS`` names the daemon: a unix socket path (``/run/clamav/clamd.ctl``) or ``host:port``. Without
it nothing is scanned: development shows a warning on every upload page, production refuses uploads (an
unscanned file never reaches operations' screens). The protocol is small enough to speak directly: the
stream is sent in length-prefixed chunks and clamd answers ``stream: OK`` or ``stream: <name> FOUND``.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CHUNK = 64 * 1024
NOT_CONFIGURED_WARNING = (
    "Analyse antivirus désactivée : ClamAV n'est pas configuré (CLAMD_ADDRESS). "
    "Acceptable en développement uniquement."
)


class ScannerUnavailable(Exception):
    """clamd is configured but could not give a verdict (down, timeout, error reply)."""


@dataclass(frozen=True)
class Verdict:
    #: "clean", "infected" or "not_scanned"
    status: str
    signature: str = ""


def is_configured(config: Mapping[str, Any]) -> bool:
    return bool(config.get("CLAMD_ADDRESS"))


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(address)
        except OSError:
            sock.close()
            raise
        return sock
    host, _, port = address.rpartition(":")
    return socket.create_connection((host, int(port)), timeout=timeout)


def scan_bytes(data: bytes, config: Mapping[str, Any]) -> Verdict:
    """Scan ``data`` with clamd; ``not_scanned`` when no daemon is configured."""
    address = config.get("CLAMD_ADDRESS")
    if not address:
        return Verdict("not_scanned")
    try:
        with _connect(str(address), float(config.get("CLAMD_TIMEOUT") or 30)) as sock:
            sock.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0"):
                received = sock.recv(4096)
                if not received:
                    break
                reply += received
    except (OSError, ValueError) as error:
        raise ScannerUnavailable(str(error)) from error
    return _verdict(reply.rstrip(b"\0").decode("utf-8", "replace"))


def _verdict(reply: str) -> Verdict:
    answer = reply.partition(": ")[2] if ": " in reply else reply
    if answer == "OK":
        return Verdict("clean")
    if answer.endswith(" FOUND"):
        return Verdict("infected", answer.removesuffix(" FOUND"))
    raise ScannerUnavailable(f"unexpected clamd reply: {reply[:200]}")
