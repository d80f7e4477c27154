"""The mandate record made at signature, its échéancier (stored, PDF, pre-notification email), recomputation
after a change, and the 36-month lapse."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from tests.conftest import hidden_fields, login, text_of
from tests.sepa.conftest import IBAN, MONTHLY_FAMILY, emails, lines_of, sign_subscription
from tests.subscription.conftest import read_pdf
from wizard.db import db_session
from wizard.models import CollectionStatus, Document, MandateStatus, SepaMandate, User
from wizard.sepa.mandates import lapse_dormant_mandates, recompute_schedule, renew_schedules


def test_signature_records_the_mandate_with_its_schedule_and_pre_notification(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    user = make_user("helene@example.fr", first_name="Hélène", last_name="Dupré")
    mandate_id = sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    with app.app_context():
        session = db_session()
        mandate = session.get(SepaMandate, mandate_id)
        assert mandate is not None
        assert (mandate.rum, mandate.ics, mandate.status) == (
            "HP-2026-000042-99",
            "FR46ZZZ005002",
            MandateStatus.ACTIVE,
        )
        assert (mandate.signed_on, mandate.effective_date) == (date(2026, 12, 4), date(2027, 1, 1))
        assert mandate.contract_name == "Contrat santé PSC"
        assert mandate.current.details == {
            "holder": "Hélène Dupré", "iban": IBAN, "bic": "",
            "address": "8 place de la République, 98714 Papeete",
        }  # fmt: skip
        raw = session.execute(text("SELECT details FROM sepa_mandate_versions")).scalar_one()
        assert IBAN not in raw and "Dupré" not in raw  # encrypted at rest like the answers
    lines = lines_of(app, mandate_id)
    assert [line.due_date for line in lines] == [date(2027, m, 5) for m in range(1, 13)]
    assert {line.amount_cents for line in lines} == {MONTHLY_FAMILY}
    assert {line.status for line in lines} == {CollectionStatus.SCHEDULED}
    assert all(line.notified_on == date(2026, 12, 4) for line in lines)

    [email] = emails(app, "sepa_schedule")
    assert email.subject == "Votre échéancier de cotisation" and email.to_address == "helene@example.fr"
    assert "Premier prélèvement : 46,00 € le 05/01/2027 (Cotisation de janvier 2027)." in email.text_body
    assert "au moins 14 jours avant le premier prélèvement" in email.text_body
    assert "- 05/12/2027 : 46,00 € (Cotisation de décembre 2027)" in email.text_body
    assert "HP-2026-000042-99" in email.text_body

    with app.app_context():
        document = db_session().scalar(select(Document).where(Document.kind == "schedule"))
        assert document is not None and not document.signed
        pdf = read_pdf(document.content)
    assert "Échéancier de cotisation" in pdf and "vaut pré-notification" in pdf
    assert "05/01/2027" in pdf and "Cotisation de janvier 2027" in pdf and "552,00 €" in pdf  # 12 × 46,00 €
    assert "HP-2026-000042-99" in pdf and "FR46ZZZ005002" in pdf and "7890 189" in pdf and IBAN not in pdf

    login(client, "helene@example.fr")
    documents = text_of(client.get("/mes-documents"))
    assert "Échéancier de cotisation (version 1)" in documents
    rib_page = text_of(client.get("/mon-contrat/rib"))
    assert "Échéanciers de cotisation" in rib_page and "Consulter" in rib_page
    assert "FR76 **** **** **** **** 7890 189" in rib_page and IBAN not in rib_page
    downloaded = client.get(f"/mes-documents/{document.public_id}")
    assert downloaded.status_code == 200 and read_pdf(downloaded.data) == pdf


def test_signing_again_records_nothing_twice(app: Flask, make_user: Any) -> None:
    user = make_user("helene@example.fr")
    mandate_id = sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    with app.app_context():
        session = db_session()
        mandate = session.get(SepaMandate, mandate_id)
        assert mandate is not None
        from wizard.sepa.mandates import record_signed_mandate  # noqa: PLC0415

        assert record_signed_mandate(session, mandate.journey) is mandate
        session.commit()
    assert len(lines_of(app, mandate_id)) == 12 and len(emails(app, "sepa_schedule")) == 1


def test_recompute_sends_a_new_schedule_only_when_something_changed(app: Flask, make_user: Any) -> None:
    user = make_user("helene@example.fr")
    mandate_id = sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    with app.app_context():
        session = db_session()
        owner = session.get(User, user.id)
        assert owner is not None
        assert recompute_schedule(session, owner, today=date(2026, 12, 10)) == []  # same amount, same dates
        first = lines_of(app, mandate_id)[0]
        first_line = session.merge(first)
        first_line.status, first_line.collected_on = CollectionStatus.EXPORTED, date(2027, 1, 5)  # January went out
        session.commit()
        changed = recompute_schedule(session, owner, monthly_cents=3600, today=date(2027, 1, 25))
        session.commit()
        assert [m.id for m in changed] == [mandate_id]
    lines = [line for line in lines_of(app, mandate_id) if line.status != CollectionStatus.CANCELLED]
    assert lines[0].amount_cents == MONTHLY_FAMILY and lines[0].status == CollectionStatus.EXPORTED  # kept
    # February's own date (05/02) is less than 14 days after 25/01: February and March go together on 05/03
    assert (lines[1].due_date, lines[1].amount_cents, lines[1].period_start) == (
        date(2027, 3, 5),
        7200,
        date(2027, 2, 1),
    )
    assert [line.due_date for line in lines[2:]] == [date(2027, m, 5) for m in range(4, 13)]
    assert all(line.schedule_version == 2 and line.notified_on == date(2027, 1, 25) for line in lines[1:])
    new = emails(app, "sepa_schedule")[-1]
    assert len(emails(app, "sepa_schedule")) == 2
    assert "voici votre nouvel échéancier de cotisation, qui remplace le précédent" in new.text_body
    assert "Premier prélèvement : 72,00 € le 05/03/2027 (Cotisations de février 2027 à mars 2027)." in new.text_body


def test_a_mandate_unused_for_36_months_lapses_and_the_member_is_told(app: Flask, make_user: Any) -> None:
    user = make_user("helene@example.fr", first_name="Hélène")
    mandate_id = sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    with app.app_context():
        session = db_session()
        line = session.merge(lines_of(app, mandate_id)[0])
        line.status, line.collected_on = CollectionStatus.EXPORTED, date(2027, 1, 5)
        session.commit()
        assert lapse_dormant_mandates(session, today=date(2030, 1, 4)) == []  # 36 months after the last debit: not yet
        lapsed = lapse_dormant_mandates(session, today=date(2030, 1, 5))
        session.commit()
        assert [m.id for m in lapsed] == [mandate_id]
        mandate = session.get(SepaMandate, mandate_id)
        assert mandate is not None and mandate.status == MandateStatus.LAPSED
        assert lapse_dormant_mandates(session, today=date(2031, 1, 5)) == []  # told once
    [email] = emails(app, "sepa_mandate_lapsed")
    assert email.subject == "Votre mandat de prélèvement SEPA a expiré"
    assert "depuis 36 mois" in email.text_body and "un nouveau mandat signé est nécessaire" in email.text_body


def test_rib_page_tells_a_member_whose_mandate_lapsed(app: Flask, client: FlaskClient, make_user: Any) -> None:
    user = make_user("helene@example.fr")
    sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    with app.app_context():
        lapse_dormant_mandates(db_session(), today=date(2029, 12, 4))
        db_session().commit()
    login(client, "helene@example.fr")
    page = text_of(client.get("/mon-contrat/rib"))
    assert "Votre mandat de prélèvement HP-2026-000042-99 n'est plus utilisé : Expiré (aucun prélèvement" in page
    assert "un nouveau mandat signé est nécessaire" in page
    token = hidden_fields(page)["csrf_token"]
    refused = client.post("/mon-contrat/rib", data={"csrf_token": token}, follow_redirects=True)
    assert "Vous n'avez pas de mandat de prélèvement en cours" in text_of(refused)


def test_never_collected_mandate_lapses_36_months_after_signature(app: Flask, make_user: Any) -> None:
    user = make_user("helene@example.fr")
    sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    with app.app_context():
        session = db_session()
        assert lapse_dormant_mandates(session, today=date(2029, 12, 3)) == []
        assert len(lapse_dormant_mandates(session, today=date(2029, 12, 4) + timedelta(days=0))) == 1


def test_next_years_schedule_is_sent_two_months_before_the_end(app: Flask, make_user: Any) -> None:
    user = make_user("helene@example.fr")
    mandate_id = sign_subscription(app, user, signed_on=date(2026, 12, 4), campaign_effective=date(2027, 1, 1))
    with app.app_context():
        session = db_session()
        assert renew_schedules(session, today=date(2027, 10, 31)) == []
        assert [m.id for m in renew_schedules(session, today=date(2027, 11, 2))] == [mandate_id]
        session.commit()
        assert renew_schedules(session, today=date(2027, 11, 3)) == []  # once
        # a later change recomputes over both years, keeping what is unchanged
        owner = session.get(User, user.id)
        assert owner is not None and recompute_schedule(session, owner, today=date(2027, 11, 5)) == []
    lines = [line for line in lines_of(app, mandate_id) if line.status == CollectionStatus.SCHEDULED]
    assert [line.due_date for line in lines] == [date(2027, m, 5) for m in range(1, 13)] + [
        date(2028, m, 5) for m in range(1, 13)
    ]
    assert {line.schedule_version for line in lines[12:]} == {2} and lines[12].notified_on == date(2027, 11, 2)
    renewal = emails(app, "sepa_schedule")[-1]
    assert "Voici votre échéancier de cotisation pour l'année à venir" in renewal.text_body
    assert "Premier prélèvement : 46,00 € le 05/01/2028 (Cotisation de janvier 2028)." in renewal.text_body
    with app.app_context():
        latest = db_session().scalars(select(Document).where(Document.kind == "schedule").order_by(Document.id)).all()
        pdf = read_pdf(latest[-1].content)
    assert "Il couvre l'année à venir." in pdf and "05/01/2028" in pdf and "05/12/2027" not in pdf
