"""Database engine, the per-application-context session, and the one transaction boundary.

One session per app context (request, CLI command or test block), opened by :func:`db_session`. Services
only add and flush; the unit of work is committed in ONE place:

* a request: :func:`_commit_request`, after the view and before the response leaves — so nothing is
  acknowledged that is not committed. A concurrent update found at that moment becomes the « page
  n'était plus à jour » outcome (rolled back, sent back to the page), never a 500;
* a CLI command or any other app context: when it ends without an exception (:func:`_close_session`);
  a queue worker commits each item it processes (:func:`commit_item`), each item being its own unit;
  :func:`drain_due` is the claim-one, handle-one, count loop the workers share and :func:`poll` the loop of
  their ``run`` commands (``--once`` or every ``--interval`` seconds).

An exception anywhere rolls everything back: a failed request never half-writes.

A request whose work must never be kept marks itself ``g.rollback_only = True`` (:data:`ROLLBACK_ONLY`): its
session is then rolled back at the boundary instead of committed. The HR preview sandbox
(``wizard.hr.preview_sandbox``) sets it while its throw-away session is the request's session.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar

from flask import Flask, current_app, flash, g, redirect, request
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

SESSIONMAKER_KEY = "wizard.sessionmaker"
#: ``g`` flag: roll the request's session back at the boundary instead of committing it
ROLLBACK_ONLY = "rollback_only"
STALE_MESSAGE = (
    "Cette page n'était plus à jour (un autre onglet ou un double clic ?). "
    "Vos réponses enregistrées sont conservées : voici l'étape où vous en êtes."
)


#: seconds a SQLite writer waits for another one to finish before giving up (the busy timeout)
SQLITE_BUSY_TIMEOUT_SECONDS = 15

#: Run on every new SQLite connection (docs/PERFORMANCE.md, « SQLite settings »):
#: - WAL: readers never wait for a writer, and a commit appends to the log (one fsync) instead of the
#:   rollback journal's several fsyncs; the mode is stored in the file, setting it again is a no-op;
#: - synchronous=FULL: the log is synced on every commit, so a step acknowledged by a redirect survives a
#:   process crash AND a power loss (NORMAL would only survive a process crash);
#: - busy_timeout: a writer waits for the other worker processes' commits instead of failing at once;
#: - foreign_keys: SQLite does not enforce them unless asked, per connection.
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}",
    "PRAGMA foreign_keys=ON",
)

#: PostgreSQL connections one process keeps open, and how many more it may open under a burst (defaults of
#: the DATABASE_POOL_SIZE / DATABASE_MAX_OVERFLOW settings): a gunicorn worker serves WIZARD_THREADS (2)
#: requests at a time, each holding one connection for its duration
POSTGRES_POOL_SIZE = 4
POSTGRES_MAX_OVERFLOW = 4


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    for pragma in SQLITE_PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def build_engine(url: str, *, pool_size: int = POSTGRES_POOL_SIZE, max_overflow: int = POSTGRES_MAX_OVERFLOW) -> Engine:
    """Create the engine: SQLite with the settings above, PostgreSQL with a pool per process whose idle
    connections are checked before use."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS})
        event.listen(engine, "connect", _configure_sqlite_connection)
        return engine
    engine = create_engine(url, pool_size=pool_size, max_overflow=max_overflow)
    ping_idle_connections(engine, POSTGRES_PING_AFTER_IDLE_SECONDS)
    return engine


