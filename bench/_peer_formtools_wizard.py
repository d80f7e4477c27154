"""Benchmark peer: the three affiliation pages as a django-formtools ``NamedUrlSessionWizardView``.

Same fields, choices and required-field rules as the product's « régime », « household » and « no_cover »
pages; Django's CSRF middleware, one template, the wizard's state in Django's database-backed session (the
session row is written and committed on every request: formtools marks the session modified whenever its
storage is read) and a redirect to the next step's URL. Its own throwaway database, with the product's
SQLite settings (WAL + synchronous=FULL) or PostgreSQL with persistent connections.

Django and django-formtools come from the ``bench`` extra of pyproject.toml (``make bench`` installs it).

    gunicorn --workers 2 'bench._peer_formtools_wizard:application()'   (PEER_DATABASE_URL)
    python -c 'from bench._peer_formtools_wizard import prepare; prepare()'   (creates the session table)
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

TEMPLATES = {
    "layout.html": """<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{{ title }} — Mutuelle</title>
<link rel="stylesheet" href="/static/app.css"></head>
<body><header><a href="/">Mutuelle Horizon Publique</a></header>
<main>{% block content %}{% endblock %}</main>
<footer><p>Besoin d'aide ? Appelez-nous.</p></footer></body></html>""",
    "step.html": """{% extends "layout.html" %}
{% block content %}
<h1>{{ title }}</h1>
<form method="post" action="" novalidate>{% csrf_token %}
  {{ wizard.management_form }}
  {% for field in wizard.form %}
  <div class="field{% if field.errors %} has-error{% endif %}">{{ field.label_tag }}{{ field.errors }}{{ field }}</div>
  {% endfor %}
  <button type="submit">Enregistrer et continuer</button>
</form>
{% endblock %}""",
}


def _database(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": url.split(":///", 1)[1],
            "OPTIONS": {"timeout": 15, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL"},
        }
    parts = urlsplit(url.replace("postgresql+psycopg", "postgresql"))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parts.path.lstrip("/"),
        "USER": parts.username or "postgres",
        "HOST": parts.hostname,
        "PORT": parts.port,
        "CONN_MAX_AGE": 600,  # persistent connections: Django's counterpart of a pool
    }


#: compiled once per process, as a production Django project does
LOADERS = [("django.template.loaders.cached.Loader", [("django.template.loaders.locmem.Loader", TEMPLATES)])]


def configure() -> None:
    from django.conf import settings  # noqa: PLC0415 - Django is a bench-only dependency

    if settings.configured:
        return
    settings.configure(
        DEBUG=False,
        SECRET_KEY=os.environ.get("PEER_SECRET_KEY", "bench-peer-secret-key-for-formtools"),
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=["django.contrib.sessions"],
        MIDDLEWARE=[
            "django.contrib.sessions.middleware.SessionMiddleware",
            "django.middleware.csrf.CsrfViewMiddleware",
        ],
        DATABASES={"default": _database(os.environ["PEER_DATABASE_URL"])},
        SESSION_ENGINE="django.contrib.sessions.backends.db",
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "OPTIONS": {"loaders": LOADERS}}],
        USE_TZ=True,
        LANGUAGE_CODE="fr",
    )
    import django  # noqa: PLC0415

    django.setup()


configure()

from django import forms  # noqa: E402 - after settings
from django.http import HttpResponse  # noqa: E402
from django.urls import path, re_path  # noqa: E402
from formtools.wizard.views import NamedUrlSessionWizardView  # noqa: E402

from config.catalogue import default_catalogue  # noqa: E402

YES_NO = [("yes", "Oui"), ("no", "Non")]
LINKS = [("spouse", "Conjoint(e) marié(e)"), ("pacs", "Partenaire de PACS"), ("concubin", "Concubin(e)")]


def _regimes() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in default_catalogue().regimes]


class RegimeForm(forms.Form):
    regime = forms.ChoiceField(label="Votre régime d'affiliation ?", widget=forms.RadioSelect, choices=_regimes)


class HouseholdForm(forms.Form):
    cover_partner = forms.ChoiceField(label="Couvrir votre conjoint(e) ?", widget=forms.RadioSelect, choices=YES_NO)
    partner_link = forms.ChoiceField(label="Lien", widget=forms.RadioSelect, choices=LINKS, required=False)
    partner_regime = forms.ChoiceField(
        label="Régime de votre conjoint(e)", choices=lambda: [("", "— Choisir —"), *_regimes()], required=False
    )
    partner_is_state_agent = forms.ChoiceField(
        label="Agent civil de l'État ?", widget=forms.RadioSelect, choices=YES_NO, required=False
    )
    partner_birth_date = forms.DateField(label="Date de naissance de votre conjoint(e)", required=False)
    cover_children = forms.ChoiceField(label="Couvrir vos enfants ?", widget=forms.RadioSelect, choices=YES_NO)
    children_count = forms.IntegerField(label="Combien d'enfants ?", min_value=1, max_value=12, required=False)


class NoCoverForm(forms.Form):
    confirm = forms.BooleanField(label="Je confirme ne couvrir ni conjoint(e) ni enfant")


TITLES = {
    "regime": "Mon régime de Sécurité sociale",
    "household": "Les personnes à couvrir",
    "no_cover": "Je confirme couvrir uniquement moi-même",
}


class AffiliationWizard(NamedUrlSessionWizardView):  # type: ignore[misc]
    form_list = [("regime", RegimeForm), ("household", HouseholdForm), ("no_cover", NoCoverForm)]  # noqa: RUF012
    template_name = "step.html"

    def get_context_data(self, form: forms.Form, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(form=form, **kwargs)
        context["title"] = TITLES[self.steps.current]
        return context

    def done(self, form_list: Any, **kwargs: Any) -> HttpResponse:
        return HttpResponse("Affiliation enregistrée.")


wizard_view = AffiliationWizard.as_view(url_name="wizard_step", done_step_name="done")

urlpatterns = [
    re_path(r"^formtools/(?P<step>[a-z_]+)/$", wizard_view, name="wizard_step"),
    path("formtools/", wizard_view, name="wizard"),
]


def application() -> Any:
    """The WSGI application (gunicorn factory)."""
    from django.core.wsgi import get_wsgi_application  # noqa: PLC0415

    return get_wsgi_application()


def prepare() -> None:
    """Create the session table in the peer's own database."""
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0, interactive=False)
