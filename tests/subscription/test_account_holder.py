"""An account held by someone else: the member signs the bulletin, the holder signs the mandate (second signer).

Member « Łukasz Šťěpánek-Øberg », a PACS partner, a 22-year-old student and a 14-year-old; the account is
Marc-Antoine Dupré's. Every signed PDF is read back; both signatures validate with pyHanko and with pdfsig.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from signing.seal import read_evidence, validate_sealed_pdf
from tests.conftest import FAMILY_HOUSEHOLD, hidden_fields, login, start_from_home, submit, text_of
from tests.dispense.helpers import outbox, pdf_text, sign_locally, signed_documents
from tests.entry.conftest import invite, make_campaign
from tests.subscription.conftest import CONTACTS, OTHER_HOLDER, PARTNER, PERSONAL, SOCIAL
from wizard.db import db_session
from wizard.hr.funnel import campaign_funnel
from wizard.models import Campaign, HolderStatus, Journey, MandateHolderSignature
from wizard.sepa.export import campaign_mandates
from wizard.sepa.mandates import mandate_of_journey, record_signed_mandate
from wizard.signatures.providers import organisation_pki
from wizard.subscription import mandate_holder

EMAIL = "lukasz@example.fr"
FIRST, LAST = "Łukasz", "Šťěpánek-Øberg"
STUDENT_BORN, TEEN_BORN = "2004-01-15", "2012-03-10"
CHILDREN = {
    "children-0-birth_date": STUDENT_BORN, "children-0-civilite": "Mme", "children-0-first_name": "Zoé",
    "children-0-last_name": LAST, "children-0-birth_country": "France", "children-0-birth_city": "Paris",
    "children-0-nir_choice": "attached", "children-0-nir": "", "children-0-code_organisme": "",
    "children-1-birth_date": TEEN_BORN, "children-1-civilite": "M", "children-1-first_name": "Oskar",
    "children-1-last_name": LAST, "children-1-birth_country": "France", "children-1-birth_city": "Papeete",
    "children-1-nir_choice": "attached_partner", "children-1-nir": "", "children-1-code_organisme": "",
}  # fmt: skip
HOLDER_CODE = re.compile(r"vos documents : (\d{6})")


def _subscribe(client: FlaskClient, bank: dict[str, str] = OTHER_HOLDER) -> str:
    base = start_from_home(client)
    submit(client, f"{base}/regime", {"regime": "general"})
    submit(client, f"{base}/household", FAMILY_HOUSEHOLD)
    submit(client, f"{base}/children", {
        "children-0-birth_date": STUDENT_BORN, "children-0-situation": "student",
        "children-1-birth_date": TEEN_BORN, "children-1-situation": "none",
    })  # fmt: skip
    submit(client, f"{base}/formula", {"level": "option1"})
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/done")
    dashboard = text_of(client.get("/mes-demarches"))
    link = dashboard[dashboard.index("Adhérer au contrat") :].split('href="', 2)[1].split('"', 1)[0]
    sub = str(client.get(link).headers["Location"]).rsplit("/", 1)[0]
    personal = {**PERSONAL, "first_name": FIRST, "usage_name": LAST, "birth_name": LAST}
    answers: tuple[tuple[str, dict[str, Any]], ...] = (
        ("personal", personal), ("social_security", SOCIAL), ("partner", PARTNER), ("children", CHILDREN),
        ("contacts", CONTACTS), ("bank", bank), ("proofs", {"later": ["pacs_certificate", "schooling_certificate_1"]}),
        ("review", {}),
    )  # fmt: skip
    for step, data in answers:
        response = submit(client, f"{sub}/{step}", data)
        assert response.status_code == 302, (step, text_of(response))
    signing_page = text_of(client.get(f"{sub}/signature"))
    # the member signs the mandate only when the account is theirs
    assert "Bulletin d'adhésion" in signing_page
    assert ("Mandat de prélèvement SEPA" in signing_page) is (bank["holder_is_member"] == "yes")
    if bank["holder_is_member"] == "no":
        assert "Le mandat de prélèvement SEPA sera signé par Marc-Antoine Dupré, titulaire du compte" in signing_page
    return sub


def _holder_record(app: Flask) -> MandateHolderSignature:
    with app.app_context():
        record = db_session().scalar(select(MandateHolderSignature).order_by(MandateHolderSignature.id.desc()))
        assert record is not None
        db_session().expunge(record)
        return record


def _sign_as_holder(app: Flask, token: str) -> Any:
    holder = app.test_client()  # the holder has no account and no session
    page = holder.get(f"/mandat/{token}")
    assert page.status_code == 200 and "Marc-Antoine Dupré" in text_of(page)
    csrf = hidden_fields(text_of(page))["csrf_token"]
    assert holder.post(f"/mandat/{token}/code", data={"csrf_token": csrf}).status_code == 302
    codes = [c for m in outbox(app, "signing_code") if m.to_address == OTHER_HOLDER["holder_email"]
             for c in HOLDER_CODE.findall(m.text_body)]  # fmt: skip
    refused = holder.post(f"/mandat/{token}/signer", data={"csrf_token": csrf, "code": codes[-1]})
    assert refused.status_code == 422 and "Cochez la case de certification" in text_of(refused)
    wrong = holder.post(f"/mandat/{token}/signer", data={"csrf_token": csrf, "code": "000000", "certify": "y"})
    assert wrong.status_code == 422 and "Il vous reste 4 essais" in text_of(wrong)
    return holder.post(f"/mandat/{token}/signer", data={"csrf_token": csrf, "code": codes[-1], "certify": "y"})


def _in_a_campaign(app: Flask, journey: Journey) -> int:
    """Put the member's subscription in an HR campaign they were invited to (the funnel counts those)."""
    campaign_id = make_campaign(app)
    invite(app, campaign_id, journey.owner.email, user_id=journey.owner_id)
    journey.campaign_id = campaign_id
    db_session().flush()
    return campaign_id


