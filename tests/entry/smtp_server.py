"""A tiny SMTP server on loopback, in a thread: enough of RFC 5321 for smtplib to deliver a message."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def _reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self._reply("220 localhost test SMTP")
        while line := self.rfile.readline():
            command = line.decode().strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._reply("250 localhost")
            elif command.startswith(("MAIL", "RCPT", "RSET", "NOOP")):
                self._reply("250 OK")
            elif command == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                self._read_data()
                self._reply("250 OK queued")
            elif command == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Not implemented")

    def _read_data(self) -> None:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        parsed = message_from_bytes(b"".join(lines), policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.server.received.append(parsed)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True
    received: list[EmailMessage]


@contextmanager
def smtp_server() -> Iterator[tuple[int, list[EmailMessage]]]:
    """A running server on 127.0.0.1 and a free port: yields (port, received messages)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], server.received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socketserver.TCPServer(("127.0.0.1", 0), socketserver.BaseRequestHandler) as probe:
        port: int = probe.server_address[1]
    return port
