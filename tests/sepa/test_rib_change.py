"""« Modifier mon RIB » through the test client (CSRF on): current details masked, validation as at
subscription, a one-time code by email, the new mandate version signed (same RUM), the confirmation email;
wrong or late codes and a second tab leave the mandate untouched."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from tests.conftest import hidden_fields, login, submit, text_of
from tests.sepa.conftest import IBAN, IBAN_OTHER_BANK, IBAN_SAME_BANK, emails, sign_subscription
from tests.signatures.conftest import emailed_codes, enter_signing, post_code
from tests.subscription.conftest import read_pdf
from wizard.db import db_session
from wizard.models import Document, MandateStatus, SepaMandate, SigningCode, utcnow

EMAIL = "helene@example.fr"


def _member(app: Flask, client: FlaskClient, make_user: Any) -> int:
    user = make_user(EMAIL, first_name="Hélène", last_name="Dupré")
    mandate_id = sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    login(client, EMAIL)
    return mandate_id


def _start(client: FlaskClient) -> str:
    """Press « Modifier mon RIB »; returns the journey's base URL."""
    page = client.get("/mon-contrat/rib")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    journey_url = client.post("/mon-contrat/rib", data={"csrf_token": token}).headers["Location"]
    step_url = str(client.get(journey_url).headers["Location"])
    assert step_url.endswith("/details"), step_url
    return step_url.rsplit("/", 1)[0]


def _mandate(app: Flask, mandate_id: int) -> SepaMandate:
    with app.app_context():
        mandate = db_session().get(SepaMandate, mandate_id)
        assert mandate is not None
        _ = [v.details for v in mandate.versions]
        return mandate


