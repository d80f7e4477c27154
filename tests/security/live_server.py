"""A real threaded HTTP server around the test application, and simultaneous POSTs against it.

Each request gets its own thread and database connection, as under gunicorn's threads, so races between
requests are real races (tests/scale does the same with gunicorn processes on PostgreSQL).
"""

from __future__ import annotations

import html
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

#: the raced requests and the test client present the same browser (Flask-Login's strong session protection)
USER_AGENT = "race-test-browser"


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The base URL of ``app`` served on a free loopback port until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


@dataclass(frozen=True)
class Reply:
    status: int
    text: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


def post(url: str, data: dict[str, str], cookie: str) -> Reply:
    request = urllib.request.Request(  # noqa: S310 - loopback only
        url, data=urllib.parse.urlencode(data).encode(), method="POST",
        headers={"Cookie": f"session={cookie}", "User-Agent": USER_AGENT},
    )  # fmt: skip
    try:
        with urllib.request.build_opener(_NoRedirect()).open(request, timeout=60) as response:
            return Reply(response.status, html.unescape(response.read().decode("utf-8", errors="replace")))
    except urllib.error.HTTPError as error:
        return Reply(error.code, html.unescape(error.read().decode("utf-8", errors="replace")))


def burst(url: str, data: dict[str, str], cookie: str, count: int) -> list[Reply]:
    """``count`` identical POSTs released at the same instant (a barrier), each on its own connection."""
    replies: list[Reply | None] = [None] * count
    gate = threading.Barrier(count)

    def send(index: int) -> None:
        gate.wait()
        replies[index] = post(url, data, cookie)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return [reply for reply in replies if reply is not None]


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def same_browser(client: FlaskClient) -> FlaskClient:
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    return client
