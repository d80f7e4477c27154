"""Account forms: create or activate the identifier, forgotten password, new password.

The password policy itself (CNIL 2022-100) lives in ``wizard.entry.passwords``; these forms only put its French
explanations next to the field, so a refusal is explained with or without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from forms.fields import CleanTextMeta
from forms.passwords import MAX_LENGTH, POLICY_HINT, password_problems

EMAIL_REQUIRED = "Indiquez votre adresse e-mail."
EMAIL_INVALID = "Indiquez une adresse e-mail valide, par exemple prenom.nom@exemple.fr."


class FrenchForm(FlaskForm):
    """Forms outside the journeys (accounts, Mon compte, HR screens): French messages, and text cleaned like the
    step forms' (:class:`forms.fields.CleanTextMeta`: a blank or zero-width value is no value)."""

    class Meta(CleanTextMeta):
        locales = ("fr_FR", "fr")


def email_field(label: str, description: str = "") -> EmailField:
    return EmailField(
        label,
        description=description,
        validators=[DataRequired(EMAIL_REQUIRED), Length(max=254, message=EMAIL_INVALID), Email(EMAIL_INVALID)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )


class NewPasswordMixin(FlaskForm):
    """A new password with its confirmation; ``password_owner_email`` feeds the « not your email » rule."""

    password = PasswordField(
        "Mot de passe",
        description=POLICY_HINT,
        validators=[DataRequired("Choisissez un mot de passe."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "new-password", "data-password-meter": "true"},
    )
    confirm = PasswordField(
        "Confirmer le mot de passe",
        validators=[
            DataRequired("Saisissez à nouveau votre mot de passe."),
            EqualTo("password", "Les deux mots de passe ne sont pas identiques."),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def password_owner_email(self) -> str:
        return ""

    def validate_password(self, field: PasswordField) -> None:
        problems = password_problems(field.data or "", email=self.password_owner_email())
        if problems:
            raise ValidationError(" ".join(problems))


class CreateIdentifierForm(FrenchForm, NewPasswordMixin):
    """« Créer votre identifiant » (and « Activer mon compte »): the email is prefilled and may be changed."""

    email = email_field(
        "Identifiant (adresse e-mail)",
        "Votre adresse professionnelle est proposée ; vous pouvez en choisir une autre. Si vous la changez, "
        "un lien de confirmation valable 24 h vous sera envoyé.",
    )

    def password_owner_email(self) -> str:
        return str(self.email.data or "")


class ForgotPasswordForm(FrenchForm):
    email = email_field("Adresse e-mail de votre compte")


class ResetPasswordForm(FrenchForm, NewPasswordMixin):
    def __init__(self, *args: object, owner_email: str = "", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._owner_email = owner_email

    def password_owner_email(self) -> str:
        return self._owner_email


class ChangePasswordForm(FrenchForm, NewPasswordMixin):
    """« Changer mon mot de passe »: the current password first (a left-open session is not enough)."""

    current_password = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired("Saisissez votre mot de passe actuel."), Length(max=MAX_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )

    def __init__(
        self,
        *args: object,
        owner_email: str = "",
        is_current_password: Callable[[str], bool] = lambda _password: False,
        **kwargs: object,
    ) -> None:
        """``is_current_password`` checks a typed password against the stored hash (hashing is not the forms'
        business: the view passes ``wizard.entry.passwords.verify_password`` bound to the account)."""
        super().__init__(*args, **kwargs)
        self._owner_email = owner_email
        self._is_current_password = is_current_password

    def password_owner_email(self) -> str:
        return self._owner_email

    def validate_current_password(self, field: PasswordField) -> None:
        if not self._is_current_password(field.data or ""):
            raise ValidationError("Ce mot de passe n'est pas votre mot de passe actuel.")

    def validate_password(self, field: PasswordField) -> None:
        super().validate_password(field)
        if field.data and self._is_current_password(field.data):
            raise ValidationError("Choisissez un mot de passe différent de votre mot de passe actuel.")
