"""What a person does in the browser, one helper per page; each checks the page before acting on it."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.accessibility import assert_accessible
from tests.conftest import PASSWORD

NEXT = "Enregistrer et continuer"


def expect_page(page: Any, title_start: str, *, accessible: bool = True) -> None:
    """The page's title names the step (screen readers announce it first) and axe finds nothing serious."""
    assert page.title().startswith(title_start), (page.title(), title_start)
    assert " — " in page.title()
    if accessible:
        assert_accessible(page)


def log_in(page: Any, email: str, password: str = PASSWORD) -> None:
    page.goto("/connexion")
    expect_page(page, "Connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Me connecter").click()
    page.wait_for_load_state()


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Me déconnecter").click()
    page.wait_for_url(re.compile(r"/connexion"))


def start_affiliation(page: Any) -> None:
    page.goto("/demarches/affiliation")
    expect_page(page, "Mon parcours d'affiliation")
    page.get_by_role("button", name=re.compile("Je découvre et je m'affilie|Reprendre mon affiliation")).click()
    page.wait_for_url(re.compile(r"/regime$"))


def press(page: Any, label: str) -> None:
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


def answer_regime(page: Any) -> None:
    expect_page(page, "Mon régime de Sécurité sociale")
    page.get_by_label("Régime social général").check()
    press(page, NEXT)


def answer_household(page: Any, *, partner: bool, children: int) -> None:
    expect_page(page, "Les personnes à couvrir")
    group = page.get_by_role("group", name=re.compile("couvrir votre conjoint"))
    group.get_by_label("Oui" if partner else "Non", exact=True).check()
    if partner:
        page.get_by_label("Partenaire de PACS").check()
        page.get_by_label("Régime de Sécurité sociale de votre conjoint(e)").select_option("general")
        page.get_by_role("group", name=re.compile("agent civil de l'État")).get_by_label("Non", exact=True).check()
        page.get_by_label("Date de naissance de votre conjoint(e)").fill("1987-06-02")
    kids = page.get_by_role("group", name=re.compile("couvrir votre ou vos enfant"))
    kids.get_by_label("Oui" if children else "Non", exact=True).check()
    if children:
        page.get_by_label("Combien d'enfants souhaitez-vous couvrir ?").fill(str(children))
    press(page, NEXT)


def answer_children(page: Any, birth_dates: list[str]) -> None:
    expect_page(page, "Mes enfants")
    fields = page.get_by_label("Date de naissance")
    for index, born in enumerate(birth_dates):
        fields.nth(index).fill(born)
    press(page, NEXT)


def choose_formula(page: Any, level_label: str) -> None:
    expect_page(page, "Ma formule santé")
    page.get_by_label(level_label).check()
    press(page, NEXT)


def complete_affiliation(page: Any) -> None:
    """From the first step to the confirmation page: a couple with one child, Base + Option 1."""
    answer_regime(page)
    answer_household(page, partner=True, children=1)
    answer_children(page, ["2015-09-01"])
    choose_formula(page, "Option 1")
    expect_page(page, "Je vérifie mes réponses")
    assert "Partenaire de PACS" in page.inner_text("main")
    press(page, "Je valide mon affiliation")
    expect_page(page, "Affiliation validée")


def fill_form(page: Any, values: dict[str, str]) -> None:
    """Type or choose each value in the field of that name, as a person would (radio, checkbox, select, text)."""
    for name, value in values.items():
        fields = page.locator(f"main [name='{name}']")
        kind = fields.first.evaluate("el => el.type")
        if kind == "radio":
            page.check(f"main input[name='{name}'][value='{value}']")
        elif kind == "checkbox":
            fields.first.set_checked(bool(value))
        elif kind.startswith("select"):
            fields.first.select_option(value)
        else:
            fields.first.fill(value)


def send_proofs_later(page: Any) -> None:
    """The proofs page (a PACS partner, a child covered past 21): tick every « Envoyer plus tard » and go on."""
    expect_page(page, "Je joins mes justificatifs")
    boxes = page.get_by_label("Envoyer plus tard (depuis « Mes documents »)")
    for index in range(boxes.count()):
        boxes.nth(index).check()
    press(page, NEXT)