#: a pooled PostgreSQL connection left unused for longer than this is pinged before a request gets it
POSTGRES_PING_AFTER_IDLE_SECONDS = 10.0
_LAST_USED = "wizard.last_used"


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection before handing it out, but only if it sat unused for ``idle_seconds``.

    A database restarted, failed over, or a firewall's idle timeout leave dead connections in the pool;
    SQLAlchemy's ``pool_pre_ping`` finds them by pinging on *every* checkout — a round trip per request,
    ≈ 4 % of a step request's CPU (docs/PERFORMANCE.md). Under load a connection comes back to the pool
    milliseconds before it is taken again, so only the ones that waited are pinged; a dead one is replaced
    (``DisconnectionError`` makes the pool discard it and connect anew) and the request never sees it.
    """

    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def _remember_use(_dbapi_connection: Any, record: Any) -> None:  # a new connection is as good as a used one
        record.info[_LAST_USED] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last_used = record.info.get(_LAST_USED)
        if last_used is not None and time.monotonic() - last_used < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise DisconnectionError("the pooled connection is dead: replaced") from error


def init_db(app: Flask) -> None:
    engine = build_engine(
        app.config["DATABASE_URL"],
        pool_size=int(app.config["DATABASE_POOL_SIZE"]),
        max_overflow=int(app.config["DATABASE_MAX_OVERFLOW"]),
    )
    app.extensions[SESSIONMAKER_KEY] = sessionmaker(bind=engine, expire_on_commit=False)
    app.after_request(_commit_request)
    app.teardown_appcontext(_close_session)


def db_session() -> Session:
    """The session of the current app context, opened on first use."""
    # ``g`` resolved once: each ``g.x`` through Werkzeug's proxy costs a context lookup and four Python calls,
    # and a step request asks for its session about ten times
    app_globals = g._get_current_object()
    session: Session | None = app_globals.get("db_session")
    if session is None:
        session = app_globals.db_session = current_app.extensions[SESSIONMAKER_KEY]()
    return session


def db_engine(app: Flask | None = None) -> Engine:
    maker: sessionmaker[Session] = (app or current_app).extensions[SESSIONMAKER_KEY]
    bind = maker.kw["bind"]
    assert isinstance(bind, Engine)  # noqa: S101 - set by init_db, a wrong type is a programming error
    return bind


def commit_item(session: Session) -> None:
    """A queue worker's unit of work: one outbox message, one reminder — committed as soon as it is done."""
    session.commit()


Item = TypeVar("Item")

#: a worker's first retry waits a minute, then twice as long each time, never more than 6 hours
FIRST_RETRY_SECONDS = 60
MAX_RETRY_SECONDS = 6 * 3600


def retry_delay(attempts: int, retry_after: int | None = None) -> timedelta:
    """1 min, 2 min, 4 min… capped at 6 h, and never sooner than a server's ``Retry-After`` (seconds)."""
    backoff = min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS)
    return timedelta(seconds=max(backoff, retry_after or 0))


def drain_due(
    session: Session,
    claim: Callable[[Session, datetime], Item | None],
    handle: Callable[[Session, Item, datetime], bool],
    *,
    now: Callable[[], datetime],
    limit: int | None = None,
) -> tuple[int, int]:
    """Claim one due item, handle it (``handle`` commits it), again until none is due or ``limit`` is reached.

    Returns how many were handled and how many failed (``handle`` returned False: the item waits for its
    next attempt). ``now`` is read again for every item, so a long drain never works from a stale clock.
    """
    done = failed = 0
    for _ in range(limit) if limit is not None else itertools.count():
        moment = now()
        item = claim(session, moment)
        if item is None:
            break
        if handle(session, item, moment):
            done += 1
        else:
            failed += 1
    commit_item(session)
    return done, failed


def poll(work: Callable[[], str | None], *, once: bool, interval: float, report: Callable[[str], Any]) -> None:
    """A worker command's loop: do what is due, report it (when there is something to say), then stop when
    ``once`` or sleep ``interval`` seconds and start again."""
    while True:
        message = work()
        if message:
            report(message)
        if once:
            return
        time.sleep(interval)


def _commit_request(response: Response) -> Response:
    session: Session | None = g.get("db_session")
    if session is None:
        return response
    if g.get(ROLLBACK_ONLY):
        session.rollback()
        return response
    try:
        session.commit()
    except StaleDataError:
        session.rollback()
        flash(STALE_MESSAGE, "warning")
        return redirect(request.path)
    return response


def _close_session(exc: BaseException | None) -> None:
    session: Session | None = g.pop("db_session", None)
    if session is None:
        return
    try:
        # a CLI command or a block of work outside a request: its end is the boundary; a request was committed
        # by _commit_request, and a session untouched since then has nothing to commit (≈ 1 % of a step request)
        if exc is None and not g.get(ROLLBACK_ONLY) and session.in_transaction():
            session.commit()
    finally:
        session.close()  # anything not committed is rolled back
