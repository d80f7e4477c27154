"""The password policy (CNIL délibération 2022-100, with login throttling): pure rules, French messages.

Forms check it; ``wizard.entry.passwords`` only hashes.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 128  # argon2 hashes anything, but a megabyte "password" is only a way to burn CPU
COMMON_PASSWORDS_FILE = Path(__file__).resolve().parent.parent / "config" / "common-passwords.txt"
CLASS_NAMES = ("une minuscule", "une majuscule", "un chiffre", "un caractère spécial")
POLICY_HINT = (
    "Au moins 8 caractères, avec au moins 3 des 4 types suivants : minuscule, majuscule, chiffre, "
    "caractère spécial. Évitez les mots de passe courants."
)


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def character_classes(password: str) -> tuple[bool, bool, bool, bool]:
    """Which of lowercase, uppercase, digit and special character the password contains."""
    return (
        any(c.islower() for c in password),
        any(c.isupper() for c in password),
        any(c.isdigit() for c in password),
        any(not c.isalnum() for c in password),
    )


def password_problems(password: str, *, email: str = "") -> list[str]:
    """Why a password is refused, in French, or an empty list when it meets the policy."""
    if len(password) < MIN_LENGTH:
        return [f"Votre mot de passe doit contenir au moins {MIN_LENGTH} caractères."]
    if len(password) > MAX_LENGTH:
        return [f"Votre mot de passe doit contenir au plus {MAX_LENGTH} caractères."]
    problems = []
    classes = character_classes(password)
    if sum(classes) < 3:
        missing = ", ".join(name for name, present in zip(CLASS_NAMES, classes, strict=True) if not present)
        problems.append(
            f"Votre mot de passe doit mélanger au moins 3 types de caractères ; ajoutez par exemple : {missing}."
        )
    if password.lower() in common_passwords():
        problems.append("Ce mot de passe fait partie des plus courants et serait vite deviné : choisissez-en un autre.")
    local_part = email.split("@", 1)[0].lower()
    if len(local_part) >= 4 and local_part in password.lower():
        problems.append("Votre mot de passe ne doit pas contenir votre adresse e-mail.")
    return problems


def password_strength(password: str) -> str:
    """« Faible », « Moyenne » or « Forte », the same scale as the meter of ``static/password-meter.js``."""
    if password_problems(password):
        return "Faible"
    if len(password) >= 12 and sum(character_classes(password)) == 4:
        return "Forte"
    return "Moyenne"
