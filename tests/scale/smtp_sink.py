"""A loopback SMTP server that accepts everything and records each delivered message (enough for smtplib)."""

from __future__ import annotations

import email
import socketserver
import threading
import time
from email.message import Message
from types import TracebackType


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def reply(self, line: str) -> None:
        self.wfile.write(f"{line}\r\n".encode())

    def handle(self) -> None:
        self.reply("220 sink ESMTP")
        while line := self.rfile.readline():
            verb = line.decode(errors="replace").strip().split(" ")[0].upper()
            if verb == "DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                self.server.record(self._read_data())
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # EHLO, HELO, MAIL, RCPT, RSET, NOOP
                self.reply("250 OK")

    def _read_data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        time.sleep(self.server.delay)  # a slow mail server: workers overlap while holding their row locks
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay = delay
        self.messages: list[Message] = []
        self._lock = threading.Lock()

    def record(self, data: bytes) -> None:
        with self._lock:
            self.messages.append(email.message_from_bytes(data))


class SmtpSink:
    def __init__(self, delay: float = 0.02) -> None:
        self._server = _Server(delay)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def messages(self) -> list[Message]:
        return list(self._server.messages)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
