"""Step submit of the product against two peers, measured side by side in one run.

Three systems serve the same three affiliation pages (« régime » → « household » → « no_cover », same fields
and choices): this product (login, encrypted answers, state machine, audit trail, optimistic locking), a
hand-written Flask + Flask-WTF wizard (``bench/_peer_flask_wtf_wizard.py``) and a django-formtools
``NamedUrlSessionWizardView`` (``bench/_peer_formtools_wizard.py``). Each runs under gunicorn with the SAME
settings (``--workers 2 --worker-class sync``, no access log) on its own throwaway database: SQLite (the
product's settings: WAL, synchronous=FULL) and PostgreSQL (a throwaway cluster, as ``make test`` starts).

Closed-loop simulated users (threads, one cookie jar each, loopback) repeat: GET the step page (CSRF token,
hidden fields), POST it valid, check the redirect goes to the next step; the third step's next is the first
again. Printed per system and user count: step POST/s, POST latency p50/p95/p99, server CPU per request
(utime + stime of the gunicorn master and workers from ``/proc`` over the window, divided by every GET and
POST served), worker RSS after the window (the same server serves every user count, so growth shows), and
the product's ratios to both peers. The three servers run side by side and their windows are interleaved,
``--rounds`` times over (the order turning each round); ratios are computed within a round, then the median
over the rounds is reported (this machine's speed drifts by tens of percent over minutes). Never a test:
timing only lives here.

    python -m bench.step_submit [--users 8 32] [--seconds 8] [--rounds 3] [--databases sqlite postgresql]
    python -m bench.step_submit --soak 10000 --users 8 --databases sqlite   (RSS of the product's workers)
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench._support import ROOT, machine, postgres_databases, postgres_version
from tests.run_suite import free_port, postgres_bindir

SYSTEMS = ("product", "flask-wtf", "formtools")
PASSWORD = "Mot-de-passe-2026!"  # noqa: S105 - the bench accounts' password
GUNICORN = ["--workers", "2", "--worker-class", "sync", "--timeout", "60", "--graceful-timeout", "5",
            "--log-level", "warning", "--max-requests", "0"]  # fmt: skip
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# --- a small HTTP client: one connection per request (sync workers close it), cookies, hidden fields ----------


@dataclass
class Reply:
    status: int
    location: str
    body: str


INPUT_TAG = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
ATTRIBUTE = re.compile(r'([a-zA-Z_:][-a-zA-Z0-9_:.]*)="([^"]*)"')


class Browser:
    def __init__(self, base: str) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Reply:
        return self._send("GET", path, None)

    def post(self, path: str, data: dict[str, str]) -> Reply:
        return self._send("POST", path, urlencode(data))

    def form(self, path: str) -> dict[str, str]:
        reply = self.get(path)
        if reply.status != 200:
            raise RuntimeError(f"GET {path}: {reply.status} {reply.body[:300]}")
        return hidden_fields(reply.body)

    def _send(self, method: str, path: str, body: str | None) -> Reply:
        headers = {"Host": f"{self.host}:{self.port}", "Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, body, headers)
            response = connection.getresponse()
            content = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if value in ("", '""') or "max-age=0" in header.lower():
                    self.cookies.pop(name.strip(), None)
                else:
                    self.cookies[name.strip()] = value
            location = response.headers.get("Location", "")
            return Reply(response.status, urlsplit(location).path if location else "", content.decode(errors="replace"))
        finally:
            connection.close()


def hidden_fields(page: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for tag in INPUT_TAG.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type", "").lower() == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


# --- the three systems: how a user starts, and the three steps with their valid answers -------------------------


@dataclass
class Scenario:
    """``steps``: (path of the page, answers, path the POST must redirect to)."""

    steps: list[tuple[str, dict[str, str], str]]


def product_user(base: str, index: int) -> tuple[Browser, Scenario]:
    browser = Browser(base)
    token = browser.form("/connexion")["csrf_token"]
    reply = browser.post("/connexion", {"email": f"bench{index}@example.fr", "password": PASSWORD, "csrf_token": token})
    if reply.status != 302:
        raise RuntimeError(f"login refused: {reply.status}")
    token = browser.form("/demarches/affiliation")["csrf_token"]
    journey = browser.post("/demarches/affiliation", {"csrf_token": token}).location
    prefix = browser.get(journey).location.rsplit("/", 1)[0]
    return browser, Scenario([
        (f"{prefix}/regime", {"regime": "general", "action": "next"}, f"{prefix}/household"),
        (f"{prefix}/household", {"cover_partner": "no", "cover_children": "no", "action": "next"},
         f"{prefix}/no_cover"),
        (f"{prefix}/no_cover", {"confirm": "y", "action": "next"}, f"{prefix}/formula"),
    ])  # fmt: skip


def flask_user(base: str, _index: int) -> tuple[Browser, Scenario]:
    return Browser(base), Scenario([
        ("/wizard/regime", {"regime": "general"}, "/wizard/household"),
        ("/wizard/household", {"cover_partner": "no", "cover_children": "no"}, "/wizard/no_cover"),
        ("/wizard/no_cover", {"confirm": "y"}, "/wizard/done"),
    ])  # fmt: skip


def formtools_user(base: str, _index: int) -> tuple[Browser, Scenario]:
    return Browser(base), Scenario([
        ("/formtools/regime/", {"regime-regime": "general"}, "/formtools/household/"),
        ("/formtools/household/", {"household-cover_partner": "no", "household-cover_children": "no"},
         "/formtools/no_cover/"),
        ("/formtools/no_cover/", {"no_cover-confirm": "on"}, "/formtools/done/"),
    ])  # fmt: skip


USERS: dict[str, Callable[[str, int], tuple[Browser, Scenario]]] = {
    "product": product_user,
    "flask-wtf": flask_user,
    "formtools": formtools_user,
}
TARGETS = {
    "product": "wizard.wsgi:app",
    "flask-wtf": "bench._peer_flask_wtf_wizard:create_app()",
    "formtools": "bench._peer_formtools_wizard:application()",
}


# --- gunicorn servers and their processes -----------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def pids(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [self.process.pid, *(int(p) for p in children.read_text().split())] if children.exists() else []

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
        return total / CLOCK_TICKS

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.pids()[1:]:
            status = Path(f"/proc/{pid}/status").read_text()
            sizes.append(int(status.split("VmRSS:")[1].split()[0]) / 1024)
        return sizes

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(target: str, env: dict[str, str], log: Path, root: Path = ROOT) -> Server:
    """gunicorn serving ``target`` from the code in ``root`` (this checkout, or another revision's)."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *GUNICORN, "--bind", f"127.0.0.1:{port}", target]
    with log.open("wb") as output:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {log.read_text(errors='replace')[-3000:]}")
        try:
            Browser(server.url).get("/")
        except OSError:
            time.sleep(0.2)
            continue
        if len(server.pids()) >= 3:
            return server
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer: {log.read_text(errors='replace')[-3000:]}")


# --- the closed loop --------------------------------------------------------------------------------------------


@dataclass
class Window:
    post_latencies: list[float] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    first_error: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


def cycle_once(browser: Browser, scenario: Scenario, window: Window | None) -> None:
    for path, answers, expected in scenario.steps:
        try:
            fields = browser.form(path)
            started = time.perf_counter()
            reply = browser.post(path, {**fields, **answers})
            elapsed = time.perf_counter() - started
            ok = reply.status in (302, 303) and reply.location == expected
            problem = "" if ok else f"POST {path}: {reply.status} → {reply.location!r} {reply.body[:200]!r}"
        except (OSError, RuntimeError, http.client.HTTPException) as error:
            elapsed, ok, problem = 0.0, False, f"{path}: {error}"
        if window is None:
            if not ok:
                raise RuntimeError(problem)
            continue
        with window.lock:
            window.requests += 2
            if ok:
                window.post_latencies.append(elapsed)
            else:
                window.errors += 1
                window.first_error = window.first_error or problem


def run_window(users: list[tuple[Browser, Scenario]], seconds: float) -> tuple[Window, float]:
    window = Window()
    until = time.monotonic() + seconds

    def loop(browser: Browser, scenario: Scenario) -> None:
        while time.monotonic() < until:
            cycle_once(browser, scenario, window)

    threads = [threading.Thread(target=loop, args=user) for user in users]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return window, time.monotonic() - started


def _parallel(count: int, make: Callable[[int], tuple[Browser, Scenario]]) -> list[tuple[Browser, Scenario]]:
    made: list[tuple[Browser, Scenario] | BaseException | None] = [None] * count

    def one(index: int) -> None:
        try:
            browser, scenario = made[index] = make(index)
            cycle_once(browser, scenario, None)  # warm-up: one full, checked cycle
        except BaseException as error:  # reported below
            made[index] = error

    threads = [threading.Thread(target=one, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    failures = [m for m in made if not isinstance(m, tuple)]
    if failures:
        raise RuntimeError(f"user setup failed: {failures[0]!r}")
    return [m for m in made if isinstance(m, tuple)]


@dataclass
class Measure:
    system: str
    users: int
    posts_per_second: float
    p50: float
    p95: float
    p99: float
    cpu_ms: float
    rss_mb: float
    errors: int


@dataclass
class Running:
    """A system's gunicorn server and its simulated users, logged in and warmed up."""

    system: str
    server: Server
    users: list[tuple[Browser, Scenario]]


def start_system(system: str, env: dict[str, str], users: int, log: Path) -> Running:
    server = start_server(TARGETS[system], env, log)
    try:
        everyone = _parallel(users, lambda n: USERS[system](server.url, n))
    except BaseException:
        server.stop()
        raise
    print(f"  {system:<10} ready: worker RSS after warm-up {_rss(server)}", flush=True)
    return Running(system, server, everyone)


def measure_window(running: Running, count: int, seconds: float) -> Measure:
    server = running.server
    cpu_before = server.cpu_seconds()
    window, elapsed = run_window(running.users[:count], seconds)
    cpu = server.cpu_seconds() - cpu_before
    cuts = _percentiles(window.post_latencies)
    result = Measure(
        running.system, count, len(window.post_latencies) / elapsed, cuts[49] * 1000, cuts[94] * 1000,
        cuts[98] * 1000, cpu / max(window.requests, 1) * 1000, max(server.worker_rss_mb()), window.errors,
    )  # fmt: skip
    print(
        f"  {running.system:<10} users={count:>3}  {result.posts_per_second:7.1f} step POST/s  "
        f"p50 {result.p50:6.1f}  p95 {result.p95:6.1f}  p99 {result.p99:6.1f} ms  "
        f"CPU {result.cpu_ms:5.2f} ms/request  worker RSS {_rss(server)}  errors {window.errors}"
        + (f"  first: {window.first_error}" if window.first_error else ""),
        flush=True,
    )
    return result


def measure_rounds(running: list[Running], user_counts: list[int], seconds: float, rounds: int) -> list[list[Measure]]:
    """Every system's window, one after the other, ``rounds`` times over, the order turning each round.

    The machine's speed drifts (other tenants, frequency): systems measured minutes apart are not compared,
    each round compares windows a few seconds apart, and the report takes the median over the rounds.
    """
    measured: list[list[Measure]] = []
    for number in range(rounds):
        print(f"  round {number + 1}/{rounds}", flush=True)
        order = running[number % len(running) :] + running[: number % len(running)]
        measured.append([measure_window(system, count, seconds) for count in user_counts for system in order])
    return measured


def median_measures(measured: list[list[Measure]]) -> list[Measure]:
    """Per system and user count: the median of each figure over the rounds (worker RSS: the largest)."""
    keys = sorted({(m.system, m.users) for one in measured for m in one}, key=lambda k: (k[1], SYSTEMS.index(k[0])))
    result = []
    for system, users in keys:
        runs = [m for one in measured for m in one if (m.system, m.users) == (system, users)]

        def median(name: str, runs: list[Measure] = runs) -> float:
            return statistics.median(float(getattr(m, name)) for m in runs)

        result.append(Measure(
            system, users, median("posts_per_second"), median("p50"), median("p95"), median("p99"),
            median("cpu_ms"), max(m.rss_mb for m in runs), sum(m.errors for m in runs),
        ))  # fmt: skip
    return result


def soak(env: dict[str, str], users: int, total: int, log: Path) -> None:
    """Serve ``total`` requests with the product and print its workers' RSS along the way (growth = a leak)."""
    server = start_server(TARGETS["product"], env, log)
    try:
        everyone = _parallel(users, lambda n: USERS["product"](server.url, n))
        served, errors = 0, 0
        print(f"  soak: worker RSS after warm-up {_rss(server)}", flush=True)
        while served < total:
            window, _elapsed = run_window(everyone, 15)
            served, errors = served + window.requests, errors + window.errors
            print(f"  soak: {served:>6} requests served, worker RSS {_rss(server)}, errors {errors}", flush=True)
    finally:
        server.stop()


def _percentiles(samples: list[float]) -> list[float]:
    return statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else [0.0] * 99


def _rss(server: Server) -> str:
    return "/".join(f"{size:.0f}" for size in server.worker_rss_mb()) + " MB"


# --- databases --------------------------------------------------------------------------------------------------


@contextmanager
def databases(kind: str, folder: Path) -> Iterator[dict[str, str]]:
    """One throwaway database per system."""
    if kind == "sqlite":
        yield {system: f"sqlite:///{folder / f'{system}.sqlite3'}" for system in SYSTEMS}
        return
    names = {system: f"bench_{system.replace('-', '_')}" for system in SYSTEMS}
    with postgres_databases(list(names.values())) as urls:
        yield {system: urls[name] for system, name in names.items()}


def prepare_product(url: str, users: int) -> None:
    from wizard import create_app  # noqa: PLC0415
    from wizard.db import db_engine, db_session  # noqa: PLC0415
    from wizard.entry.passwords import hash_password  # noqa: PLC0415
    from wizard.migrate import upgrade_database  # noqa: PLC0415
    from wizard.models import Role, User  # noqa: PLC0415

    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": url})
    with app.app_context():
        upgrade_database(db_engine())
        session = db_session()
        password = hash_password(PASSWORD)
        session.add_all(
            User(email=f"bench{n}@example.fr", role=Role.MEMBER, password_hash=password, activated=True,
                 first_name="Banc", last_name=f"Essai {n}")
            for n in range(users)
        )  # fmt: skip
        session.commit()
    db_engine(app).dispose()


def environments(urls: dict[str, str], folder: Path) -> dict[str, dict[str, str]]:
    from tests.scale.nodes import production_env  # noqa: PLC0415

    product = production_env(urls["product"], folder / "instance", WIZARD_LOG_LEVEL="warning",
                             WIZARD_RATELIMIT_ENABLED="false")  # fmt: skip
    return {
        "product": product,
        "flask-wtf": {**os.environ, "PEER_DATABASE_URL": urls["flask-wtf"]},
        "formtools": {**os.environ, "PEER_DATABASE_URL": urls["formtools"]},
    }


def prepare(urls: dict[str, str], envs: dict[str, dict[str, str]], users: int) -> None:
    from bench import _peer_flask_wtf_wizard  # noqa: PLC0415

    prepare_product(urls["product"], users)
    _peer_flask_wtf_wizard.prepare(urls["flask-wtf"])
    subprocess.run(
        [sys.executable, "-c", "from bench._peer_formtools_wizard import prepare; prepare()"],
        cwd=ROOT, env=envs["formtools"], check=True,
    )  # fmt: skip


# --- report -----------------------------------------------------------------------------------------------------


def ratios(measured: list[list[Measure]]) -> list[str]:
    """The product's ratios to each peer: computed within each round (windows seconds apart), then the median
    over the rounds; the per-round values are printed too, so the spread shows."""
    lines = []
    for users in sorted({m.users for one in measured for m in one}):
        for peer, cpu_target, rate_target in (("flask-wtf", 1.4, 0.7), ("formtools", 0.67, 1.5)):
            per_round = []
            for one in measured:
                by_key = {(m.system, m.users): m for m in one}
                product, other = by_key[("product", users)], by_key[(peer, users)]
                per_round.append((
                    product.cpu_ms / other.cpu_ms,
                    product.posts_per_second / other.posts_per_second,
                    product.p95 / other.p95 if other.p95 else float("inf"),
                ))  # fmt: skip
            cpu, rate, p95 = (statistics.median(r[i] for r in per_round) for i in range(3))
            verdict = [
                f"CPU/request x{cpu:.2f} ({'met' if cpu <= cpu_target else 'MISSED'} ≤ {cpu_target})",
                f"POST/s x{rate:.2f} ({'met' if rate >= rate_target else 'MISSED'} ≥ {rate_target})",
            ]
            if peer == "flask-wtf":
                verdict.append(f"p95 x{p95:.2f} ({'met' if p95 <= 1.3 else 'MISSED'} ≤ 1.3)")
            else:
                verdict.append(f"p95 x{p95:.2f}")
            spread = ", ".join(f"{r[0]:.2f}" for r in per_round)
            head = f"  product / {peer:<10} users={users:>3}  "
            lines.append(head + "  ".join(verdict) + f"  [CPU per round: {spread}]")
    return lines


def markdown(database: str, results: list[Measure]) -> list[str]:
    lines = [
        f"| {database} | Users | Step POST/s | p50 ms | p95 ms | p99 ms | CPU ms/request | Worker RSS MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for m in sorted(results, key=lambda m: (m.users, SYSTEMS.index(m.system))):
        lines.append(
            f"| {m.system} | {m.users} | {m.posts_per_second:.0f} | {m.p50:.1f} | {m.p95:.1f} | {m.p99:.1f} "
            f"| {m.cpu_ms:.2f} | {m.rss_mb:.0f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3, help="windows per system and user count, interleaved")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--systems", nargs="+", default=list(SYSTEMS), choices=SYSTEMS)
    parser.add_argument("--soak", type=int, default=0, help="instead: N product requests, RSS printed along")
    args = parser.parse_args()
    print(f"Machine: {machine()}; load average before: {os.getloadavg()[0]:.1f}")
    print(f"gunicorn {' '.join(GUNICORN)} for every system")
    tables: list[str] = []
    for kind in args.databases:
        if kind == "postgresql" and postgres_bindir() is None:
            print("PostgreSQL binaries not found: PostgreSQL run skipped")
            continue
        with tempfile.TemporaryDirectory(prefix="bench-steps-") as tmp, databases(kind, Path(tmp)) as urls:
            folder = Path(tmp)
            label = "SQLite (WAL, synchronous=FULL)" if kind == "sqlite" else postgres_version(urls["product"])
            print(f"\nDatabase: {label}", flush=True)
            envs = environments(urls, folder)
            prepare(urls, envs, max(args.users))
            if args.soak:
                soak(envs["product"], max(args.users), args.soak, folder / "soak.log")
                continue
            running: list[Running] = []
            try:
                for system in args.systems:
                    running.append(start_system(system, envs[system], max(args.users), folder / f"{system}.log"))
                measured = measure_rounds(running, args.users, args.seconds, args.rounds)
            finally:
                for one in running:
                    one.server.stop()
            if set(args.systems) == set(SYSTEMS):
                print("\n".join(ratios(measured)))
            tables += ["", *markdown(label + f", median of {args.rounds} rounds", median_measures(measured))]
    print("\n".join(tables))
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
