"""The inactivity warning in the page, « Rester connecté », and what an expired session costs (nothing saved)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.accessibility import assert_accessible
from tests.browser.steps import NEXT, answer_regime, log_in, press, start_affiliation

pytestmark = pytest.mark.browser

WARNING = "Votre session va expirer dans 2 minutes"


class TestWarning:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"PERMANENT_SESSION_LIFETIME": 123}  # the warning shows 3 seconds after each page load

    def test_warning_then_stay_connected_restarts_the_clock(self, page: Any, make_user: Any) -> None:
        make_user("minuteur@example.fr")
        log_in(page, "minuteur@example.fr")
        start_affiliation(page)
        page.get_by_label("Régime social général").check()
        warning = page.get_by_role("alertdialog")
        warning.wait_for(state="visible", timeout=8_000)
        assert WARNING in warning.inner_text()
        assert page.evaluate("document.activeElement.id") == "session-keep-alive"
        assert_accessible(page)
        with page.expect_response(re.compile(r"/session/prolonger$")) as answer:
            page.keyboard.press("Enter")
        assert answer.value.status == 200
        assert answer.value.json() == {"expires_in": 123}
        warning.wait_for(state="hidden")
        assert page.get_by_label("Régime social général").is_checked(), "what was typed stays in the page"
        press(page, NEXT)
        page.wait_for_url(re.compile(r"/household$"))


class TestExpiry:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"PERMANENT_SESSION_LIFETIME": 3}

    def test_expired_session_explains_and_keeps_saved_answers(self, page: Any, make_user: Any) -> None:
        make_user("expire@example.fr")
        log_in(page, "expire@example.fr")
        start_affiliation(page)
        answer_regime(page)
        page.wait_for_url(re.compile(r"/household$"))
        page.get_by_role("group", name=re.compile("couvrir votre conjoint")).get_by_label("Non", exact=True).check()
        page.get_by_text("Votre session a expiré.").wait_for(timeout=8_000)
        assert page.get_by_role("link", name="Me reconnecter").is_visible()
        page.wait_for_timeout(1_500)  # the server counts whole seconds: be sure the cookie is too old
        press(page, NEXT)
        main = page.inner_text("main")
        assert "Votre session a expiré ou ce formulaire n'est plus valide" in main
        assert "Vos réponses déjà enregistrées sont conservées" in main
        log_in(page, "expire@example.fr")
        page.wait_for_url(re.compile(r"/household$"))
        press(page, "Étape précédente")
        assert page.get_by_label("Régime social général").is_checked()
