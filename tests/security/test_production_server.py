"""A real gunicorn node in production mode: no version in ``Server``, and no emailed-link token in any log."""

from __future__ import annotations

import logging
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from flask import Flask

from tests.scale.nodes import production_env, start_node
from wizard.security import REDACTED, redact

SECRET = "SecretToken.abc123-XYZ_987"
TOKEN_URLS = (
    f"/invitation/{SECRET}",
    f"/invitation/{SECRET}/identifiant",
    f"/mot-de-passe/{SECRET}",
    f"/compte/activer/{SECRET}",
    f"/connexion?next=/mot-de-passe/{SECRET}",
)


def _get(url: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Referer": f"http://127.0.0.1/invitation/{SECRET}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_production_node_hides_versions_and_tokens(database_url: str, tmp_path: Path) -> None:
    log = tmp_path / "node.log"
    node = start_node(production_env(database_url, tmp_path / "instance"), log, workers=1, threads=2)
    try:
        status, headers = _get(f"{node.url}/connexion")
        assert status == 200
        server = headers.get("Server", "")
        assert not any(ch.isdigit() for ch in server), server
        assert "Python" not in server and "Werkzeug" not in server
        for url in TOKEN_URLS:
            _get(node.url + url)
    finally:
        node.stop()
    written = log.read_text(errors="replace")
    assert "/connexion" in written, "the access log is written"
    assert SECRET not in written
    assert written.count(f"/invitation/{REDACTED}") >= 2
    assert f"/mot-de-passe/{REDACTED}" in written and f"/compte/activer/{REDACTED}" in written


def test_redaction_of_paths_and_request_lines() -> None:
    assert (
        redact(f'"GET /invitation/{SECRET}/parcours HTTP/1.1" 302')
        == f'"GET /invitation/{REDACTED}/parcours HTTP/1.1" 302'
    )
    assert redact("/mot-de-passe-oublie") == "/mot-de-passe-oublie"
    assert redact("/mon-compte/mot-de-passe") == "/mon-compte/mot-de-passe"
    assert SECRET not in redact(f'"GET /connexion?next=/x&t={SECRET} HTTP/1.1" 200')


def test_the_applications_own_logs_are_redacted(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /compte/activer/%s HTTP/1.1" 200 -', SECRET)
        app.logger.warning("lien refusé : /invitation/%s", SECRET)
    assert SECRET not in caplog.text
    assert f"/compte/activer/{REDACTED}" in caplog.text and f"/invitation/{REDACTED}" in caplog.text
