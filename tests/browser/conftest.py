"""Real Chromium against a live server on loopback, driven by Playwright's sync API.

Debian's Chromium (``/usr/bin/chromium``) is used as is: Playwright never downloads a browser here. The
server is the test's own ``app`` (same database, emptied after each test) served by werkzeug in a thread.
Every test in this folder carries the ``browser`` marker and is skipped, with the reason, when Chromium is
absent or ``WIZARD_SKIP_BROWSER=1`` (the PostgreSQL pass of ``tests/run_suite.py`` sets it). On failure a
full-page screenshot is saved in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def skip_reason() -> str | None:
    if os.environ.get("WIZARD_SKIP_BROWSER") == "1":
        return "browser tests disabled by WIZARD_SKIP_BROWSER=1 (they already ran on SQLite)"
    if not CHROMIUM.exists():
        return f"Chromium not installed at {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = skip_reason()
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._thread.join(timeout=10)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - only browser tests need Playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


def _is_script_error(message: Any) -> bool:
    """Console errors, except Chromium's notes about 4xx answers, which some tests cause on purpose."""
    return bool(message.type == "error" and not message.text.startswith("Failed to load resource"))


@pytest.fixture
def page(chromium: Any, live_server: LiveServer, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh browser context (no cookies) per test; French locale; failures leave a screenshot."""
    context = chromium.new_context(base_url=live_server.url, locale="fr-FR", viewport={"width": 1100, "height": 900})
    context.set_default_timeout(10_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda msg: errors.append(msg.text) if _is_script_error(msg) else None)
    yield tab
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        tab.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    context.close()
    assert not errors, f"JavaScript errors or CSP violations in the page: {errors}"
