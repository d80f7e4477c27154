"""Beneficiary rules at the field, in French: shares per rank, ranks in order, duplicates, future births."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from config.catalogue import default_catalogue
from forms.context import Answers, StepContext
from forms.designation import BeneficiariesForm, ChoiceForm


@pytest.fixture(autouse=True)
def _request(app: Flask) -> Iterator[None]:
    with app.test_request_context():
        yield


def person(index: int, **fields: str) -> dict[str, str]:
    values = {
        "rank": "1", "last_name": f"Nom{index}", "first_names": "Prénom", "birth_date": "1990-01-01",
        "birth_place": "Lyon", "address": "1 rue de Lyon, 69001 Lyon", "relationship": "sibling", "share": "50",
        **fields,
    }  # fmt: skip
    return {f"beneficiaries-{index}-{key}": value for key, value in values.items()}


def form_for(*people: dict[str, str], count: int | None = None) -> BeneficiariesForm:
    answers = Answers({"choice": {"mode": "particular", "beneficiary_count": count or len(people)}})
    context = StepContext(catalogue=default_catalogue(), effective_date=date(2026, 5, 1), answers=answers)
    data: dict[str, str] = {}
    for item in people:
        data.update(item)
    return BeneficiariesForm(MultiDict(data), context=context)


def entry_errors(form: BeneficiariesForm, index: int) -> dict[str, list[str]]:
    return {k: v for k, v in form.beneficiaries.entries[index].form.errors.items() if v}


def test_two_halves_are_valid_and_stored_exactly() -> None:
    form = form_for(person(0), person(1, share="50,00 %"))
    assert form.validate(), form.errors
    stored = form.cleaned_data()["beneficiaries"]
    assert [b["share"] for b in stored] == ["50", "50"] and stored[0]["rank"] == 1


def test_shares_must_total_exactly_one_hundred_per_rank() -> None:
    form = form_for(person(0, share="40"), person(1, share="50"))
    assert not form.validate()
    assert entry_errors(form, 1) == {"share": [
        "Les parts du rang 1 totalisent 90 % : il manque 10 %. Le total de chaque rang doit être exactement de 100 %."
    ]}  # fmt: skip
    form = form_for(person(0, share="60"), person(1, share="50,5"), person(2, rank="2", share="99"))
    assert not form.validate()
    assert "Les parts du rang 1 totalisent 110,5 % : 10,5 % de trop." in entry_errors(form, 1)["share"][0]
    assert "Les parts du rang 2 totalisent 99 % : il manque 1 %." in entry_errors(form, 2)["share"][0]


def test_ranks_are_used_in_order() -> None:
    form = form_for(person(0, share="100"), person(1, rank="3", share="100"))
    assert not form.validate()
    assert entry_errors(form, 1) == {"rank": [
        "Aucun bénéficiaire n'est désigné au rang 2 : utilisez les rangs dans l'ordre (rang 1, puis rang 2 à défaut, "
        "puis rang 3)."
    ]}  # fmt: skip


def test_the_same_person_twice_is_refused() -> None:
    form = form_for(person(0), person(1, last_name="NOM0", first_names="prénom"))
    assert not form.validate()
    assert entry_errors(form, 0) == {}
    assert entry_errors(form, 1)["last_name"] == [
        "Cette personne est déjà désignée plus haut (même nom, mêmes prénoms et même date de naissance) : indiquez "
        "chaque bénéficiaire une seule fois."
    ]
    # same names, another birth date: two different people
    assert form_for(person(0), person(1, last_name="Nom0", birth_date="1992-02-02")).validate()


def test_a_beneficiary_born_in_the_future_is_refused() -> None:
    future = (date.today() + timedelta(days=1)).isoformat()
    form = form_for(person(0, share="100", birth_date=future))
    assert not form.validate()
    assert entry_errors(form, 0) == {
        "birth_date": ["La date de naissance d'un bénéficiaire ne peut pas être dans le futur."]
    }


@pytest.mark.parametrize(
    ("share", "message"),
    [
        ("", "Indiquez la part du capital revenant à ce bénéficiaire."),
        ("beaucoup", "Indiquez une part en pourcentage, par exemple 50 ou 33,33."),
        ("0", "Indiquez une part entre 0,01 et 100 %."),
        ("120", "Indiquez une part entre 0,01 et 100 %."),
    ],
)
def test_share_must_be_a_percentage(share: str, message: str) -> None:
    form = form_for(person(0, share=share))
    assert not form.validate()
    assert entry_errors(form, 0)["share"] == [message]


def test_every_field_of_a_beneficiary_is_required() -> None:
    blank = {key: "" for key in person(0)}
    form = form_for(blank)
    assert not form.validate()
    assert entry_errors(form, 0) == {
        "last_name": ["Indiquez le nom du bénéficiaire."],
        "first_names": ["Indiquez le(s) prénom(s) du bénéficiaire."],
        "birth_date": ["Indiquez la date de naissance du bénéficiaire."],
        "birth_place": ["Indiquez le lieu de naissance du bénéficiaire."],
        "address": ["Indiquez l'adresse du bénéficiaire."],
        "relationship": ["Indiquez votre lien avec le bénéficiaire."],
        "share": ["Indiquez la part du capital revenant à ce bénéficiaire."],
        "rank": ["Choisissez le rang."],
    }


def test_choice_asks_how_many_only_for_a_particular_designation() -> None:
    context = StepContext(catalogue=default_catalogue(), effective_date=date(2026, 5, 1), answers=Answers({}))
    base = {"birth_date": "1980-05-05", "place": "Lyon"}
    assert ChoiceForm(MultiDict({**base, "mode": "standard"}), context=context).validate()
    form = ChoiceForm(MultiDict({**base, "mode": "particular"}), context=context)
    assert not form.validate()
    assert form.errors == {"beneficiary_count": ["Indiquez le nombre de personnes à désigner."]}
    form = ChoiceForm(MultiDict({"mode": "standard"}), context=context)
    assert not form.validate()
    assert set(form.errors) == {"birth_date", "place"}



def test_a_tampered_rank_is_refused_at_the_field_without_crashing() -> None:
    """Found by the fuzz: a 200,000-digit rank used to reach int() and range() (a 500, and a memory risk)."""
    form = form_for(person(0, share="100", rank="9" * 200_000))
    assert not form.validate()
    assert entry_errors(form, 0) == {"rank": ["N'est pas un choix valide."]}


def test_at_most_one_spouse_or_pacs_partner() -> None:
    form = form_for(person(0, relationship="spouse"), person(1, relationship="spouse"))
    assert not form.validate()
    assert entry_errors(form, 0) == {}
    assert entry_errors(form, 1)["relationship"] == [
        "Vous ne pouvez désigner qu'un(e) seul(e) conjoint(e) ou partenaire de PACS : choisissez un autre lien pour "
        "ce bénéficiaire."
    ]
    assert not form_for(person(0, relationship="pacs"), person(1, relationship="spouse")).validate()
    assert form_for(person(0, relationship="spouse"), person(1, relationship="child")).validate()


def test_each_group_is_titled_beneficiaire_n_not_the_field_name(app: Flask) -> None:
    form = form_for(person(0), person(1))
    template = app.jinja_env.from_string(
        "{% for entry in form.beneficiaries.entries %}{{ field_html.render_subform(entry, loop.index) }}{% endfor %}"
    )
    html = template.render(form=form)
    assert "<legend>Bénéficiaire 1</legend>" in html and "<legend>Bénéficiaire 2</legend>" in html
    assert "Beneficiaries-" not in html
