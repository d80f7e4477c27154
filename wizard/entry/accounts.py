"""Accounts from an invitation (docs/JOURNEYS.md §0), activation, password reset, and entering the campaign.

The invitation link proves that its holder reads the invited professional mailbox, nothing more: it lets that
person create (or activate) the account *of that invitation*, and never logs anybody into an existing active
account — those holders are sent to the login page. Answers never reveal whether another address has an
account: a taken address gets an email, and the page says the same « check your mailbox » in every case.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from wizard.entry import tokens
from wizard.entry.invitations import prefill_from_invitation
from wizard.entry.passwords import hash_password, needs_rehash, verify_password
from wizard.journeys import engine
from wizard.mail.queue import queue_email
from wizard.models import Actor, Invitation, Journey, JourneyStatus, Role, User, utcnow

ENTRY_FLOW = "affiliation"


class EntryCase(StrEnum):
    LOGIN = "login"  # (a) already a member with an active account
    ACTIVATE = "activate"  # (b) known member whose account was never activated
    CREATE = "create"  # (c) not yet a member: create the identifier


class Created(StrEnum):
    READY = "ready"  # the invited address was kept: the account is active, the person is logged in
    CHECK_EMAIL = "check_email"  # an email went to the chosen address (activation link, or « you have an account »)
    LOGIN = "login"  # the account had been activated meanwhile: log in instead


@dataclass(frozen=True)
class CreationOutcome:
    kind: Created
    email: str
    user: User | None = None


def normalise_email(email: str) -> str:
    return email.strip().lower()


def user_by_email(session: Session, email: str) -> User | None:
    query = select(User).where(func.lower(User.email) == normalise_email(email))
    return session.scalar(query)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The activated account these credentials open, else None — the same answer (and time) for an unknown
    address. A hash made with older argon2 parameters is upgraded on the way."""
    user = user_by_email(session, email)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.activated:
        return None
    if user.password_hash and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.flush()
    return user


def invitation_owner(session: Session, invitation: Invitation) -> User | None:
    """The account this invitation belongs to: the one linked to it, else the one with the invited address."""
    if invitation.user is not None:
        return invitation.user
    return user_by_email(session, invitation.email)


def entry_case(session: Session, invitation: Invitation) -> EntryCase:
    owner = invitation_owner(session, invitation)
    if owner is None:
        return EntryCase.CREATE
    return EntryCase.LOGIN if owner.activated else EntryCase.ACTIVATE


def create_identifier(session: Session, invitation: Invitation, *, email: str, password: str) -> CreationOutcome:
    """Create or activate the invitation's account with the address and password chosen."""
    email = normalise_email(email)
    owner = invitation_owner(session, invitation)
    if owner is not None and owner.activated:
        return CreationOutcome(Created.LOGIN, email)
    taken = user_by_email(session, email)
    if taken is not None and taken is not owner:
        _queue_account_exists(session, taken)
        session.flush()
        return CreationOutcome(Created.CHECK_EMAIL, email)
    user = owner or _new_member(session, invitation, email)
    user.email = email
    user.password_hash = hash_password(password)
    # following the emailed link proved the invited address; any other address must be confirmed first
    user.activated = email == normalise_email(invitation.email)
    session.flush()
    link_invitation(invitation, user)
    if not user.activated:
        _queue_activation(session, user)
    session.flush()
    return CreationOutcome(Created.READY if user.activated else Created.CHECK_EMAIL, email, user)


def _new_member(session: Session, invitation: Invitation, email: str) -> User:
    user = User(
        email=email, role=Role.MEMBER, first_name=invitation.first_name, last_name=invitation.last_name,
        activated=False,
    )  # fmt: skip
    session.add(user)
    return user


def link_invitation(invitation: Invitation, user: User) -> None:
    if invitation.user_id is None or invitation.user_id == user.id:
        invitation.user_id = user.id
        invitation.account_created_at = invitation.account_created_at or utcnow()


def _queue_activation(session: Session, user: User) -> None:
    link = tokens.public_url("accounts.activate", token=tokens.activation_token(user))
    queue_email(
        session, to=user.email, subject="Confirmez votre adresse e-mail", template="account_activation",
        context={"name": user.full_name, "link": link}, user_id=user.id,
    )  # fmt: skip