def test_rib_page_and_first_step_show_the_current_details_masked(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    _member(app, client, make_user)
    contract = text_of(client.get("/mon-contrat"))
    assert "Cotisations et coordonnées bancaires" in contract and 'href="/mon-contrat/rib"' in contract
    page = text_of(client.get("/mon-contrat/rib"))
    assert "Mes coordonnées bancaires" in page and "Modifier mon RIB" in page
    assert "FR76 **** **** **** **** 7890 189" in page and IBAN not in page and "HP-2026-000042-99" in page
    assert "un courriel de confirmation de la modification de votre RIB" in page
    base = _start(client)
    details = text_of(client.get(f"{base}/details"))
    assert "Compte actuellement prélevé" in details and "FR76 **** **** **** **** 7890 189" in details
    assert IBAN not in details and "Êtes-vous titulaire du compte ?" in details


def test_new_account_is_validated_like_at_subscription(app: Flask, client: FlaskClient, make_user: Any) -> None:
    _member(app, client, make_user)
    base = _start(client)
    cases = {
        "FR14 2004 1010 0505 0001 3M02 607": "clé",
        IBAN: "Ce compte est déjà celui qui est prélevé : indiquez le nouveau compte.",
        "CH93 0076 2011 6238 5295 7": "Pour un compte hors de l'Espace économique européen",
    }
    for iban, message in cases.items():
        response = submit(client, f"{base}/details", {"holder_is_member": "yes", "iban": iban, "bic": ""})
        assert response.status_code == 422, iban
        page = text_of(response)
        assert message in page and "Erreur" in page, (iban, message)
    empty = text_of(submit(client, f"{base}/details", {"iban": "", "bic": ""}))
    assert "Indiquez si vous êtes titulaire du compte." in empty
    other = text_of(submit(client, f"{base}/details", {"holder_is_member": "no", "iban": IBAN_SAME_BANK, "bic": ""}))
    assert "Indiquez le nom du titulaire du compte." in other
    assert "Indiquez l'adresse postale du titulaire du compte." in other


def _change(app: Flask, client: FlaskClient, new_iban: str) -> str:
    """Walk the journey up to the code page; returns the ceremony URL."""
    base = _start(client)
    moved = submit(client, f"{base}/details", {"holder_is_member": "yes", "iban": new_iban, "bic": ""})
    assert moved.headers["Location"].endswith("/review"), text_of(moved)
    review = text_of(client.get(f"{base}/review"))
    assert "Je vérifie mes nouvelles coordonnées" in review and new_iban not in review.replace(" ", "")
    assert submit(client, f"{base}/review", {}).headers["Location"].endswith("/signature")
    signing = text_of(client.get(f"{base}/signature"))
    assert "Mandat de prélèvement SEPA" in signing and "Je signe et je reçois un code" in signing
    mandate_pdf = read_pdf(client.get(f"{base}/documents/mandate.pdf").data)
    assert "HP-2026-000042-99" in mandate_pdf and "Paiement récurrent" in mandate_pdf
    ceremony = enter_signing(client, f"{base}/signature")
    client.get(ceremony)  # opening the code page emails the one-time code
    return ceremony


def test_code_then_new_version_same_rum_and_confirmation_email(app: Flask, client: FlaskClient, make_user: Any) -> None:
    mandate_id = _member(app, client, make_user)
    ceremony = _change(app, client, IBAN_SAME_BANK)
    page = text_of(client.get(ceremony))
    assert "h•••••@example.fr" in page and EMAIL not in page
    [code] = emailed_codes(app)
    done = post_code(client, ceremony, code)
    assert done.status_code == 302 and done.headers["Location"].endswith("/done")
    assert "Votre RIB est modifié" in text_of(client.get(done.headers["Location"]))

    mandate = _mandate(app, mandate_id)
    assert mandate.rum == "HP-2026-000042-99" and mandate.status == MandateStatus.AMENDED
    assert [v.version for v in mandate.versions] == [1, 2]
    assert mandate.current.details["iban"] == IBAN_SAME_BANK and mandate.current.amendment == "account"
    assert mandate.current.amendment_sent_in is None  # goes with the next export
    [email] = emails(app, "sepa_rib_changed")
    assert email.subject == "Confirmation de la modification de votre RIB"
    assert "Nous vous confirmons la modification de votre RIB" in email.text_body
    assert "FR76 **** **** **** **** 3210 076" in email.text_body and IBAN_SAME_BANK not in email.text_body
    assert "garde sa référence (RUM) HP-2026-000042-99" in email.text_body
    with app.app_context():
        signed = db_session().query(Document).filter_by(kind="mandate", signed=True).one()
        assert "HP-2026-000042-99" in read_pdf(signed.content)
    assert "FR76 **** **** **** **** 3210 076" in text_of(client.get("/mon-contrat/rib"))


def test_other_bank_is_an_smnda_amendment(app: Flask, client: FlaskClient, make_user: Any) -> None:
    mandate_id = _member(app, client, make_user)
    ceremony = _change(app, client, IBAN_OTHER_BANK)
    post_code(client, ceremony, emailed_codes(app)[0])
    mandate = _mandate(app, mandate_id)
    assert mandate.current.amendment == "agent" and mandate.current.details["holder"] == "Hélène Dupré"
    assert mandate.current.details["bic"] == "PSSTFRPP"  # found from the IBAN


def test_wrong_or_late_code_leaves_the_mandate_untouched(app: Flask, client: FlaskClient, make_user: Any) -> None:
    mandate_id = _member(app, client, make_user)
    ceremony = _change(app, client, IBAN_SAME_BANK)
    code = emailed_codes(app)[0]
    wrong = post_code(client, ceremony, "000000" if code != "000000" else "111111")
    assert wrong.status_code == 422 and "Ce code n'est pas le bon. Il vous reste 4 essais." in text_of(wrong)
    with app.app_context():
        session = db_session()
        past = utcnow() - timedelta(minutes=11)
        session.execute(update(SigningCode).values(sent_at=past, expires_at=past + timedelta(minutes=10)))
        session.commit()
    late = post_code(client, ceremony, code)
    assert "Ce code a expiré (il est valable 10 minutes). Demandez un nouveau code." in text_of(late)
    mandate = _mandate(app, mandate_id)
    assert [v.version for v in mandate.versions] == [1] and mandate.status == MandateStatus.ACTIVE
    assert emails(app, "sepa_rib_changed") == []


def test_two_tabs_resume_one_change_and_nothing_is_amended_twice(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    mandate_id = _member(app, client, make_user)
    first, second = _start(client), _start(client)
    assert first == second  # one RIB change at a time: the second tab resumes the same journey
    stale = client.get(f"{first}/details")
    fields = hidden_fields(stale.get_data(as_text=True))
    ceremony = _change(app, client, IBAN_SAME_BANK)
    post_code(client, ceremony, emailed_codes(app)[0])
    # the other tab posts its old page after the signature: the journey is over, nothing changes
    late = client.post(
        f"{first}/details",
        data={**fields, "holder_is_member": "yes", "iban": IBAN_OTHER_BANK, "bic": "", "action": "next"},
    )
    assert late.status_code in (302, 303, 409)
    mandate = _mandate(app, mandate_id)
    assert [v.version for v in mandate.versions] == [1, 2] and mandate.current.details["iban"] == IBAN_SAME_BANK
    # a new change starts from the new details
    base = _start(client)
    assert base != first and "FR76 **** **** **** **** 3210 076" in text_of(client.get(f"{base}/details"))


def test_member_without_mandate_is_told(client: FlaskClient, make_user: Any) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    page = text_of(client.get("/mon-contrat/rib"))
    assert "Vous n'avez pas de mandat de prélèvement en cours" in page
    token = hidden_fields(client.get("/mon-contrat/rib").get_data(as_text=True))["csrf_token"]
    response = client.post("/mon-contrat/rib", data={"csrf_token": token}, follow_redirects=True)
    assert "Vous n'avez pas de mandat de prélèvement en cours" in text_of(response)
    assert client.post("/mon-contrat/rib", data={}).status_code == 400  # CSRF


def test_mandate_revoked_while_signing_cancels_the_change_with_a_clear_message(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    mandate_id = _member(app, client, make_user)
    ceremony = _change(app, client, IBAN_SAME_BANK)
    code = emailed_codes(app)[0]
    token = hidden_fields(client.get(ceremony).get_data(as_text=True))["csrf_token"]  # the page stays open
    revoked = app.test_cli_runner().invoke(args=["sepa", "revoke", "HP-2026-000042-99"])
    assert revoked.exit_code == 0, revoked.output
    response = client.post(ceremony, data={"csrf_token": token, "code": code})  # the right code, too late
    assert response.status_code == 302 and response.headers["Location"].endswith("/mon-contrat/rib")
    page = text_of(client.get(response.headers["Location"]))
    assert "Votre mandat de prélèvement a changé depuis le début de cette modification" in page
    assert "rien n'a été modifié" in page
    mandate = _mandate(app, mandate_id)
    assert [v.version for v in mandate.versions] == [1] and mandate.status == MandateStatus.REVOKED
    assert emails(app, "sepa_rib_changed") == []
    with app.app_context():
        assert db_session().query(Document).filter_by(kind="mandate", signed=True).count() == 0
    assert "Modification de RIB abandonnée" in text_of(client.get("/mes-demarches"))
