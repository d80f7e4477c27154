"""Benchmark peer: the three affiliation pages as a web team would hand-write them with Flask + Flask-WTF.

Same fields, choices and required-field rules as the product's « régime », « household » and « no_cover »
pages; CSRF (Flask-WTF), one Jinja page per step, the wizard's id in Flask's signed session cookie, and
ONE committed write per step (the step's answers as JSON in the wizard's row, with the time it was saved),
then a redirect. The time is what any wizard that lets people resume keeps, and it makes every submit a real
write: without it, the benchmark's users sending the same answers cycle after cycle would make SQLite find
each UPDATE's row identical to the stored one and write nothing — no page, no log frame, no fsync at commit
(PostgreSQL writes a new row version either way). No
login, audit trail, encryption, optimistic locking or branching engine: it is the floor the product is
compared with. The database settings are the product's (SQLite WAL + synchronous=FULL, or PostgreSQL).

    gunicorn --workers 2 'bench._peer_flask_wtf_wizard:create_app()'   (PEER_DATABASE_URL, PEER_SECRET_KEY)
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask, abort, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from jinja2 import DictLoader
from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, create_engine, event, insert, select, update
from werkzeug.wrappers import Response
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from config.catalogue import default_catalogue
from wizard.db import POSTGRES_PING_AFTER_IDLE_SECONDS, ping_idle_connections

WIZARDS = Table(
    "peer_flask_wizards",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("regime", Text),
    Column("household", Text),
    Column("no_cover", Text),
    Column("saved_at", Text),
)

YES_NO = [("yes", "Oui"), ("no", "Non")]
LINKS = [("spouse", "Conjoint(e) marié(e)"), ("pacs", "Partenaire de PACS"), ("concubin", "Concubin(e)")]


def _regimes() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in default_catalogue().regimes]


class RegimeForm(FlaskForm):
    regime = RadioField("Quel est votre régime d'affiliation ?", validators=[InputRequired("Choisissez votre régime.")])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.regime.choices = _regimes()


class HouseholdForm(FlaskForm):
    cover_partner = RadioField("Couvrir votre conjoint(e) ?", choices=YES_NO, validators=[InputRequired("Répondez.")])
    partner_link = RadioField("Lien avec cette personne", choices=LINKS, validators=[Optional()])
    partner_regime = SelectField("Régime de votre conjoint(e)", validators=[Optional()])
    partner_is_state_agent = RadioField("Agent civil de l'État ?", choices=YES_NO, validators=[Optional()])
    partner_birth_date = DateField("Date de naissance de votre conjoint(e)", validators=[Optional()])
    cover_children = RadioField("Couvrir vos enfants ?", choices=YES_NO, validators=[InputRequired("Répondez.")])
    children_count = IntegerField("Combien d'enfants ?", validators=[Optional(), NumberRange(1, 12)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partner_regime.choices = [("", "— Choisir —"), *_regimes()]


class NoCoverForm(FlaskForm):
    confirm = BooleanField("Je confirme ne couvrir ni conjoint(e) ni enfant", validators=[DataRequired("Cochez.")])


STEPS: dict[str, tuple[str, type[FlaskForm], str | None]] = {
    "regime": ("Mon régime de Sécurité sociale", RegimeForm, "household"),
    "household": ("Les personnes à couvrir", HouseholdForm, "no_cover"),
    "no_cover": ("Je confirme couvrir uniquement moi-même", NoCoverForm, None),
}

TEMPLATES = {
    "layout.html": """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }} — Mutuelle</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><header><a href="/">Mutuelle Horizon Publique</a></header>
<main>{% block content %}{% endblock %}</main>
<footer><p>Besoin d'aide ? Appelez-nous.</p></footer></body></html>""",
    "step.html": """{% extends "layout.html" %}
{% macro field_row(field) %}
  <div class="field{{ ' has-error' if field.errors }}">
  {% if field.type == 'RadioField' %}
    <fieldset><legend>{{ field.label.text }}</legend>
    {% for error in field.errors %}<p class="field-error">{{ error }}</p>{% endfor %}
    {% for option in field %}<div class="radio-row">{{ option() }} {{ option.label() }}</div>{% endfor %}
    </fieldset>
  {% else %}
    {{ field.label() }}
    {% for error in field.errors %}<p class="field-error">{{ error }}</p>{% endfor %}
    {{ field() }}
  {% endif %}
  </div>
{% endmacro %}
{% block content %}
<h1>{{ title }}</h1>
<form method="post" action="{{ url_for('step', step_id=step_id) }}" novalidate>
  {{ form.csrf_token }}
  {% for field in form if field.name != 'csrf_token' %}{{ field_row(field) }}{% endfor %}
  <button type="submit">Enregistrer et continuer</button>
</form>
{% endblock %}""",
}


def _sqlite_settings(dbapi_connection: Any, _record: Any) -> None:
    """The product's SQLite settings (WAL, synchronous=FULL, busy timeout, foreign keys), for a fair comparison."""
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=15000", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def build_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15})
        event.listen(engine, "connect", _sqlite_settings)
        return engine
    engine = create_engine(url, pool_size=4, max_overflow=4)
    ping_idle_connections(engine, POSTGRES_PING_AFTER_IDLE_SECONDS)  # the product's pool: pinged after 10 s idle
    return engine


def create_app() -> Flask:
    app = Flask("peer_flask_wtf_wizard")
    app.config.update(SECRET_KEY=os.environ.get("PEER_SECRET_KEY", "bench-peer-secret"), WTF_CSRF_TIME_LIMIT=None)
    app.jinja_loader = DictLoader(TEMPLATES)
    engine = build_engine(os.environ["PEER_DATABASE_URL"])

    def wizard_id() -> int:
        if "wizard_id" not in session:
            with engine.begin() as conn:
                session["wizard_id"] = conn.execute(insert(WIZARDS).returning(WIZARDS.c.id)).scalar_one()
        return int(session["wizard_id"])

    @app.route("/wizard/<step_id>", methods=["GET", "POST"])
    def step(step_id: str) -> Response | str | tuple[str, int]:
        if step_id not in STEPS:
            abort(404)
        title, form_class, next_step = STEPS[step_id]
        key = wizard_id()
        column = WIZARDS.c[step_id]
        form = form_class()
        if form.validate_on_submit():
            data = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
            with engine.begin() as conn:  # the step's one committed write
                values = {column: json.dumps(data, default=str), WIZARDS.c.saved_at: datetime.now(UTC).isoformat()}
                conn.execute(update(WIZARDS).where(WIZARDS.c.id == key).values(values))
            return redirect(url_for("step", step_id=next_step) if next_step else url_for("done"))
        if form.is_submitted():
            return render_template("step.html", title=title, form=form, step_id=step_id), 422
        with engine.connect() as conn:
            stored = conn.execute(select(column).where(WIZARDS.c.id == key)).scalar()
        if stored:
            form = form_class(data=_prefill(json.loads(stored)))
        return render_template("step.html", title=title, form=form, step_id=step_id)

    @app.get("/wizard/done")
    def done() -> str:
        return "Affiliation enregistrée."

    return app


def _prefill(stored: dict[str, Any]) -> dict[str, Any]:
    birth = stored.get("partner_birth_date")
    return {**stored, "partner_birth_date": date.fromisoformat(birth) if birth else None} if birth else stored


def prepare(url: str) -> None:
    """Create the peer's table in its own (throwaway) database."""
    engine = build_engine(url)
    WIZARDS.create(engine, checkfirst=True)
    engine.dispose()
