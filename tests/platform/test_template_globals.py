"""Each template's globals: the environment's, as one plain dict, overlaid by the template's own."""

from __future__ import annotations

from flask import Flask

from wizard.app import WizardEnvironment


def test_a_template_reads_the_environments_globals_from_one_dict(app: Flask) -> None:
    assert isinstance(app.jinja_env, WizardEnvironment)
    template = app.jinja_env.get_template("layout.html")
    assert type(template.globals) is dict  # copied per render at C speed, not looked up through a ChainMap
    for name in ("url_for", "legal_links", "layout_links", "field_html"):
        assert template.globals[name] is app.jinja_env.globals[name]


def test_a_templates_own_globals_overlay_the_environments_without_changing_them(app: Flask) -> None:
    template = app.jinja_env.from_string("{{ greeting }} {{ url_for is defined }}", globals={"greeting": "Bonjour"})
    with app.test_request_context("/"):
        assert template.render() == "Bonjour True"
    assert "greeting" not in app.jinja_env.globals
    assert "greeting" not in app.jinja_env.get_template("layout.html").globals
