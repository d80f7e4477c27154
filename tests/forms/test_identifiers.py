"""Identifier checks against DOMAIN.md's vectors, with the exact French messages members see."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.eu import at_02
from stdnum.fr import nir as stdnum_nir

from forms.identifiers import (
    IdentifierError,
    NirResult,
    bic_from_iban,
    clean_nir,
    format_code_organisme,
    format_iban,
    format_nir,
    generate_rum,
    ics_check_digits,
    mask_iban,
    mask_nir,
    nir_consistency_warnings,
    validate_bic,
    validate_code_organisme,
    validate_iban,
    validate_ics,
    validate_nir,
    validate_rum,
)

TEMPORARY_WARNING = (
    "Ce numéro de sécurité sociale est un numéro provisoire : pensez à nous communiquer votre numéro "
    "définitif dès que vous l'aurez reçu."
)
SEX_MISMATCH = (
    "Le premier chiffre du numéro de sécurité sociale ne correspond pas à la civilité indiquée : vérifiez votre saisie."
)
YEAR_MISMATCH = (
    "L'année de naissance du numéro de sécurité sociale ne correspond pas à la date de naissance indiquée : "
    "vérifiez votre saisie."
)
MONTH_MISMATCH = (
    "Le mois de naissance du numéro de sécurité sociale ne correspond pas à la date de naissance indiquée : "
    "vérifiez votre saisie."
)


def error_message(check: object, *args: object) -> str:
    """The French message an identifier check refuses ``args`` with."""
    assert callable(check)
    with pytest.raises(IdentifierError) as caught:
        check(*args)
    assert str(caught.value) == caught.value.message
    return caught.value.message


def nir_with_key(first_13: str) -> str:
    """A NIR with a correct key, keyed by the library so the tests do not re-derive the algorithm."""
    assert len(first_13) == 13
    return first_13 + stdnum_nir.calc_check_digits(first_13 + "00")


# --- NIR ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "compact"),
    [
        ("295109912611193", "295109912611193"),
        ("253072B07300470", "253072B07300470"),
        ("253072A07300443", "253072A07300443"),
        ("2 95 10 99 126 111 93", "295109912611193"),
        ("2.95.10.99.126.111.93", "295109912611193"),
        ("253072b07300470", "253072B07300470"),
    ],
)
def test_validate_nir_accepts_domain_vectors(value: str, compact: str) -> None:
    assert validate_nir(value) == NirResult(compact, ())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("295109912611199", "La clé de contrôle du numéro de sécurité sociale est incorrecte."),
        ("253072C07300443", "Le numéro de sécurité sociale n'est pas au bon format."),
        ("29510991261119", "Le numéro de sécurité sociale doit comporter 15 caractères."),
        ("2951099126111934", "Le numéro de sécurité sociale doit comporter 15 caractères."),
        ("2951099X2611193", "Le numéro de sécurité sociale n'est pas au bon format."),
        ("", "Le numéro de sécurité sociale est obligatoire."),
        (" . ", "Le numéro de sécurité sociale est obligatoire."),
    ],
)
def test_validate_nir_refuses_with_french_message(value: str, message: str) -> None:
    assert error_message(validate_nir, value) == message


def test_clean_nir_removes_spaces_and_dots_and_uppercases() -> None:
    assert clean_nir(" 2 53 07 2b.073.004 70 ") == "253072B07300470"


@pytest.mark.parametrize("month", ["20", "30", "42", "50", "63", "99"])
def test_validate_nir_accepts_months_of_incomplete_civil_status(month: str) -> None:
    nir = nir_with_key(f"295{month}99126111")
    assert validate_nir(nir) == NirResult(nir, ())


@pytest.mark.parametrize("month", ["00", "13", "19", "43", "49"])
def test_validate_nir_refuses_months_that_do_not_exist(month: str) -> None:
    message = "Le mois de naissance indiqué dans le numéro de sécurité sociale n'est pas valide."
    assert error_message(validate_nir, nir_with_key(f"295{month}99126111")) == message


@pytest.mark.parametrize("sex", ["7", "8"])
def test_validate_nir_accepts_temporary_number_with_warning(sex: str) -> None:
    nir = nir_with_key(f"{sex}951099126111")
    assert validate_nir(nir) == NirResult(nir, (TEMPORARY_WARNING,))


@pytest.mark.parametrize("sex", ["0", "3", "4", "5", "6", "9"])
def test_validate_nir_refuses_other_first_digits(sex: str) -> None:
    message = "Le numéro de sécurité sociale doit commencer par 1 ou 2 (ou par 7 ou 8 pour un numéro provisoire)."
    assert error_message(validate_nir, nir_with_key(f"{sex}951099126111")) == message


def test_nir_consistency_warnings_none_when_everything_matches() -> None:
    assert nir_consistency_warnings("2 95 10 99 126 111 93", "Mme", date(1995, 10, 4)) == ()


def test_nir_consistency_warnings_flag_sex_against_civility() -> None:
    assert nir_consistency_warnings("295109912611193", "M", date(1995, 10, 4)) == (SEX_MISMATCH,)
    assert nir_consistency_warnings(nir_with_key("1951099126111"), "Mme", None) == (SEX_MISMATCH,)


def test_nir_consistency_warnings_flag_year_and_month_against_birth_date() -> None:
    assert nir_consistency_warnings("295109912611193", None, date(1996, 10, 4)) == (YEAR_MISMATCH,)
    assert nir_consistency_warnings("295109912611193", None, date(1995, 11, 4)) == (MONTH_MISMATCH,)
    warnings = nir_consistency_warnings("295109912611193", "M", date(1994, 3, 1))
    assert warnings == (SEX_MISMATCH, YEAR_MISMATCH, MONTH_MISMATCH)


def test_nir_consistency_warnings_skip_month_when_nir_has_no_real_month() -> None:
    assert nir_consistency_warnings(nir_with_key("2953099126111"), "Mme", date(1995, 7, 1)) == ()


def test_nir_consistency_warnings_match_temporary_numbers_by_sex() -> None:
    assert nir_consistency_warnings(nir_with_key("8951099126111"), "Mme", date(1995, 10, 1)) == ()
    assert nir_consistency_warnings(nir_with_key("7951099126111"), "Mme", None) == (SEX_MISMATCH,)


def test_nir_consistency_warnings_ignore_invalid_nir_and_missing_data() -> None:
    assert nir_consistency_warnings("295109912611199", "M", date(2001, 1, 1)) == ()
    assert nir_consistency_warnings("295109912611193", None, None) == ()


def test_format_and_mask_nir_show_only_sex_year_and_key() -> None:
    assert format_nir("295109912611193") == "2 95 10 99 126 111 93"
    assert mask_nir("295109912611193") == "2 95 ** ** *** *** 93"
    assert mask_nir("253072B07300470") == "2 53 ** ** *** *** 70"


# --- Code organisme ----------------------------------------------------------------------------------------

REGIMES = {"01": "régime général", "02": "MSA", "91": "MGEN"}


@pytest.mark.parametrize(("value", "compact"), [("01 751 0000", "017510000"), ("919190000", "919190000")])
def test_validate_code_organisme_accepts_allowed_regimes(value: str, compact: str) -> None:
    assert validate_code_organisme(value, REGIMES) == compact


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Le code de votre organisme d'assurance maladie est obligatoire."),
        ("01 751 000", "Le code de votre organisme d'assurance maladie doit comporter 9 chiffres."),
        ("01 751 00000", "Le code de votre organisme d'assurance maladie doit comporter 9 chiffres."),
        ("01 751 000A", "Le code de votre organisme d'assurance maladie doit comporter 9 chiffres."),
        (
            "05 751 0000",
            "Le régime « 05 » indiqué par le code organisme n'est pas accepté par ce contrat. "
            "Régimes acceptés : 01 (régime général), 02 (MSA), 91 (MGEN).",
        ),
    ],
)
def test_validate_code_organisme_refuses_with_french_message(value: str, message: str) -> None:
    assert error_message(validate_code_organisme, value, REGIMES) == message


def test_format_code_organisme_groups_regime_caisse_centre() -> None:
    assert format_code_organisme("017510000") == "01 751 0000"


# --- IBAN and BIC ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "compact"),
    [
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("FR7630006000011234567890189", "FR7630006000011234567890189"),
        ("fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),
        # no national-key algorithm in schwifty for Sweden: accepted without a warning (warnings are errors)
        ("SE45 5000 0000 0583 9825 7466", "SE4550000000058398257466"),
    ],
)
def test_validate_iban_accepts_sepa_accounts(value: str, compact: str) -> None:
    assert validate_iban(value) == compact


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("FR14 2004 1010 0505 0001 3M02 607", "La clé de contrôle de l'IBAN est incorrecte."),
        ("FR1420041010050500013M02", "L'IBAN n'a pas la bonne longueur pour ce pays."),
        # ISO key correct, RIB key 88 instead of 89
        ("FR0630006000011234567890188", "La clé RIB de cet IBAN est incorrecte."),
        ("FR763000A000011234567890189", "L'IBAN n'est pas au bon format pour ce pays."),
        ("AL35202111090000000001234567", "Seuls les comptes de la zone SEPA sont acceptés."),
        ("XX7630006000011234567890189", "Le code pays de l'IBAN n'est pas reconnu."),
        ("FR76-3000-6000-0112-3456-7890-189", "L'IBAN ne doit contenir que des lettres et des chiffres."),
        ("", "L'IBAN est obligatoire."),
    ],
)
def test_validate_iban_refuses_with_french_message(value: str, message: str) -> None:
    assert error_message(validate_iban, value) == message


def test_format_and_mask_iban() -> None:
    assert format_iban("FR7630006000011234567890189") == "FR76 3000 6000 0112 3456 7890 189"
    assert mask_iban("FR7630006000011234567890189") == "FR76 **** **** **** **** 7890 189"
    assert mask_iban("DE89370400440532013000") == "DE89 **** **** ***2 0130 00"


def test_bic_from_iban_uses_bank_registry() -> None:
    assert bic_from_iban("FR1420041010050500013M02606") == "PSSTFRPP"
    assert bic_from_iban("FR7630006000011234567890189") == "AGRIFRPPXXX"


def test_bic_from_iban_is_none_for_unknown_bank() -> None:
    assert bic_from_iban("FR7699999000011234567890152") is None


def test_bic_from_iban_refuses_invalid_iban() -> None:
    assert error_message(bic_from_iban, "FR1420041010050500013M02607") == "La clé de contrôle de l'IBAN est incorrecte."


@pytest.mark.parametrize(
    ("value", "compact"), [("PSSTFRPP", "PSSTFRPP"), ("psst fr pp xxx", "PSSTFRPPXXX"), ("DEUTDEFF500", "DEUTDEFF500")]
)
def test_validate_bic_accepts_8_or_11_characters(value: str, compact: str) -> None:
    assert validate_bic(value) == compact


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("PSSTFRP", "Le BIC doit comporter 8 ou 11 caractères."),
        ("PSSTFRPPXX", "Le BIC doit comporter 8 ou 11 caractères."),
        ("PSSTFRP!", "Le BIC n'est pas au bon format."),
        ("PSSTXXPP", "Le code pays du BIC n'est pas reconnu."),
        ("", "Le BIC est obligatoire."),
    ],
)
def test_validate_bic_refuses_with_french_message(value: str, message: str) -> None:
    assert error_message(validate_bic, value) == message


# --- ICS ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "compact"),
    [
        ("FR46ZZZ005002", "FR46ZZZ005002"),
        ("DE98ZZZ09999999999", "DE98ZZZ09999999999"),
        ("fr 46 zzz 005002", "FR46ZZZ005002"),
        ("FR46ABC005002", "FR46ABC005002"),  # the business code is outside the key
    ],
)
def test_validate_ics_accepts_valid_identifiers(value: str, compact: str) -> None:
    assert validate_ics(value) == compact


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("FR47ZZZ005002", "La clé de contrôle de l'identifiant créancier SEPA (ICS) est incorrecte."),
        ("FR46ZZZ005003", "La clé de contrôle de l'identifiant créancier SEPA (ICS) est incorrecte."),
        ("DE97ZZZ09999999999", "La clé de contrôle de l'identifiant créancier SEPA (ICS) est incorrecte."),
        ("FR46ZZZ00500", "Un identifiant créancier SEPA (ICS) français comporte 13 caractères."),
        ("F146ZZZ005002", "L'identifiant créancier SEPA (ICS) n'est pas au bon format."),
        ("FR4XZZZ005002", "L'identifiant créancier SEPA (ICS) n'est pas au bon format."),
        ("FR46ZZZ00500É", "L'identifiant créancier SEPA (ICS) n'est pas au bon format."),
        ("FR46ZZZ", "L'identifiant créancier SEPA (ICS) n'est pas au bon format."),
        ("", "L'identifiant créancier SEPA (ICS) est obligatoire."),
    ],
)
def test_validate_ics_refuses_with_french_message(value: str, message: str) -> None:
    assert error_message(validate_ics, value) == message


@given(
    country=st.sampled_from(["FR", "DE", "ES", "IT", "BE"]),
    national=st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=28),
)
def test_ics_check_digits_agree_with_stdnum_at_02(country: str, national: str) -> None:
    """python-stdnum's ``eu.at_02`` is an independent implementation of the same EPC algorithm."""
    assert ics_check_digits(country, national) == at_02.calc_check_digits(f"{country}00ZZZ{national}")