def _queue_account_exists(session: Session, user: User) -> None:
    queue_email(
        session, to=user.email, subject="Vous avez déjà un espace personnel", template="account_exists",
        context={
            "name": user.full_name,
            "login_url": tokens.public_url("auth.login"),
            "reset_url": tokens.public_url("auth.forgot_password"),
        },
        user_id=user.id,
    )  # fmt: skip


def activate(session: Session, user: User) -> None:
    user.activated = True
    session.flush()


def latest_invitation(session: Session, user: User) -> Invitation | None:
    query = select(Invitation).where(Invitation.user_id == user.id).order_by(Invitation.id.desc()).limit(1)
    return session.scalar(query)


# --- password reset -----------------------------------------------------------------------------------------


def request_reset(session: Session, email: str) -> None:
    """Email a reset link if an account has this address, else tell the address that no account uses it.

    Both cases do the same work — look up, sign, render two bodies, queue one email — so neither the
    answer nor its timing tells a known address from an unknown one (the caller answers the same).
    """
    user = user_by_email(session, email)
    if user is None:
        _queue_reset_without_account(session, email)
        session.flush()
        return
    link = tokens.public_url("auth.reset_password", token=tokens.reset_token(user))
    queue_email(
        session, to=user.email, subject="Réinitialisation de votre mot de passe", template="password_reset",
        context={"name": user.full_name, "link": link, "minutes": tokens.RESET_MAX_AGE // 60}, user_id=user.id,
    )  # fmt: skip
    session.flush()


def _queue_reset_without_account(session: Session, email: str) -> None:
    # the same signing work as a real link, whose result is thrown away
    tokens.reset_token(User(id=0, email=email, password_hash=""))
    queue_email(
        session, to=normalise_email(email), subject="Réinitialisation de votre mot de passe",
        template="password_reset_unknown",
        context={"email": normalise_email(email), "login_url": tokens.public_url("auth.login")},
    )  # fmt: skip


def reset_password(session: Session, user: User, password: str) -> None:
    """Set the new password and end every session of the account (whoever knew the old password is out);
    the link proved the mailbox, so a never-activated account becomes active."""
    user.password_hash = hash_password(password)
    user.activated = True
    end_all_sessions(session, user)
    session.flush()


def change_password(session: Session, user: User, password: str) -> None:
    """A logged-in member's new password: every session of the account ends (the caller keeps its own
    with :func:`wizard.entry.auth.keep_current_session`), and a confirmation email goes out."""
    user.password_hash = hash_password(password)
    end_all_sessions(session, user)
    queue_email(
        session, to=user.email, subject="Votre mot de passe a été modifié", template="password_changed",
        context={"name": user.full_name, "reset_url": tokens.public_url("auth.forgot_password")}, user_id=user.id,
    )  # fmt: skip
    session.flush()


# --- sessions -----------------------------------------------------------------------------------------------


def end_all_sessions(session: Session, user: User) -> None:
    """End every session of ``user`` on every device (logout, password change or reset, account closure).

    One atomic ``UPDATE``: two concurrent calls both take effect. The caller commits.
    """
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_epoch=User.session_epoch + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user, ["session_epoch"])


# --- entering the campaign --------------------------------------------------------------------------------------


def enter_campaign(session: Session, user: User, invitation: Invitation, actor: Actor) -> Journey | None:
    """Where the invitation link leads a logged-in agent: their open journey of the campaign, else a new
    affiliation prefilled from HR's data; None once the campaign's journeys are finished (dashboard).
    """
    link_invitation(invitation, user)
    journeys = [j for j in engine.open_journeys(session, user) if j.campaign_id == invitation.campaign_id]
    if journeys:
        session.flush()
        return journeys[0]
    if _finished_in_campaign(session, user, invitation.campaign_id):
        session.flush()
        return None
    journey = engine.resume_or_start(
        session, user, ENTRY_FLOW, actor, campaign=invitation.campaign, prefill=prefill_from_invitation(invitation)
    )
    session.flush()
    return journey


def _finished_in_campaign(session: Session, user: User, campaign_id: int) -> bool:
    query = select(Journey.id).where(
        Journey.owner_id == user.id,
        Journey.campaign_id == campaign_id,
        Journey.status == JourneyStatus.COMPLETED,
        Journey.is_preview.is_(False),
    )
    return session.scalar(query.limit(1)) is not None