def _signed_in_funnel(campaign_id: int) -> int:
    """The « Adhésion signée » figure of the HR funnel for the campaign."""
    campaign = db_session().get(Campaign, campaign_id)
    assert campaign is not None
    return campaign_funnel(db_session(), campaign).row("signed").count


def _pdfsig_valid(pdf: bytes, tmp_path: Path) -> bool:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True, timeout=60, check=False)
    return "Signature Validation: Signature is Valid." in result.stdout and "Total document signed" in result.stdout


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="pdfsig (Debian poppler-utils) is not installed")
def test_member_signs_the_bulletin_and_the_holder_signs_the_mandate(
    app: Flask, client: FlaskClient, make_user: Any, tmp_path: Path
) -> None:
    make_user(EMAIL, first_name=FIRST, last_name=LAST)
    login(client, EMAIL)
    sub = _subscribe(client)
    assert sign_locally(client, app, f"{sub}/signature").status_code == 302

    # the member signed the bulletin and the notice, not the mandate
    (bulletin,) = signed_documents(app, "bulletin")
    assert signed_documents(app, "mandate") == []
    text = pdf_text(bulletin.content)
    for expected in (f"Prénom {FIRST}", f"Nom d'usage {LAST}", f"{FIRST} {LAST} (adhérent(e))",
                     "Lien avec l'adhérent(e) Partenaire de PACS", f"Zoé {LAST} (22 ans) Étudiant(e)",
                     "Rattaché(e) au n° du (de la) conjoint(e)", "Fait à Papeete"):  # fmt: skip
        assert expected in text, expected
    with app.app_context():
        root = organisation_pki(app).root_cert
    assert validate_sealed_pdf(bulletin.content, root).ok and _pdfsig_valid(bulletin.content, tmp_path)

    # the holder is asked; the member sees who is still to sign; nothing can be debited yet
    (link_mail,) = outbox(app, "mandate_holder_link")
    assert link_mail.to_address == OTHER_HOLDER["holder_email"]
    record = _holder_record(app)
    assert f"/mandat/{record.token}" in link_mail.text_body
    dashboard = text_of(client.get("/mes-demarches"))
    assert "en attente de la signature du mandat de prélèvement par Marc-Antoine Dupré" in dashboard
    assert "Rien ne sera prélevé avant sa signature." in dashboard
    with app.app_context():
        journey = db_session().get(Journey, record.journey_id)
        assert journey is not None and not mandate_holder.is_complete(db_session(), journey)
        assert record_signed_mandate(db_session(), journey) is None and campaign_mandates(db_session(), None) == []
        campaign_id = _in_a_campaign(app, journey)
        assert _signed_in_funnel(campaign_id) == 0  # HR's funnel: not « signée » before the holder signed

    signed = _sign_as_holder(app, record.token)
    assert signed.status_code == 302
    assert "vous avez signé le mandat de prélèvement SEPA" in text_of(app.test_client().get(f"/mandat/{record.token}"))

    (mandate,) = signed_documents(app, "mandate")
    text = pdf_text(mandate.content)
    for expected in ("Débiteur", "Nom Dupré", "Prénom Marc-Antoine", "Adresse 4 rue du Port, 98714 Papeete",
                     "Signature du titulaire du compte (débiteur)",
                     f"Référence unique du mandat (RUM) {record.rum}"):  # fmt: skip
        assert expected in text, expected
    assert FIRST not in text.split("Débiteur")[1]  # the member is not the debtor
    assert validate_sealed_pdf(mandate.content, root).ok and _pdfsig_valid(mandate.content, tmp_path)
    proof = read_evidence(mandate.content)
    assert proof["signer"]["name"] == "Marc-Antoine Dupré"  # type: ignore[index]
    assert proof["member"] == f"{FIRST} {LAST}"

    with app.app_context():
        journey = db_session().get(Journey, record.journey_id)
        assert journey is not None and mandate_holder.is_complete(db_session(), journey)
        sepa_mandate = mandate_of_journey(db_session(), journey)  # recorded as the holder signed
        assert sepa_mandate is not None and sepa_mandate.rum == record.rum
        assert sepa_mandate.versions[-1].details["holder"] == "Marc-Antoine Dupré"
        assert sepa_mandate.versions[-1].details["address"] == "4 rue du Port, 98714 Papeete"
        assert _signed_in_funnel(campaign_id) == 1
    assert "en attente de la signature" not in text_of(client.get("/mes-demarches"))


