"""The dispense journey end to end with CSRF on: reason, end date, attestation, local signature, email."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from signing.seal import validate_sealed_pdf
from tests.conftest import login, submit, text_of
from tests.dispense.helpers import journey_base, outbox, pdf_text, post_start, sign_locally, signed_documents
from wizard.signatures.providers import organisation_pki

EMAIL = "helene.dupre@example.fr"
ATTESTATION = {
    "civility": "Madame", "last_name": "Dupré", "first_name": "Hélène", "birth_date": "1995-10-03",
    "postal_address": "8 place de la République, 98714 Papeete", "email": EMAIL, "phone": "+689 40 12 34 56",
    "place": "Papeete",
}  # fmt: skip


def start_dispense(client: FlaskClient) -> str:
    home = text_of(client.get("/demarches/affiliation"))
    assert "Je demande une dispense" in home
    base = journey_base(client, post_start(client, "dispense"))
    assert client.get(base).headers["Location"].endswith("/reason")
    return base


def test_dispense_end_to_end_signed_attestation_and_email(client: FlaskClient, app: Flask, make_user: Any) -> None:
    make_user(EMAIL, first_name="Hélène", last_name="Dupré")
    login(client, EMAIL)
    base = start_dispense(client)

    page = text_of(client.get(f"{base}/reason"))
    assert "Qu'est-ce qu'une dispense ?" in page and "50 %" in page
    assert "Couvert par la couverture collective des militaires" in page
    response = submit(client, f"{base}/reason", {"reason": "individual_contract"})
    assert response.headers["Location"].endswith("/details")

    page = text_of(client.get(f"{base}/details"))
    assert "Organisme assureur de votre autre contrat" in page and "au plus tard le 1er mai 2027" in page
    response = submit(client, f"{base}/details", {"end_date": "2026-12-31", "other_insurer": "Mutuelle du Lagon"})
    assert response.headers["Location"].endswith("/attestation")

    page = text_of(client.get(f"{base}/attestation"))
    assert 'value="Dupré"' in page and f'value="{EMAIL}"' in page  # prefilled from the account
    response = submit(client, f"{base}/attestation", ATTESTATION)
    assert response.headers["Location"].endswith("/review")

    review = text_of(client.get(f"{base}/review"))
    assert "en cliquant sur le bouton de validation, la procédure de demande de dispense sera enclenchée" in review
    assert "31 décembre 2026" in review and "Mutuelle du Lagon" in review
    assert "Valider ma demande de dispense" in review
    response = submit(client, f"{base}/review", {})
    assert response.headers["Location"].endswith("/signature")

    signing_page = text_of(client.get(f"{base}/signature"))
    assert "Attestation sur l'honneur de dispense d'adhésion" in signing_page
    done = sign_locally(client, app, f"{base}/signature")
    assert done.headers["Location"].endswith("/done")
    page = text_of(client.get(done.headers["Location"]))
    assert "Votre demande de dispense est enregistrée" in page
    assert "jusqu'au 31 décembre 2026" in page

    (attestation,) = signed_documents(app, "dispense")
    text = pdf_text(attestation.content)
    assert "[X] Couvert par un contrat individuel" in text
    assert "[ ] Bénéficiaire de la complémentaire santé solidaire (C2S)" in text
    assert "31 décembre 2026" in text and "Mutuelle du Lagon" in text
    assert "Dupré" in text and "8 place de la République, 98714 Papeete" in text and "Papeete" in text
    with app.app_context():
        check = validate_sealed_pdf(attestation.content, organisation_pki(app).root_cert)
    assert check.intact and check.valid and check.trusted and check.covers_whole_file, check

    (email,) = outbox(app, "dispense_confirmation")
    assert email.to_address == EMAIL
    assert "Nous avons bien reçu votre demande de dispense" in email.text_body
    assert "Fin de la dispense : 31 décembre 2026" in email.text_body
    assert "Si vous n'êtes pas à l'origine de cette demande" in email.text_body

    dashboard = text_of(client.get("/mes-demarches"))
    assert "Dispense enregistrée jusqu'au 31 décembre 2026" in dashboard


def test_bad_inputs_are_said_at_the_field_and_nothing_saved_is_lost(client: FlaskClient, make_user: Any) -> None:
    make_user(EMAIL)
    login(client, EMAIL)
    base = start_dispense(client)
    assert submit(client, f"{base}/reason", {}).status_code == 422
    submit(client, f"{base}/reason", {"reason": "individual_contract"})

    response = submit(client, f"{base}/details", {"end_date": "2027-06-30", "other_insurer": ""})
    assert response.status_code == 422
    page = text_of(response)
    assert "Il y a 2 erreurs à corriger" in page
    assert "indiquez une date au plus tard le 1er mai 2027" in page
    assert "Indiquez l'organisme assureur de votre autre contrat." in page
    assert 'value="2027-06-30"' in page  # what was typed stays in the field

    response = submit(client, f"{base}/details", {"end_date": "2026-04-01", "other_insurer": "Mutuelle X"})
    assert "doit être postérieure à la date d'effet du contrat (1er mai 2026)" in text_of(response)
    submit(client, f"{base}/details", {"end_date": "2026-10-31", "other_insurer": "Mutuelle X"})

    response = submit(client, f"{base}/attestation", {**ATTESTATION, "place": "", "postal_address": ""})
    assert response.status_code == 422
    page = text_of(response)
    assert "Indiquez la ville où vous signez l'attestation." in page
    assert "Indiquez votre adresse postale." in page
    # the earlier steps are intact
    assert 'value="2026-10-31"' in text_of(client.get(f"{base}/details"))
    saved = submit(client, f"{base}/attestation", {**ATTESTATION, "place": ""}, action="save")
    assert saved.status_code == 302
    assert "8 place de la République" in text_of(client.get(f"{base}/attestation"))
