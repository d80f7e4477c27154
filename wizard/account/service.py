"""« Mon compte »: the member's contact details, login email and zéro papier option.

Every change is recorded (:class:`AccountChange`: what, who, when, from where — never the values) and
confirmed by the insurer's usual email « modification de vos informations personnelles », queued in the same
transaction. A new contact or login email only applies once the link sent *to the new address* is
followed (24 h; the link names the address, so a later change voids it).

Each edit form carries the profile revision it was built from: a submission from a stale tab or a double
click that would overwrite a newer change is refused with the typed values kept on the page, unless it
changes nothing (then it is simply accepted).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from wizard.entry import tokens
from wizard.entry.accounts import normalise_email, user_by_email
from wizard.entry.passwords import verify_password
from wizard.mail.queue import queue_email
from wizard.models import AccountChange, Actor, Invitation, Journey, JourneyStatus, MemberProfile, User

CONTACT_EMAIL_SALT = "wizard.contact-email-change"
LOGIN_EMAIL_SALT = "wizard.login-email-change"
EMAIL_CHANGE_MAX_AGE = 24 * 3600

#: labels used in the confirmation email and the export
CHANGE_LABELS = {
    "postal_address": "votre adresse postale",
    "contact_email": "votre adresse e-mail de contact",
    "phones": "vos numéros de téléphone",
    "login_email": "votre email de connexion",
    "paperless": "votre option zéro papier",
}


class Saved(StrEnum):
    SAVED = "saved"
    UNCHANGED = "unchanged"
    STALE = "stale"


# --- reading -----------------------------------------------------------------------------------------------


def profile_of(session: Session, user: User) -> MemberProfile:
    """The member's profile, created on first visit (caller commits).

    It starts from the latest details we already hold: the subscription's contact page when the member
    completed one, else what HR sent with the invitation. The free-text address is split into street,
    postal code and commune when it reads « …, 75020 Paris »; otherwise the member fills it in.
    """
    profile = session.get(MemberProfile, user.id)
    if profile is None:
        profile = MemberProfile(user_id=user.id, contact_email=user.email, paperless=True)
        known = _known_details(session, user)
        _prefill_address(profile, str(known.get("postal_address") or ""))
        for phone in (known.get("phone"), known.get("other_phone")):
            _prefill_phone(profile, str(phone or ""))
        session.add(profile)
        session.flush()
    return profile


def _known_details(session: Session, user: User) -> dict[str, Any]:
    query = (
        select(Journey)
        .where(Journey.owner_id == user.id, Journey.flow_id == "subscription", Journey.is_preview.is_(False),
               Journey.status == JourneyStatus.COMPLETED)
        .order_by(Journey.id.desc())
        .limit(1)
    )  # fmt: skip
    journey = session.scalar(query)
    answer = journey.answer_for("contacts") if journey is not None else None
    if answer is not None and answer.data:
        return dict(answer.data)
    invitation = session.scalar(
        select(Invitation).where(Invitation.user_id == user.id).order_by(Invitation.id.desc()).limit(1)
    )
    return {"postal_address": invitation.postal_address, "phone": invitation.phone} if invitation else {}


ADDRESS_TAIL = re.compile(r"^(?P<street>.+?)[,\n]\s*(?P<code>\d{5})\s+(?P<commune>[^,\n]+?)\s*$", re.DOTALL)


def _prefill_address(profile: MemberProfile, text: str) -> None:
    from forms.member_account import postal_code_problem  # noqa: PLC0415 - forms import nothing from here

    match = ADDRESS_TAIL.match(text.strip())
    if match is None or postal_code_problem(match["code"]):
        return
    profile.address_line1 = " ".join(match["street"].split())[:200]
    profile.postal_code, profile.commune = match["code"], " ".join(match["commune"].split())[:100]


def _prefill_phone(profile: MemberProfile, phone: str) -> None:
    from forms.member_account import normalise_phone  # noqa: PLC0415 - forms import nothing from here

    for kind, attribute in (("mobile", "mobile_phone"), ("landline", "landline_phone")):
        if getattr(profile, attribute):
            continue
        try:
            setattr(profile, attribute, normalise_phone(phone, kind))
            return
        except ValueError:
            continue


def mask_email(email: str) -> str:
    """« Ben***@gmail.fr »: the first three characters of the local part, the domain in full."""
    local, _, domain = email.partition("@")
    return f"{local[:3]}***@{domain}" if domain else ""


def mask_phone(e164: str) -> str:
    """« 06 ** ** 56 »: the first and last pairs of the national form."""
    from forms.member_account import display_phone  # noqa: PLC0415

    shown = display_phone(e164)
    if not shown:
        return ""
    groups = shown.split(" ")
    if len(groups) < 3:
        return "** " + groups[-1][-2:]
    return " ".join([groups[0], *("**" for _ in groups[1:-1]), groups[-1]])


# --- recording a change --------------------------------------------------------------------------------------


def record_change(session: Session, user: User, what: str, actor: Actor) -> None:
    session.add(AccountChange(user_id=user.id, what=what, actor_id=actor.user_id, ip=actor.ip,
                              user_agent=(actor.user_agent or "")[:300] or None))  # fmt: skip


def _confirm_change(session: Session, user: User, profile: MemberProfile, what: str) -> None:
    """The « modification de vos informations personnelles » email, to both addresses we know."""
    addresses = {profile.contact_email or user.email, user.email}
    for address in sorted(a for a in addresses if a):
        queue_email(
            session, to=address, subject="Modification de vos informations personnelles",
            template="personal_details_changed", user_id=user.id,
            context={"name": user.full_name, "what": CHANGE_LABELS[what],
                     "account_url": tokens.public_url("member_account.home")},
        )  # fmt: skip


def _apply(  # noqa: PLR0917 - private helper behind the three update functions
    session: Session, user: User, what: str, values: Mapping[str, Any], revision: str | None, actor: Actor
) -> Saved:
    profile = profile_of(session, user)
    if all(getattr(profile, key) == value for key, value in values.items()):
        return Saved.UNCHANGED
    if revision is not None and revision != str(profile.revision):
        return Saved.STALE
    for key, value in values.items():
        setattr(profile, key, value)
    record_change(session, user, what, actor)
    _confirm_change(session, user, profile, what)
    session.flush()
    return Saved.SAVED


def update_address(
    session: Session, user: User, values: Mapping[str, str], revision: str | None, actor: Actor
) -> Saved:
    return _apply(session, user, "postal_address", values, revision, actor)


def update_phones(session: Session, user: User, values: Mapping[str, str], revision: str | None, actor: Actor) -> Saved:
    return _apply(session, user, "phones", values, revision, actor)


def set_paperless(session: Session, user: User, paperless: bool, revision: str | None, actor: Actor) -> Saved:
    return _apply(session, user, "paperless", {"paperless": paperless}, revision, actor)


# --- email changes confirmed by a link to the new address ----------------------------------------------------


@dataclass(frozen=True)
class EmailChange:
    user: User
    new_email: str


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.lower().encode()).hexdigest()[:24]


def _change_token(salt: str, user: User, current: str, new_email: str) -> str:
    return _serializer(salt).dumps({"u": user.id, "n": new_email, "c": _fingerprint(current)})


def _load_change(session: Session, salt: str, token: str, current_of: Any) -> EmailChange:
    try:
        payload = _serializer(salt).loads(token, max_age=EMAIL_CHANGE_MAX_AGE)
    except SignatureExpired as expired:
        raise tokens.LinkExpired from expired
    except BadSignature as bad:
        raise tokens.LinkInvalid from bad
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int) or not isinstance(payload.get("n"), str):
        raise tokens.LinkInvalid
    user = session.get(User, payload["u"])
    if user is None:
        raise tokens.LinkInvalid
    if payload.get("c") != _fingerprint(current_of(user)):
        # already applied (the current address is now the new one), or superseded by another change
        if normalise_email(current_of(user)) == payload["n"]:
            return EmailChange(user, payload["n"])
        raise tokens.LinkInvalid
    return EmailChange(user, payload["n"])


def request_contact_email(session: Session, user: User, new_email: str) -> None:
    """Send the confirmation link to the new address (the caller commits); nothing changes until it is followed."""
    new_email = normalise_email(new_email)
    profile = profile_of(session, user)
    token = _change_token(CONTACT_EMAIL_SALT, user, profile.contact_email, new_email)
    queue_email(
        session, to=new_email, subject="Confirmez votre nouvelle adresse e-mail de contact",
        template="contact_email_confirm", user_id=user.id,
        context={"name": user.full_name, "link": tokens.public_url("member_account.confirm_contact_email", token=token),
                 "what": "adresse e-mail de contact"},
    )  # fmt: skip
    session.flush()


def confirm_contact_email(session: Session, token: str, actor: Actor) -> EmailChange:
    """Apply a contact email change from its link (the caller commits); following it twice is harmless."""
    change = _load_change(session, CONTACT_EMAIL_SALT, token, lambda u: profile_of(session, u).contact_email)
    profile = profile_of(session, change.user)
    if normalise_email(profile.contact_email) != change.new_email:
        old = profile.contact_email
        profile.contact_email = change.new_email
        record_change(session, change.user, "contact_email", actor)
        _confirm_change(session, change.user, profile, "contact_email")
        if old and old != change.user.email:  # tell the former address too
            queue_email(
                session, to=old, subject="Modification de vos informations personnelles",
                template="personal_details_changed", user_id=change.user.id,
                context={"name": change.user.full_name, "what": CHANGE_LABELS["contact_email"],
                         "account_url": tokens.public_url("member_account.home")},
            )  # fmt: skip
        session.flush()
    return change


class LoginEmailRefused(Exception):
    """The current email or the password typed is wrong (one message for both, like the login page)."""


def request_login_email(session: Session, user: User, current_email: str, new_email: str, password: str) -> None:
    """Check the current email and password, then send the link to the new address (the caller commits).

    An address already used by another account gets a notice instead of a link, and the page answers the
    same in both cases: it never reveals whether an address has an account.
    """
    if normalise_email(current_email) != normalise_email(user.email) or not verify_password(
        user.password_hash, password
    ):
        raise LoginEmailRefused
    new_email = normalise_email(new_email)
    taken = user_by_email(session, new_email)
    if taken is not None and taken.id != user.id:
        queue_email(
            session, to=new_email, subject="Cette adresse est déjà utilisée", template="login_email_taken",
            context={"name": ""}, user_id=taken.id,
        )  # fmt: skip
    else:
        token = _change_token(LOGIN_EMAIL_SALT, user, user.email, new_email)
        queue_email(
            session, to=new_email, subject="Confirmez votre nouvel email de connexion",
            template="contact_email_confirm", user_id=user.id,
            context={"name": user.full_name, "what": "email de connexion",
                     "link": tokens.public_url("member_account.confirm_login_email", token=token)},
        )  # fmt: skip
    session.flush()


def confirm_login_email(session: Session, token: str, actor: Actor) -> EmailChange:
    change = _load_change(session, LOGIN_EMAIL_SALT, token, lambda u: u.email)
    user = change.user
    if normalise_email(user.email) != change.new_email:
        taken = user_by_email(session, change.new_email)
        if taken is not None and taken.id != user.id:
            raise tokens.LinkInvalid
        old = user.email
        profile = profile_of(session, user)
        user.email = change.new_email
        record_change(session, user, "login_email", actor)
        _confirm_change(session, user, profile, "login_email")
        queue_email(
            session, to=old, subject="Modification de vos informations personnelles",
            template="personal_details_changed", user_id=user.id,
            context={"name": user.full_name, "what": CHANGE_LABELS["login_email"],
                     "account_url": tokens.public_url("member_account.home")},
        )  # fmt: skip
        session.flush()
    return change
