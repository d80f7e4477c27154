"""Legal pages (mentions légales, confidentialité, cookies, CGU, accessibilité), open to everybody.

Also provides ``legal_links()`` to every template, so the site footer and the footer of every email link to
them (emails get absolute links on ``PUBLIC_BASE_URL``).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup

from wizard.entry import tokens
from wizard.legal.pages import LEGAL_PAGES, legal_facts
from wizard.web import template_url_for

bp = Blueprint("legal", __name__)


#: the site footer per script root and accessibility status (every page writes it, always the same)
FOOTER_KEY = "wizard.site_footer"


@bp.app_template_global()
def legal_links(absolute: bool = False) -> tuple[tuple[str, str], ...]:
    """(label, url) of every legal page, the accessibility statement first (emails: absolute)."""
    status = legal_facts()["accessibility"]["status"]
    return _legal_links(status, tokens.public_url if absolute else template_url_for)


@bp.app_template_global()
def site_footer() -> Markup:
    """The site footer (help line, legal notice, legal links), rendered once per script root and accessibility
    status: every page writes it, unchanged, and rendering it each time cost ≈ 0.7 % of a step request."""
    cache: dict[tuple[str, str], Markup] = current_app.extensions.setdefault(FOOTER_KEY, {})
    key = (request.script_root, legal_facts()["accessibility"]["status"])
    footer = cache.get(key)
    if footer is None:
        footer = cache[key] = Markup(render_template("_site_footer.html"))  # noqa: S704 - an autoescaped template
    return footer


def _legal_links(status: str, build: Callable[[str], str]) -> tuple[tuple[str, str], ...]:
    links = [(f"Accessibilité : {status}", build("legal.accessibility"))]
    links += [(page.label, build(page.endpoint)) for page in LEGAL_PAGES]
    return tuple(links)


def _page(template: str, title: str) -> str:
    return render_template(f"legal/{template}.html", page_title=title, legal=legal_facts())


@bp.get("/mentions-legales")
def mentions() -> str:
    return _page("mentions", "Mentions légales")


@bp.get("/politique-de-confidentialite")
def privacy() -> str:
    return _page("privacy", "Politique de confidentialité")


@bp.get("/gestion-des-cookies")
def cookies() -> str:
    return _page("cookies", "Gestion des cookies")


@bp.get("/conditions-generales-d-utilisation")
def terms() -> str:
    return _page("terms", "Conditions générales d'utilisation")


@bp.get("/accessibilite")
def accessibility() -> str:
    return _page("accessibility", "Déclaration d'accessibilité")