def test_the_member_can_resend_the_link_or_name_another_holder(app: Flask, client: FlaskClient, make_user: Any) -> None:
    make_user(EMAIL, first_name=FIRST, last_name=LAST)
    login(client, EMAIL)
    sub = _subscribe(client)
    sign_locally(client, app, f"{sub}/signature")
    first = _holder_record(app)
    public_id = sub.rsplit("/", 1)[1]
    dashboard = text_of(client.get("/mes-demarches"))
    csrf = hidden_fields(dashboard)["csrf_token"]
    assert client.post(f"/j/{public_id}/titulaire/relancer", data={"csrf_token": csrf}).status_code == 302
    assert len(outbox(app, "mandate_holder_link")) == 2

    form = client.get(f"/j/{public_id}/titulaire")
    assert form.status_code == 200 and "Changer de titulaire du compte" in text_of(form)
    bad = client.post(f"/j/{public_id}/titulaire", data={"csrf_token": csrf, "email": "pas-une-adresse"})
    assert bad.status_code == 422 and "Indiquez le nom du titulaire du compte." in text_of(bad)
    new = {"csrf_token": csrf, "civilite": "Mme", "last_name": "Tehei", "first_name": "Vaea",
           "email": "vaea@example.fr", "address": "2 rue des Écoles, 98714 Papeete"}  # fmt: skip
    assert client.post(f"/j/{public_id}/titulaire", data=new).status_code == 302
    assert app.test_client().get(f"/mandat/{first.token}").status_code == 404  # the old link no longer works
    second = _holder_record(app)
    assert second.token != first.token and second.holder["email"] == "vaea@example.fr"
    assert second.status == HolderStatus.PENDING.value and second.rum == first.rum
    assert outbox(app, "mandate_holder_link")[-1].to_address == "vaea@example.fr"
    assert "par Vaea Tehei" in text_of(client.get("/mes-demarches"))
    # another member cannot act on this subscription
    assert app.test_client().post(f"/j/{public_id}/titulaire/relancer", data={}).status_code in (302, 400, 404)
