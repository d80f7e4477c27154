"""A signed family change reaches the SEPA échéancier: the new monthly amount from the change's effect date,
the months before and the exported lines untouched, a new échéancier (email + PDF) as the pre-notification."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import login, submit, text_of
from tests.family_change.helpers import CHILDREN, EMAIL, PARTNER, start_change
from tests.family_change.test_family_change_journey import CHILD, declare, sign_and_read, upload
from tests.sepa.conftest import MONTHLY_FAMILY, emails, lines_of, sign_subscription
from tests.subscription.conftest import read_pdf
from wizard.db import db_session
from wizard.models import CollectionStatus, Document, SepaCollection, SepaMandate
from wizard.sepa.mandates import recompute_schedule
from wizard.sepa.schedule import add_months, months_between
from wizard.subscription.service import paris_today

#: the family of the subscription (46,00 €) with a third child: 56,00 €
MONTHLY_AFTER = 5600


def euros(cents: int) -> str:
    return f"{cents // 100},{cents % 100:02d} €"


def test_a_birth_reprices_the_schedule_from_the_effect_month_and_sends_a_new_echeancier(
    app: Flask, client: FlaskClient, make_user: Any
) -> None:
    today = paris_today()
    signed_on = today - timedelta(days=45)
    user = make_user(EMAIL, first_name="Hélène", last_name="Dupré")
    mandate_id = sign_subscription(
        app, user, signed_on=signed_on, campaign_effective=add_months(signed_on, 1),
        answers={"partner": PARTNER, "children": CHILDREN},
    )  # fmt: skip
    before = lines_of(app, mandate_id)
    assert {line.amount_cents for line in before} == {MONTHLY_FAMILY} and len(before) == 12
    with app.app_context():  # the first month went to the bank: that line never changes
        exported = db_session().get(SepaCollection, before[0].id)
        assert exported is not None
        exported.status = CollectionStatus.EXPORTED
        db_session().commit()

    login(client, EMAIL)
    base = start_change(client)
    born = today
    declared = declare(client, base, {"event": "birth_adoption", "birth_kind": "birth", "event_date": born.isoformat()})
    assert declared.headers["Location"].endswith("/child")
    assert (
        submit(client, f"{base}/child", {**CHILD, "birth_date": born.isoformat()})
        .headers["Location"]
        .endswith("/proofs")
    )
    assert upload(client, f"{base}/proofs", {}, later="birth_certificate").headers["Location"].endswith("/review")
    effect = add_months(today, 1)  # declared in time: the first day of the month after the birth
    text = sign_and_read(client, app, base)
    assert f"Nouvelle cotisation mensuelle : 56,00 € à compter du {effect:%d/%m/%Y}" in text

    lines = [line for line in lines_of(app, mandate_id) if line.status != CollectionStatus.CANCELLED]
    first = lines[0]
    assert (first.id, first.status, first.amount_cents, first.schedule_version) == (
        before[0].id, CollectionStatus.EXPORTED, MONTHLY_FAMILY, 1,
    )  # fmt: skip
    months = []
    for line in lines:
        count = months_between(line.period_start, line.period_end)
        months += [add_months(line.period_start, i) for i in range(count)]
        if line.period_end < effect:  # before the effect month: the amount (and the line) in force
            assert line.amount_cents == MONTHLY_FAMILY * count and line.schedule_version == 1, line.period_start
        else:  # from it: the new amount, on a new échéancier, never a line mixing both
            assert line.period_start >= effect and line.schedule_version == 2, line.period_start
            assert line.amount_cents == MONTHLY_AFTER * count
    assert months == [add_months(before[0].period_start, i) for i in range(12)]  # every month once
    assert any(line.period_start >= effect for line in lines)

    sent = emails(app, "sepa_schedule")
    assert len(sent) == 2
    new = sent[-1]
    assert new.to_address == EMAIL and "voici votre nouvel échéancier de cotisation, qui remplace le précédent" in (
        new.text_body
    )
    changed = next(line for line in lines if line.period_start >= effect)
    assert f"{changed.due_date:%d/%m/%Y} : {euros(changed.amount_cents)}" in new.text_body
    with app.app_context():
        document = db_session().scalar(
            select(Document).where(Document.kind == "schedule").order_by(Document.id.desc()).limit(1)
        )
        assert document is not None and document.title.endswith("(version 2)")
        pdf = read_pdf(document.content)
    assert f"{changed.due_date:%d/%m/%Y}" in pdf and euros(changed.amount_cents) in pdf
    assert euros(MONTHLY_AFTER) in pdf
    assert "Échéancier de cotisation (version 2)" in text_of(client.get("/mes-documents"))

    with app.app_context():  # the same change again: nothing to send
        session = db_session()
        mandate = session.get(SepaMandate, mandate_id)
        assert mandate is not None
        assert recompute_schedule(session, mandate.journey, monthly_cents=MONTHLY_AFTER, from_date=effect) == []
        session.commit()
    assert len(emails(app, "sepa_schedule")) == 2
