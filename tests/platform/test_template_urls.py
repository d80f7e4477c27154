"""Templates' ``url_for`` remembers relative links per application, and builds everything else as Flask does."""

from __future__ import annotations

from flask import Flask, render_template, url_for

from wizard.web import LAYOUT_LINKS, URL_CACHE_KEY, URL_CACHE_SIZE, layout_links, template_url_for


def test_relative_links_are_remembered_and_equal_flasks(app: Flask) -> None:
    with app.test_request_context("/"):
        first = template_url_for("static", filename="app.css")
        assert first == url_for("static", filename="app.css") == "/static/app.css"
        assert template_url_for("static", filename="app.css") == first
        assert app.extensions[URL_CACHE_KEY][("", "static", ("filename", "app.css"))] == first


def test_external_links_other_roots_and_unhashable_values_are_built_as_usual(app: Flask) -> None:
    with app.test_request_context("/", base_url="https://mutuelle.example/portail/"):
        assert template_url_for("auth.index") == "/portail/"
        assert template_url_for("auth.index", _external=True) == "https://mutuelle.example/portail/"
        assert template_url_for("auth.login", next=["a", "b"]) == url_for("auth.login", next=["a", "b"])
    with app.test_request_context("/"):
        assert template_url_for("auth.index") == "/"  # the script root is part of what is remembered


def test_the_memory_is_bounded(app: Flask) -> None:
    with app.test_request_context("/"):
        for number in range(URL_CACHE_SIZE + 10):
            template_url_for("static", filename=f"f{number}.css")
        assert len(app.extensions[URL_CACHE_KEY]) <= URL_CACHE_SIZE


def test_the_layout_links_are_flasks_links_built_once_per_script_root(app: Flask) -> None:
    with app.test_request_context("/"):
        links = layout_links()
        assert layout_links() is links
        for name, (endpoint, values) in LAYOUT_LINKS.items():
            assert getattr(links, name) == url_for(endpoint, **values)
    with app.test_request_context("/", base_url="http://localhost/portail/"):
        assert layout_links().home == "/portail/"


def test_the_legal_links_are_flasks_links_relative_for_pages_absolute_for_emails(app: Flask) -> None:
    from wizard.legal.views import legal_links  # noqa: PLC0415

    with app.test_request_context("/"):
        links = legal_links()
        assert links[0] == ("Accessibilité : Partiellement conforme", url_for("legal.accessibility"))
        assert [href for _label, href in links[1:]] == [
            url_for(endpoint) for endpoint in ("legal.mentions", "legal.privacy", "legal.cookies", "legal.terms")
        ]
    with app.test_request_context("/", base_url="http://localhost/portail/"):
        assert legal_links()[1][1] == "/portail/mentions-legales"
        assert legal_links(absolute=True)[1][1].endswith("/mentions-legales")  # emails: on PUBLIC_BASE_URL


def test_the_site_footer_is_rendered_once_per_script_root(app: Flask) -> None:
    from wizard.legal.views import site_footer  # noqa: PLC0415

    with app.test_request_context("/"):
        footer = site_footer()
        assert site_footer() is footer
        assert footer == render_template("_site_footer.html")
        assert footer.lstrip().startswith('<footer class="site-footer">')
        assert f'<a href="{url_for("legal.privacy")}">Politique de confidentialité</a>' in footer
        assert "Accessibilité : Partiellement conforme" in footer
    with app.test_request_context("/", base_url="http://localhost/portail/"):
        assert 'href="/portail/mentions-legales"' in site_footer()
    page = app.test_client().get("/connexion").get_data(as_text=True)
    assert page.count('<footer class="site-footer">') == 1 and str(footer).strip() in page
