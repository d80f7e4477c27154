"""The consent box of a signing step, and the one-time code form of the embedded ceremony."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField
from wtforms.validators import DataRequired, Length

CONSENT_REQUIRED = "Cochez la case pour certifier l'exactitude de votre déclaration avant de signer."
#: a tick time reported by the browser is kept only if it is this recent (else the button time counts)
TICK_PLAUSIBLE_FOR = timedelta(hours=2)


class ConsentForm(FlaskForm):
    """The unticked certification box; its label is the step's exact consent text."""

    class Meta:
        csrf = False  # CSRFProtect guards every POST globally
        locales = ("fr_FR", "fr")

    consent = BooleanField(validators=[DataRequired(CONSENT_REQUIRED)])
    #: filled by wizard/static/signing.js when the box is ticked (ISO 8601, UTC)
    consent_ticked_at = HiddenField()

    def __init__(self, *args: Any, consent_text: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.consent.label.text = consent_text

    def ticked_at(self, now: datetime) -> datetime | None:
        """The browser's tick time when it is plausible (before ``now``, and recent); None otherwise."""
        try:
            moment = datetime.fromisoformat(str(self.consent_ticked_at.data or "").replace("Z", "+00:00"))
        except ValueError:
            return None
        if moment.tzinfo is None:
            return None
        moment = moment.astimezone(UTC)
        return moment if now - TICK_PLAUSIBLE_FOR <= moment <= now else None


class CodeForm(FlaskForm):
    class Meta:
        csrf = False  # CSRFProtect guards every POST globally
        locales = ("fr_FR", "fr")

    code = StringField(
        "Code reçu par courriel (6 chiffres)",
        validators=[DataRequired("Saisissez les 6 chiffres du code reçu par courriel."), Length(max=20)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": "7"},
    )
