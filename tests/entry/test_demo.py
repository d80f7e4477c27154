"""``make run``'s demo data: idempotent, and the banner's emailed links really work."""

from __future__ import annotations

import re

from flask import Flask

from tests.conftest import text_of
from tests.entry.conftest import mails
from wizard.cli import demo_banner
from wizard.db import db_session
from wizard.demo import DEMO_PASSWORD, NEW_AGENT_EMAIL, load_demo_data
from wizard.models import Invitation, User


def test_demo_data_is_idempotent_and_the_banner_links_work(app: Flask) -> None:
    with app.app_context():
        first = load_demo_data(db_session())
        second = load_demo_data(db_session())
        assert first.new_agent_invitation.id == second.new_agent_invitation.id
        assert db_session().query(Invitation).count() == 2
        assert db_session().query(User).filter_by(email=NEW_AGENT_EMAIL).count() == 0
        banner = demo_banner("http://127.0.0.1:5000", second, DEMO_PASSWORD)
    assert len(mails(app, kind="invitation")) == 2  # one email each, not one per load
    assert "Boîte de réception de démonstration : http://127.0.0.1:5000/boite-de-reception" in banner
    links = re.findall(r"son lien d'invitation : http://127\.0\.0\.1:5000(/invitation/\S+)", banner)
    assert len(links) == 2
    client = app.test_client()
    assert "Bienvenue Dominique" in text_of(client.get(links[1]))
    assert client.get(f"{links[1]}/acces").headers["Location"].endswith("/identifiant")
    assert "/connexion" in client.get(f"{links[0]}/acces").headers["Location"]
