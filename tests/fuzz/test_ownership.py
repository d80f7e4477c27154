"""Nothing of another person is reachable: every URL naming their journey, document or signature is a 404.

The URLs come from the application's URL map, so routes added by later features are covered: each rule
taking a person-scoped identifier is called with the victim's identifiers by another member, with GET and
(with a valid CSRF token) POST. Random identifiers get the same 404.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.conftest import hidden_fields, login, text_of
from tests.fuzz.journeys import FUZZ_EMAIL, SeededJourneys
from wizard.db import db_session
from wizard.models import Document, Journey, SignatureRequest

PERSONAL_ARGUMENTS = {"public_id", "envelope_id", "document_id", "journey_id"}
ATTACKER = "curieux@example.fr"


@dataclass(frozen=True)
class Victim:
    journeys: dict[str, list[str]]  # public id → its step ids
    document_ids: list[str]
    document_kinds: list[str]
    envelope_ids: list[str]


def _give_victim_documents(app: Flask) -> Victim:
    with app.test_request_context():
        session = db_session()
        journeys = list(session.scalars(select(Journey)))
        target = journeys[0]
        request = SignatureRequest(journey=target, step_id=target.state, provider="local", envelope_id="env-victime-1")
        content = b"%PDF-1.7 victime"
        session.add(request)
        session.add(Document(
            public_id="docvictime0000000000000000000001", journey=target, signature_request=request, kind="bulletin",
            title="Bulletin", filename="bulletin.pdf", template_version="1", content=content,
            sha256=hashlib.sha256(content).hexdigest(), signed=True,
        ))  # fmt: skip
        session.commit()
        victim = Victim(
            journeys={j.public_id: list(j.path) for j in journeys},
            document_ids=[d.public_id for d in session.scalars(select(Document))],
            document_kinds=sorted({d.kind for d in session.scalars(select(Document))}),
            envelope_ids=[r.envelope_id for r in session.scalars(select(SignatureRequest))],
        )
    assert victim.journeys and victim.document_ids and victim.envelope_ids
    return victim


def personal_rules(app: Flask) -> list[Any]:
    return [r for r in app.url_map.iter_rules() if set(r.arguments) & PERSONAL_ARGUMENTS]


def urls_for(rule: Any, victim: Victim) -> list[str]:
    """The rule filled with the victim's identifiers, every sensible combination."""
    fills: list[dict[str, str]] = []
    for public_id, path in victim.journeys.items():
        for step_id in path or ["x"]:
            kind = victim.document_kinds[0]
            fills.append({"public_id": public_id, "step_id": step_id, "kind": kind, "flow_id": "affiliation"})
    fills += [{"public_id": d, "document_id": d, "step_id": "x", "kind": "bulletin"} for d in victim.document_ids]
    fills += [{"envelope_id": e} for e in victim.envelope_ids]
    urls = []
    for fill in fills:
        if set(rule.arguments) <= set(fill):
            urls.append(re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m, f=fill: f[m.group(1)], rule.rule))
    return sorted(set(urls))


def _token(client: FlaskClient) -> str:
    return hidden_fields(text_of(client.get("/mes-demarches")))["csrf_token"]


def test_another_members_things_are_all_404(
    app: Flask, client: FlaskClient, make_user: Any, seeded: SeededJourneys
) -> None:
    victim = _give_victim_documents(app)
    client.post("/deconnexion", data={"csrf_token": _token(client)})
    make_user(ATTACKER)
    login(client, ATTACKER)
    token = _token(client)
    tried = 0
    for rule in personal_rules(app):
        for url in urls_for(rule, victim):
            methods = (rule.methods or set()) & {"GET", "POST"}
            for method in sorted(methods):
                data = {"csrf_token": token, "action": "next", "_step": url.rsplit("/", 1)[-1], "_revision": "1"}
                response = client.open(url, method=method, data=data if method == "POST" else None)
                assert response.status_code == 404, (method, url, response.status_code)
                assert "Page introuvable" in text_of(response)
                tried += 1
    assert tried >= 10
    with app.test_request_context():
        owner_ids = {j.owner_id for j in db_session().scalars(select(Journey))}
    assert len(owner_ids) == 1, "the attacker's requests created nothing on the victim's behalf"
    login_back = client.get("/mes-demarches")
    assert FUZZ_EMAIL not in text_of(login_back)


IDENTIFIERS = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="/?#%"), min_size=1, max_size=40)


def test_random_identifiers_are_404_never_500(client: FlaskClient, make_user: Any) -> None:
    make_user(ATTACKER)
    login(client, ATTACKER)

    @given(identifier=IDENTIFIERS)
    @settings(max_examples=40, deadline=None, derandomize=True, database=None)
    def probe(identifier: str) -> None:
        for url in (f"/j/{identifier}", f"/j/{identifier}/regime", f"/signature/{identifier}",
                    f"/mes-documents/{identifier}", f"/j/{identifier}/documents/bulletin.pdf"):  # fmt: skip
            response = client.get(url)
            assert response.status_code == 404, (url, response.status_code)

    probe()
