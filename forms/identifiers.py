"""Identifiers a member types in: NIR, code organisme, IBAN, BIC, and the SEPA creditor's ICS and RUM.

Pure functions, no Flask: the WTForms validators (:mod:`forms.validators`), the engine and the document
builders all call them. Checksums come from the libraries that maintain them (``stdnum.fr.nir`` for the NIR
key and the Corsican departments, ``schwifty`` for the IBAN, the French RIB key and the BIC); this module adds
the rules those libraries leave out (see docs/DOMAIN.md, "Identifiers") and turns every failure into a French
sentence a member understands. Every validator returns the compact form, which is what is stored.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from schwifty import BIC, IBAN
from schwifty import exceptions as schwifty_errors
from stdnum import exceptions as stdnum_errors
from stdnum.fr import nir as stdnum_nir
from stdnum.iso7064 import mod_97_10
from stdnum.util import isdigits


class IdentifierError(ValueError):
    """An identifier was refused; ``message`` is the French sentence shown to the member."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _compact(value: str) -> str:
    """Spaces (including non-breaking ones pasted from a PDF) are layout, never content."""
    return "".join(value.split()).upper()


def _group(value: str, sizes: tuple[int, ...]) -> str:
    parts, start = [], 0
    for size in sizes:
        parts.append(value[start : start + size])
        start += size
    return " ".join(part for part in parts if part)


# --- NIR -------------------------------------------------------------------------------------------------

NIR_REQUIRED = "Le numéro de sécurité sociale est obligatoire."
NIR_LENGTH = "Le numéro de sécurité sociale doit comporter 15 caractères."
NIR_FORMAT = "Le numéro de sécurité sociale n'est pas au bon format."
NIR_KEY = "La clé de contrôle du numéro de sécurité sociale est incorrecte."
NIR_SEX = "Le numéro de sécurité sociale doit commencer par 1 ou 2 (ou par 7 ou 8 pour un numéro provisoire)."
NIR_MONTH = "Le mois de naissance indiqué dans le numéro de sécurité sociale n'est pas valide."
NIR_TEMPORARY = (
    "Ce numéro de sécurité sociale est un numéro provisoire : pensez à nous communiquer votre numéro "
    "définitif dès que vous l'aurez reçu."
)
NIR_SEX_MISMATCH = (
    "Le premier chiffre du numéro de sécurité sociale ne correspond pas à la civilité indiquée : vérifiez votre saisie."
)
NIR_YEAR_MISMATCH = (
    "L'année de naissance du numéro de sécurité sociale ne correspond pas à la date de naissance indiquée : "
    "vérifiez votre saisie."
)
NIR_MONTH_MISMATCH = (
    "Le mois de naissance du numéro de sécurité sociale ne correspond pas à la date de naissance indiquée : "
    "vérifiez votre saisie."
)

#: first digit → civility it normally goes with; 7 and 8 are the temporary numbers (NIA)
_NIR_SEX_CIVILITY = {"1": "M", "2": "Mme", "7": "M", "8": "Mme"}
_NIR_TEMPORARY_SEX = frozenset({"7", "8"})

_NIR_STDNUM_MESSAGES: dict[type[stdnum_errors.ValidationError], str] = {
    stdnum_errors.InvalidLength: NIR_LENGTH,
    stdnum_errors.InvalidFormat: NIR_FORMAT,
    stdnum_errors.InvalidChecksum: NIR_KEY,
}


@dataclass(frozen=True)
class NirResult:
    """A NIR that may be stored (``compact``) and what the member should still be told (``warnings``)."""

    compact: str
    warnings: tuple[str, ...] = ()


def clean_nir(value: str) -> str:
    """Spaces and dots are how NIRs are printed on cards and letters, not part of the number."""
    return _compact(value).replace(".", "")


def _nir_month_is_valid(month: int) -> bool:
    """01–12, or 20–42 and 50–99 which INSEE gives when the civil status is incomplete."""
    return 1 <= month <= 12 or 20 <= month <= 42 or month >= 50


