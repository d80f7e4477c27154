"""Helpers for the entry tests: campaigns and invitations, the outbox read as a mailbox, following links."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import hidden_fields, text_of
from wizard.db import db_session
from wizard.entry.invitations import send_invitation
from wizard.models import Campaign, Invitation, OutboxMessage

LINK = re.compile(r"https?://[^\s<>\"']+")
STRONG_PASSWORD = "Tournesol-Bleu-42"


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str
    kind: str

    def link(self, contains: str = "") -> str:
        """The path of the first link of the text body (containing ``contains``), as a browser would follow it."""
        url = next(u for u in LINK.findall(self.text) if contains in u)
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def make_campaign(app: Flask, *, deadline: date | None = None, name: str = "Campagne test") -> int:
    with app.app_context():
        session = db_session()
        campaign = Campaign(
            name=name, employer="Rectorat de Test", contract_name="Contrat santé des agents",
            effective_date=date(2026, 5, 1), deadline=deadline or date.today() + timedelta(days=21),
            offer_version="2026.1",
        )  # fmt: skip
        session.add(campaign)
        session.commit()
        return campaign.id


def invite(app: Flask, campaign_id: int, email: str, *, user_id: int | None = None, first: str = "Alex") -> int:
    """An invitation as the CSV import makes it, with its email queued."""
    with app.app_context():
        session = db_session()
        invitation = Invitation(
            campaign_id=campaign_id, email=email, first_name=first, last_name="Durand",
            birth_date=date(1985, 2, 3), regime="msa", postal_address="3 rue Haute, 31000 Toulouse",
            phone="05 61 00 00 00", user_id=user_id,
        )  # fmt: skip
        session.add(invitation)
        session.flush()
        send_invitation(session, invitation)
        session.commit()
        return invitation.id


def mails(app: Flask, *, kind: str | None = None, to: str | None = None) -> list[Mail]:
    with app.app_context():
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind:
            query = query.where(OutboxMessage.kind == kind)
        if to:
            query = query.where(OutboxMessage.to_address == to)
        return [Mail(m.to_address, m.subject, m.text_body, m.html_body, m.kind) for m in db_session().scalars(query)]


def last_mail(app: Flask, **filters: Any) -> Mail:
    found = mails(app, **filters)
    assert found, f"no email matching {filters}"
    return found[-1]


def post_form(client: FlaskClient, url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """GET the page for its CSRF token, then POST the form."""
    page = client.get(url)
    token = hidden_fields(page.get_data(as_text=True)).get("csrf_token", "")
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def invitation_row(app: Flask, invitation_id: int) -> Invitation:
    with app.app_context():
        invitation = db_session().get(Invitation, invitation_id)
        assert invitation is not None
        db_session().expunge(invitation)
        return invitation


@pytest.fixture
def campaign_id(app: Flask) -> int:
    return make_campaign(app)


__all__ = ["STRONG_PASSWORD", "Mail", "invite", "last_mail", "mails", "post_form", "text_of"]
