"""Real gunicorn nodes on loopback sharing one PostgreSQL database, and a small cookie-keeping HTTP client."""

from __future__ import annotations

import copy
import html
import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import hidden_fields
from tests.run_suite import free_port

ROOT = Path(__file__).resolve().parents[2]


#: production refuses the published test key: the nodes and the tests' own app (tests/scale/conftest.py) share this one
SCALE_FIELD_ENCRYPTION_KEY = "c2NhbGUtdGVzdHMtZmllbGQta2V5LTMyLWJ5dGVzISE="


def production_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """What an operator sets on every node (docs/OPERATOR.md); the same secrets on all of them."""
    return {
        **os.environ,
        "WIZARD_ENV": "production",
        "WIZARD_DATABASE_URL": database_url,
        "WIZARD_SECRET_KEY": "scale-test-secret-key-shared-by-every-node",
        "WIZARD_FIELD_ENCRYPTION_KEY": SCALE_FIELD_ENCRYPTION_KEY,
        "WIZARD_PUBLIC_BASE_URL": "http://127.0.0.1",
        # loopback over plain http: the production default (Secure cookies) would never be sent back
        "WIZARD_SESSION_COOKIE_SECURE": "false",
        "WIZARD_INSTANCE_PATH": str(instance),
        **extra,
    }


@dataclass
class Node:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_node(
    env: Mapping[str, str], log: Path, workers: int = 2, threads: int = 2, target: str = "wizard.wsgi:app"
) -> Node:
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "-c", str(ROOT / "config" / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads), target,
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=dict(env), stdout=output, stderr=subprocess.STDOUT)
    node = Node(url=f"http://127.0.0.1:{port}", process=process, log=log)
    _wait_until_up(node)
    return node


def _wait_until_up(node: Node, timeout: float = 30) -> None:
    """Until the node answers anything over HTTP (a redirect, the baseline's 404…) or its process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if node.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {node.log.read_text(errors='replace')[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", int(node.url.rsplit(":", 1)[1])), timeout=2) as sock:
                sock.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                if sock.recv(12).startswith(b"HTTP/"):
                    return
        except OSError:
            time.sleep(0.2)
    node.stop()
    raise RuntimeError(f"gunicorn did not answer: {node.log.read_text(errors='replace')[-3000:]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


@dataclass
class Reply:
    status: int
    location: str
    text: str


class Visitor:
    """One person's browser: a cookie jar shared by every node (the session is a signed cookie)."""

    def __init__(self, jar: http.cookiejar.CookieJar | None = None) -> None:
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def clone(self) -> Visitor:
        """Another tab's view of the same session at this moment (for concurrent submits)."""
        jar = http.cookiejar.CookieJar()
        for cookie in self.jar:
            jar.set_cookie(copy.copy(cookie))
        return Visitor(jar)

    def get(self, url: str) -> Reply:
        return self._send(urllib.request.Request(url))  # noqa: S310 - loopback

    def post(self, url: str, data: Mapping[str, str]) -> Reply:
        body = urllib.parse.urlencode(data).encode()
        return self._send(urllib.request.Request(url, data=body, method="POST"))  # noqa: S310 - loopback

    def _send(self, request: urllib.request.Request) -> Reply:
        try:
            with self._opener.open(request, timeout=30) as response:
                return Reply(response.status, response.headers.get("Location", ""), _text(response.read()))
        except urllib.error.HTTPError as error:
            return Reply(error.code, error.headers.get("Location", ""), _text(error.read()))

    def form(self, url: str) -> dict[str, str]:
        reply = self.get(url)
        assert reply.status == 200, (url, reply.status, reply.text[:500])
        return hidden_fields(reply.text)

    def log_in(self, base: str, email: str, password: str) -> Reply:
        token = self.form(f"{base}/connexion")["csrf_token"]
        reply = self.post(f"{base}/connexion", {"email": email, "password": password, "csrf_token": token})
        assert reply.status == 302, reply.text[:500]
        return reply


def _text(body: bytes) -> str:
    return html.unescape(body.decode("utf-8", errors="replace"))