def validate_nir(value: str) -> NirResult:
    """Check a NIR: structure, Corsica and key by ``stdnum.fr.nir``, then the first digit and the month.

    Length is checked first so that a missing digit gets its own message rather than a format or key one.
    """
    compact = clean_nir(value)
    if not compact:
        raise IdentifierError(NIR_REQUIRED)
    if len(compact) != 15:
        raise IdentifierError(NIR_LENGTH)
    try:
        stdnum_nir.validate(compact)
    except stdnum_errors.ValidationError as error:
        raise IdentifierError(_NIR_STDNUM_MESSAGES.get(type(error), NIR_FORMAT)) from error
    if compact[0] not in _NIR_SEX_CIVILITY:
        raise IdentifierError(NIR_SEX)
    if not _nir_month_is_valid(int(compact[3:5])):
        raise IdentifierError(NIR_MONTH)
    return NirResult(compact, (NIR_TEMPORARY,) if compact[0] in _NIR_TEMPORARY_SEX else ())


def nir_consistency_warnings(nir: str, civility: str | None, birth_date: date | None) -> tuple[str, ...]:
    """Cross-check a valid NIR with the civility ("M"/"Mme") and birth date, as warnings only.

    Never an error: legal sex changes exist, and months 20–42/50+ carry no month at all. A NIR that does
    not pass :func:`validate_nir` yields no warning here; its error is reported there.
    """
    try:
        compact = validate_nir(nir).compact
    except IdentifierError:
        return ()
    found: list[str] = []
    if civility is not None and _NIR_SEX_CIVILITY[compact[0]] != civility:
        found.append(NIR_SEX_MISMATCH)
    if birth_date is not None:
        if int(compact[1:3]) != birth_date.year % 100:
            found.append(NIR_YEAR_MISMATCH)
        month = int(compact[3:5])
        if 1 <= month <= 12 and month != birth_date.month:
            found.append(NIR_MONTH_MISMATCH)
    return tuple(found)


_NIR_GROUPS = (1, 2, 2, 2, 3, 3, 2)


def format_nir(compact: str) -> str:
    """The grouping printed on the carte Vitale: ``2 95 10 99 126 111 93``."""
    return _group(compact, _NIR_GROUPS)


def mask_nir(compact: str) -> str:
    """Only sex, year and key stay readable (``2 95 ** ** *** *** 93``): the NIR décret forbids more."""
    masked = compact[:3] + "*" * (len(compact) - 5) + compact[-2:]
    return _group(masked, _NIR_GROUPS)


# --- Code organisme ----------------------------------------------------------------------------------------

CODE_ORGANISME_REQUIRED = "Le code de votre organisme d'assurance maladie est obligatoire."
CODE_ORGANISME_FORMAT = "Le code de votre organisme d'assurance maladie doit comporter 9 chiffres."


def validate_code_organisme(value: str, allowed_regimes: Mapping[str, str]) -> str:
    """9 digits (régime, caisse, centre) whose régime is one the contract accepts (a *config* list)."""
    compact = _compact(value)
    if not compact:
        raise IdentifierError(CODE_ORGANISME_REQUIRED)
    if len(compact) != 9 or not isdigits(compact):
        raise IdentifierError(CODE_ORGANISME_FORMAT)
    if compact[:2] not in allowed_regimes:
        raise IdentifierError(_regime_refused_message(compact[:2], allowed_regimes))
    return compact


def _regime_refused_message(regime: str, allowed_regimes: Mapping[str, str]) -> str:
    accepted = ", ".join(f"{code} ({label})" for code, label in sorted(allowed_regimes.items()))
    return (
        f"Le régime « {regime} » indiqué par le code organisme n'est pas accepté par ce contrat. "
        f"Régimes acceptés : {accepted}."
    )


def format_code_organisme(compact: str) -> str:
    """The grouping of attestations de droits: ``01 751 0000``."""
    return _group(compact, (2, 3, 4))


# --- IBAN and BIC ------------------------------------------------------------------------------------------

IBAN_REQUIRED = "L'IBAN est obligatoire."
IBAN_CHARACTERS = "L'IBAN ne doit contenir que des lettres et des chiffres."
IBAN_COUNTRY = "Le code pays de l'IBAN n'est pas reconnu."
IBAN_NOT_SEPA = "Seuls les comptes de la zone SEPA sont acceptés."
IBAN_LENGTH = "L'IBAN n'a pas la bonne longueur pour ce pays."
IBAN_FORMAT = "L'IBAN n'est pas au bon format pour ce pays."
IBAN_CHECKSUM = "La clé de contrôle de l'IBAN est incorrecte."
IBAN_BBAN_CHECKSUM = "La clé RIB de cet IBAN est incorrecte."

