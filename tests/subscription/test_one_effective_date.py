"""A late joiner sees one effective date everywhere: devis, pages, bulletin, notice, email, dashboard.

The demo contract starts on 1 May 2026; joining later, the member is covered from the date the late-joiner
rule gives (``tests.member_dates``). Each place is read back (PDF text, page text, email body).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from config.formats import long_date, short_date
from tests.conftest import login, text_of
from tests.dispense.helpers import outbox, pdf_text, sign_locally, signed_documents
from tests.member_dates import CAMPAIGN_DATE, member_date
from tests.subscription.conftest import BANK
from tests.subscription.test_account_holder import _subscribe


def test_a_late_joiner_reads_the_same_effective_date_on_every_page_and_document(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    effective = member_date()
    make_user("late@example.fr", first_name="Léa", last_name="Martin")
    login(client, "late@example.fr")
    sub = _subscribe(client, BANK)  # the member holds the account here
    said = long_date(effective)

    dashboard = text_of(client.get("/mes-demarches"))
    devis_url = dashboard.split("Télécharger mon devis")[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert f"Date d'effet {said}" in pdf_text(client.get(devis_url).data)
    assert f"<dt>Date d'effet souhaitée</dt><dd>{said}</dd>" in dashboard
    assert f"Votre contrat prendra effet le {said}." in text_of(client.get(f"{sub}/signature"))

    sign_locally(client, app, f"{sub}/signature")
    (bulletin,) = signed_documents(app, "bulletin")
    (notice,) = signed_documents(app, "notice")
    assert f"Date d'effet de l'adhésion : {said}." in pdf_text(bulletin.content)
    assert f"Date d'effet de votre adhésion : {said}." in pdf_text(notice.content)
    (email,) = outbox(app, "subscription_confirmation")
    assert f"Votre contrat prendra effet le {short_date(effective)}." in email.text_body
    assert f"contrat effectif le {said}" in text_of(client.get("/mes-demarches"))
    if effective != CAMPAIGN_DATE:  # a late joiner: the campaign's date appears nowhere as theirs
        for text in (pdf_text(bulletin.content), pdf_text(notice.content), email.text_body):
            assert long_date(CAMPAIGN_DATE) not in text and short_date(CAMPAIGN_DATE) not in text