# --- RUM ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["A", "HP-2026-000123-21", "x" * 35, "a/b-c?d:e(f)g.h,i'j+k", "AB/CD"])
def test_validate_rum_accepts_sepa_characters(value: str) -> None:
    assert validate_rum(value) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "La référence unique du mandat (RUM) est obligatoire."),
        ("x" * 36, "La référence unique du mandat (RUM) ne doit pas dépasser 35 caractères."),
        ("HP 2026", "La référence unique du mandat (RUM) ne doit pas contenir d'espace."),
        ("HP_2026é", "La référence unique du mandat (RUM) contient des caractères non autorisés : _ é."),
        ("/HP-2026", "La référence unique du mandat (RUM) ne doit ni commencer ni se terminer par « / »."),
        ("HP-2026/", "La référence unique du mandat (RUM) ne doit ni commencer ni se terminer par « / »."),
        ("HP//2026", "La référence unique du mandat (RUM) ne doit pas contenir « // »."),
    ],
)
def test_validate_rum_refuses_with_french_message(value: str, message: str) -> None:
    assert error_message(validate_rum, value) == message


def test_generate_rum_is_deterministic_and_readable() -> None:
    assert generate_rum("HP", 123, 2026) == "HP-2026-000123-21"
    assert generate_rum("HP", 123, 2026) == generate_rum("HP", 123, 2026)
    assert generate_rum("HP", 1_234_567, 2026).startswith("HP-2026-1234567-")


@given(contract_id=st.integers(min_value=1, max_value=10**12), year=st.integers(min_value=2000, max_value=2100))
def test_generate_rum_is_always_valid_and_checksummed(contract_id: int, year: int) -> None:
    rum = generate_rum("HP", contract_id, year)
    assert validate_rum(rum) == rum
    body, check = rum.rsplit("-", 1)
    assert int(body.replace("-", "").replace("HP", "1725") + check) % 97 == 1  # ISO 7064 mod 97-10, H=17 P=25


def test_generate_rum_differs_per_contract() -> None:
    assert len({generate_rum("HP", contract_id, 2026) for contract_id in range(1, 2000)}) == 1999


@pytest.mark.parametrize(
    ("prefix", "contract_id", "year"), [("H P", 1, 2026), ("/HP", 1, 2026), ("HP", 0, 2026), ("HP", 1, 26)]
)
def test_generate_rum_refuses_what_cannot_give_a_valid_reference(prefix: str, contract_id: int, year: int) -> None:
    with pytest.raises(ValueError, match="RUM"):
        generate_rum(prefix, contract_id, year)