_IBAN_ERROR_MESSAGES: dict[type[schwifty_errors.SchwiftyException], str] = {
    schwifty_errors.InvalidCountryCode: IBAN_COUNTRY,
    schwifty_errors.InvalidLength: IBAN_LENGTH,
    schwifty_errors.InvalidStructure: IBAN_FORMAT,
    schwifty_errors.InvalidChecksumDigits: IBAN_CHECKSUM,
    schwifty_errors.InvalidBBANChecksum: IBAN_BBAN_CHECKSUM,
}

#: characters left readable by :func:`mask_iban`: country and check digits, then the end of the account
_IBAN_VISIBLE_START = 4
_IBAN_VISIBLE_END = 7


def validate_iban(value: str) -> str:
    """Check an IBAN with schwifty (ISO 13616 key, length and structure per country, French RIB key).

    The SEPA zone is checked before the keys so that a foreign account gets the message that matters to
    the member (we cannot debit it) rather than a technical one.
    """
    compact = _compact(value)
    if not compact:
        raise IdentifierError(IBAN_REQUIRED)
    if not (compact.isascii() and compact.isalnum()):
        raise IdentifierError(IBAN_CHARACTERS)
    try:
        iban = IBAN(compact, allow_invalid=True)
        if not iban.in_sepa_zone:
            raise IdentifierError(IBAN_NOT_SEPA)
        _validate_with_bban(iban)
    except schwifty_errors.SchwiftyException as error:
        raise IdentifierError(_IBAN_ERROR_MESSAGES.get(type(error), IBAN_FORMAT)) from error
    return str(iban.compact)


def _validate_with_bban(iban: IBAN) -> None:
    """Validate including the national key, without warning where schwifty has no algorithm for it.

    For a few SEPA countries (Sweden, Hungary, the French overseas codes…) schwifty knows no national key
    algorithm and emits ``NationalChecksumNotVerified``: the ISO key still protects those IBANs, so they
    are accepted silently. ``catch_warnings`` swaps a process-wide filter list; under concurrent threads
    the worst case is a warning shown or hidden elsewhere, never a wrong validation.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", schwifty_errors.NationalChecksumNotVerified)
        iban.validate(validate_bban=True)


def format_iban(compact: str) -> str:
    """Groups of four, as printed on a RIB."""
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mask_iban(compact: str) -> str:
    """Country, check digits and the last seven characters stay readable so members recognise the account."""
    hidden = max(len(compact) - _IBAN_VISIBLE_START - _IBAN_VISIBLE_END, 0)
    start = _IBAN_VISIBLE_START
    return format_iban(compact[:start] + "*" * hidden + compact[start + hidden :])


def bic_from_iban(compact: str) -> str | None:
    """The bank's BIC when schwifty's bank registry knows the bank code, so the member need not type it.

    Raises :class:`IdentifierError` when ``compact`` is not a valid IBAN.
    """
    bic = IBAN(validate_iban(compact)).bic
    return None if bic is None else str(bic)


BIC_REQUIRED = "Le BIC est obligatoire."
BIC_LENGTH = "Le BIC doit comporter 8 ou 11 caractères."
BIC_FORMAT = "Le BIC n'est pas au bon format."
BIC_COUNTRY = "Le code pays du BIC n'est pas reconnu."

_BIC_ERROR_MESSAGES: dict[type[schwifty_errors.SchwiftyException], str] = {
    schwifty_errors.InvalidLength: BIC_LENGTH,
    schwifty_errors.InvalidStructure: BIC_FORMAT,
    schwifty_errors.InvalidCountryCode: BIC_COUNTRY,
}


def validate_bic(value: str) -> str:
    """Check a BIC's length, structure and country with schwifty (ISO 9362:2022)."""
    compact = _compact(value)
    if not compact:
        raise IdentifierError(BIC_REQUIRED)
    try:
        return str(BIC(compact))
    except schwifty_errors.SchwiftyException as error:
        raise IdentifierError(_BIC_ERROR_MESSAGES.get(type(error), BIC_FORMAT)) from error


# --- ICS (SEPA creditor identifier) ------------------------------------------------------------------------

ICS_REQUIRED = "L'identifiant créancier SEPA (ICS) est obligatoire."
ICS_FORMAT = "L'identifiant créancier SEPA (ICS) n'est pas au bon format."
ICS_FRENCH_LENGTH = "Un identifiant créancier SEPA (ICS) français comporte 13 caractères."
ICS_KEY = "La clé de contrôle de l'identifiant créancier SEPA (ICS) est incorrecte."


