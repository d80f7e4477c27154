"""Consents by purpose × channel (« Gérer mes données personnelles »), with their full history.

Each purpose is off unless the member gave it. Giving and withdrawing are the same gesture (a checkbox).
Nothing is ever updated: every change appends a :class:`ConsentRecord` keeping the wording shown, the value,
when and from where (``mon_compte`` or ``souscription``), so the current value is the latest row per purpose
and channel. The purposes and their wording are data (``config/consents.json``).

The page sends, for every box, the value it *showed*: only boxes the person actually changed are recorded,
so a stale tab never reverts a change made meanwhile in another tab, and a double click records nothing twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from config.catalogue import default_catalogue
from wizard.models import Actor, ConsentRecord, Journey, User

CONFIG_PATH = Path(__file__).resolve().parents[2] / "config" / "consents.json"
ALL_CHANNELS = "all"
SUBSCRIPTION_PURPOSE = "partner_offers"


@dataclass(frozen=True)
class Purpose:
    id: str
    label: str
    text: str
    channels: tuple[str, ...]

    def switches(self) -> list[tuple[str, str]]:
        return [(self.id, channel) for channel in (self.channels or (ALL_CHANNELS,))]


@dataclass(frozen=True)
class Group:
    title: str
    purposes: tuple[Purpose, ...]


@lru_cache(maxsize=1)
def _config() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CONFIG_PATH.read_text(encoding="utf-8"))
    return data


def channel_labels() -> dict[str, str]:
    return dict(_config()["channels"])


def groups() -> list[Group]:
    brand = default_catalogue().brand.name
    return [
        Group(
            title=group["title"].format(brand=brand),
            purposes=tuple(
                Purpose(p["id"], p["label"].format(brand=brand), p["text"].format(brand=brand), tuple(p["channels"]))
                for p in group["purposes"]
            ),
        )
        for group in _config()["groups"]
    ]


def purposes() -> dict[str, Purpose]:
    return {purpose.id: purpose for group in groups() for purpose in group.purposes}


def field_name(purpose: str, channel: str) -> str:
    return f"{purpose}__{channel}"


def shown_text(purpose: Purpose, channel: str) -> str:
    if channel == ALL_CHANNELS:
        return f"{purpose.label} — {purpose.text}"
    return f"{purpose.label} — {purpose.text} — Mode de réception : {channel_labels()[channel]}"


def current(session: Session, user: User) -> dict[tuple[str, str], bool]:
    """The current value of every purpose × channel: the latest record, else off."""
    values = {key: False for purpose in purposes().values() for key in purpose.switches()}
    query = select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id)
    for record in session.scalars(query):
        if (record.purpose, record.channel) in values:
            values[(record.purpose, record.channel)] = record.given
    return values


def history(session: Session, user: User) -> list[ConsentRecord]:
    query = select(ConsentRecord).where(ConsentRecord.user_id == user.id).order_by(ConsentRecord.id.desc())
    return list(session.scalars(query))


def _record(  # noqa: PLR0917 - one consent row, every column named at the call sites
    session: Session, user: User, purpose: str, channel: str, given: bool, text: str, source: str, actor: Actor
) -> None:
    session.add(ConsentRecord(
        user_id=user.id, purpose=purpose, channel=channel, given=given, text_shown=text, source=source,
        ip=actor.ip, user_agent=(actor.user_agent or "")[:300] or None,
    ))  # fmt: skip


def apply_form(session: Session, user: User, form: Mapping[str, str], actor: Actor) -> int:
    """Record the boxes the person changed on the page (``shown__<key>`` = what the page showed); caller commits.

    Returns how many consents changed.
    """
    now = current(session, user)
    changed = 0
    for purpose in purposes().values():
        for key in purpose.switches():
            name = field_name(*key)
            shown = form.get(f"shown__{name}")
            if shown not in ("0", "1"):
                continue  # not on the page that was sent: leave it as it is
            wanted = form.get(name) == "1"
            if wanted == (shown == "1") or wanted == now[key]:
                continue
            _record(session, user, key[0], key[1], wanted, shown_text(purpose, key[1]), "mon_compte", actor)
            changed += 1
    if changed:
        from wizard.account.service import record_change  # noqa: PLC0415 - avoid an import cycle at load

        record_change(session, user, "consents", actor)
    session.flush()
    return changed


def withdraw_all(session: Session, user: User, actor: Actor, source: str) -> int:
    """Withdraw every consent still given (account closure); the caller commits."""
    count = 0
    for (purpose_id, channel), given in current(session, user).items():
        if given:
            purpose = purposes()[purpose_id]
            _record(session, user, purpose_id, channel, False, shown_text(purpose, channel), source, actor)
            count += 1
    return count


def import_subscription_consent(session: Session, journey: Journey) -> None:
    """The partner-offers consent asked on the subscription's contact page lands here (caller commits).

    The record keeps the wording and time of the subscription's answer. Skipped for previews, and when the
    member has already answered that purpose since (their later choice wins).
    """
    if journey.is_preview:
        return
    answer = journey.answer_for("contacts")
    consent = (answer.data or {}).get("partner_offers") if answer is not None else None
    if not isinstance(consent, dict) or "accepted" not in consent:
        return
    query = select(ConsentRecord.id).where(
        ConsentRecord.user_id == journey.owner_id, ConsentRecord.purpose == SUBSCRIPTION_PURPOSE
    )
    if session.scalar(query.limit(1)) is not None:
        return
    last_event = journey.events[-1] if journey.events else None
    actor = Actor(
        journey.owner_id, last_event.ip if last_event else None, last_event.user_agent if last_event else None
    )
    record = ConsentRecord(
        user_id=journey.owner_id, purpose=SUBSCRIPTION_PURPOSE, channel=ALL_CHANNELS,
        given=bool(consent["accepted"]), text_shown=str(consent.get("text", "")), source="souscription",
        ip=actor.ip, user_agent=(actor.user_agent or "")[:300] or None,
    )  # fmt: skip
    answered_at = consent.get("answered_at")
    if answered_at is not None and getattr(answered_at, "tzinfo", None) is not None:
        record.at = answered_at
    session.add(record)
