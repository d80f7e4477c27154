"""HR previews leave no trace in the members' tables: each preview request runs in a rolled-back transaction.

A preview is walked by the real engine, on the real pages. For an HR user's request to a preview page
(journey steps, signing step, specimen PDFs, the preview start page), the request's database session is
bound to one connection inside an outer transaction, in SQLAlchemy's ``create_savepoint`` mode (even a
stray ``commit()`` only releases a savepoint), and the outer transaction is **always rolled back** at the
end of the request. While that session is the request's, the request is marked ``g.rollback_only``
(:data:`wizard.db.ROLLBACK_ONLY`): the request boundary of :mod:`wizard.db` rolls it back, never commits it.

Before the view runs, the HR user's previews are put back into that transaction from their snapshots
(:class:`PreviewSnapshot`, the previews' own store); after it, they are read back into snapshots, the
transaction is rolled back, and the snapshots are saved in the request's ordinary session, which the request
boundary commits. Nothing a preview does — journey, answers, events — is ever committed to ``journeys``,
``step_answers`` or ``journey_events``.

Snapshots idle for longer than the retention period are deleted by ``flask preview purge`` and
``flask retention run``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, Response, g, request
from flask_login import current_user
from sqlalchemy import Connection, RootTransaction, delete, select, update
from sqlalchemy.orm import Session

from wizard.db import ROLLBACK_ONLY, db_engine
from wizard.journeys.pages import forget_loaded_journeys
from wizard.models import Campaign, Journey, JourneyEvent, JourneyStatus, PreviewSnapshot, StepAnswer, User, utcnow

#: blueprints whose pages, for an HR user, only ever touch that user's previews
SANDBOXED_BLUEPRINTS = frozenset({"journeys", "signing", "documents", "preview", "subscription"})
SANDBOX_KEY = "preview_sandbox"


class Sandbox:
    def __init__(self, connection: Connection, outer: RootTransaction, session: Session, owner_id: int) -> None:
        self.connection, self.outer, self.session, self.owner_id = connection, outer, session, owner_id

    def close(self) -> None:
        self.session.close()
        if self.outer.is_active:
            self.outer.rollback()
        self.connection.close()


def init_preview_sandbox(app: Flask) -> None:
    app.before_request(_open)
    app.after_request(_save)
    app.teardown_request(_discard)


def _wants_sandbox() -> bool:
    if request.blueprint not in SANDBOXED_BLUEPRINTS:
        return False
    user = current_user._get_current_object()  # one look-up through Flask-Login's proxy, not two
    return bool(user.is_authenticated and user.is_hr)


def _open() -> None:
    if not _wants_sandbox():
        return
    user_id = int(current_user.id)
    normal: Session | None = g.pop("db_session", None)
    snapshots = (
        list(normal.scalars(select(PreviewSnapshot).where(PreviewSnapshot.owner_id == user_id))) if normal else []
    )
    if normal is not None:
        normal.close()
    forget_loaded_journeys()  # read through the normal session: the sandbox reads its own
    connection = db_engine().connect()
    outer = connection.begin()
    if connection.dialect.name == "sqlite":
        # pysqlite opens its transaction lazily: without an explicit BEGIN, the first SAVEPOINT would be the
        # outermost and its RELEASE (a commit) would really commit
        connection.exec_driver_sql("BEGIN")
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    g.db_session = session
    setattr(g, ROLLBACK_ONLY, True)  # the request boundary must never commit the sandbox
    g.setdefault(SANDBOX_KEY, Sandbox(connection, outer, session, user_id))
    for snapshot in snapshots:
        if session.scalar(select(Journey.id).where(Journey.public_id == snapshot.public_id)) is None:
            restore(session, snapshot.payload)
    session.flush()
    # Flask-Login's user must belong to the sandbox session (journeys are created with it as owner)
    g._login_user = session.get(User, user_id)


def _save(response: Response) -> Response:
    sandbox: Sandbox | None = g.pop(SANDBOX_KEY, None)
    if sandbox is None:
        return response
    try:
        payloads = [snapshot_of(j) for j in _previews(sandbox.session, sandbox.owner_id)]
    finally:
        g.pop("db_session", None)
        sandbox.close()
    g.pop(ROLLBACK_ONLY, None)  # from here on the request's ordinary session, committed by wizard.db
    store(_fresh_session(), sandbox.owner_id, payloads)
    return response


def _discard(_exc: BaseException | None) -> None:
    app_globals = g._get_current_object()  # runs after every request: one look-up through the proxy, not three
    sandbox: Sandbox | None = app_globals.pop(SANDBOX_KEY, None)
    if sandbox is not None:  # the view failed: nothing is saved
        app_globals.pop("db_session", None)
        sandbox.close()
    app_globals.pop(ROLLBACK_ONLY, None)


def _fresh_session() -> Session:
    from wizard.db import db_session  # noqa: PLC0415

    return db_session()


def _previews(session: Session, owner_id: int) -> list[Journey]:
    query = select(Journey).where(Journey.owner_id == owner_id, Journey.is_preview.is_(True)).order_by(Journey.id)
    return list(session.scalars(query))


# --- snapshots ------------------------------------------------------------------------------------------------


def snapshot_of(journey: Journey) -> dict[str, Any]:
    return {
        "public_id": journey.public_id, "owner_id": journey.owner_id, "campaign_id": journey.campaign_id,
        "flow_id": journey.flow_id, "flow_version": journey.flow_version, "state": journey.state,
        "status": journey.status.value, "path": list(journey.path), "revision": journey.revision,
        "context": journey.context, "created_at": journey.created_at, "updated_at": journey.updated_at,
        "completed_at": journey.completed_at,
        "answers": [
            {"step_id": a.step_id, "raw": a.raw, "data": a.data, "is_draft": a.is_draft} for a in journey.answers
        ],
        "events": [{"trigger": e.trigger, "from_state": e.from_state, "to_state": e.to_state, "actor_id": e.actor_id,
                    "at": e.at} for e in journey.events],
    }  # fmt: skip


def restore(session: Session, payload: dict[str, Any]) -> Journey:
    """Put a preview back as journey rows of the (rolled-back) sandbox transaction, revision included."""
    campaign_id = payload.get("campaign_id")
    if campaign_id is not None and session.get(Campaign, campaign_id) is None:
        campaign_id = None  # the campaign read for the preview's identity no longer exists
    journey = Journey(
        public_id=payload["public_id"], owner_id=payload["owner_id"], campaign_id=campaign_id,
        flow_id=payload["flow_id"], flow_version=payload["flow_version"], state=payload["state"],
        status=JourneyStatus(payload["status"]), path=list(payload["path"]), is_preview=True,
        context=payload["context"], created_at=payload["created_at"], completed_at=payload.get("completed_at"),
    )  # fmt: skip
    journey.answers = tuple(StepAnswer(**answer) for answer in payload["answers"])
    journey.events = [JourneyEvent(**event) for event in payload["events"]]
    session.add(journey)
    session.flush()
    values = {"revision": payload["revision"], "updated_at": payload["updated_at"]}
    session.execute(update(Journey).where(Journey.id == journey.id).values(**values))
    session.expire(journey, ["revision", "updated_at"])
    return journey


def store(session: Session, owner_id: int, payloads: list[dict[str, Any]]) -> None:
    """Replace the owner's snapshots by ``payloads`` (the caller commits)."""
    existing = {
        s.public_id: s for s in session.scalars(select(PreviewSnapshot).where(PreviewSnapshot.owner_id == owner_id))
    }
    keep = {p["public_id"] for p in payloads}
    for public_id, snapshot in existing.items():
        if public_id not in keep:
            session.delete(snapshot)
    for payload in payloads:
        found = existing.get(payload["public_id"])
        if found is None:
            session.add(PreviewSnapshot(public_id=payload["public_id"], owner_id=owner_id, flow_id=payload["flow_id"],
                                        payload=payload))  # fmt: skip
        else:
            found.payload, found.flow_id, found.updated_at = payload, payload["flow_id"], utcnow()
    session.flush()


def purge_snapshots(session: Session, *, idle_since: datetime | None = None, owner_id: int | None = None) -> int:
    """Delete preview snapshots (idle since before ``idle_since``, or of ``owner_id``); the caller commits."""
    query = delete(PreviewSnapshot)
    if idle_since is not None:
        query = query.where(PreviewSnapshot.updated_at < idle_since)
    if owner_id is not None:
        query = query.where(PreviewSnapshot.owner_id == owner_id)
    count = session.execute(query).rowcount  # type: ignore[attr-defined]
    return int(count or 0)