def ics_check_digits(country: str, national_part: str) -> str:
    """98 − ((national part + country + "00") mod 97), letters A=10…Z=35; the business code is excluded.

    The business code (``ZZZ`` by default) is left out of the key on purpose: a creditor may change it
    without getting a new identifier.
    """
    digits = "".join(str(int(char, 36)) for char in national_part + country + "00")
    return f"{98 - int(digits) % 97:02d}"


def validate_ics(value: str) -> str:
    """Check a SEPA creditor identifier (EPC262-08): country, key, business code, national part.

    ``stdnum.eu.at_02`` exists but is not used here: docs/DOMAIN.md asks for this algorithm written out, and the
    tests use that library as an independent oracle.
    """
    compact = _compact(value)
    if not compact:
        raise IdentifierError(ICS_REQUIRED)
    if not _ics_structure_is_valid(compact):
        raise IdentifierError(ICS_FORMAT)
    if compact.startswith("FR") and len(compact) != 13:
        raise IdentifierError(ICS_FRENCH_LENGTH)
    if ics_check_digits(compact[:2], compact[7:]) != compact[2:4]:
        raise IdentifierError(ICS_KEY)
    return compact


def _ics_structure_is_valid(compact: str) -> bool:
    """2 letters, 2 digits, 3-character business code, 1–28-character national part, ASCII only."""
    return (
        8 <= len(compact) <= 35
        and compact.isascii()
        and compact.isalnum()
        and compact[:2].isalpha()
        and isdigits(compact[2:4])
    )


# --- RUM (unique mandate reference) ------------------------------------------------------------------------

RUM_REQUIRED = "La référence unique du mandat (RUM) est obligatoire."
RUM_LENGTH = "La référence unique du mandat (RUM) ne doit pas dépasser 35 caractères."
RUM_SPACE = "La référence unique du mandat (RUM) ne doit pas contenir d'espace."
RUM_SLASH_EDGE = "La référence unique du mandat (RUM) ne doit ni commencer ni se terminer par « / »."
RUM_DOUBLE_SLASH = "La référence unique du mandat (RUM) ne doit pas contenir « // »."

#: the SEPA "restricted character set" the EPC rulebook allows in a mandate reference
RUM_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-?:().,'+")


def validate_rum(value: str) -> str:
    """Check a RUM against the EPC rules; returned as typed (surrounding blanks aside)."""
    rum = value.strip()
    if not rum:
        raise IdentifierError(RUM_REQUIRED)
    if len(rum) > 35:
        raise IdentifierError(RUM_LENGTH)
    if any(char.isspace() for char in rum):
        raise IdentifierError(RUM_SPACE)
    refused = sorted(set(rum) - RUM_ALPHABET)
    if refused:
        shown = " ".join(refused)
        raise IdentifierError(f"La référence unique du mandat (RUM) contient des caractères non autorisés : {shown}.")
    if rum.startswith("/") or rum.endswith("/"):
        raise IdentifierError(RUM_SLASH_EDGE)
    if "//" in rum:
        raise IdentifierError(RUM_DOUBLE_SLASH)
    return rum


def generate_rum(prefix: str, contract_id: int, year: int) -> str:
    """The RUM of a contract's mandate, e.g. ``HP-2026-000123-38``.

    Unique together with the ICS because the ICS names one creditor (us), the prefix is fixed per ICS
    (*config*), and contract ids are primary keys never reused: a new contract therefore always gets a new
    RUM, as the rulebook requires. Deterministic, so regenerating a document gives the same reference. The
    year is informative only. The two-digit ISO 7064 mod 97-10 suffix catches a mistyped reference when a
    bank or a member quotes it back to us.
    """
    if contract_id < 1 or not 1000 <= year <= 9999:
        raise ValueError(f"invalid contract id {contract_id} or year {year} for a RUM")
    body = f"{prefix}-{year}-{contract_id:06d}"
    check = mod_97_10.calc_check_digits("".join(char for char in body.upper() if char.isalnum()))
    try:
        return validate_rum(f"{body}-{check}")
    except IdentifierError as error:
        raise ValueError(f"RUM prefix {prefix!r} gives an invalid reference: {error.message}") from error
