"""HR forms: a campaign, and the CSV file of agents to invite."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from config.catalogue import Catalogue
from forms.fields import CleanTextMeta, options

DATE_MESSAGE = "Indiquez une date valide au format jj/mm/aaaa."
DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
#: well under MAX_CONTENT_LENGTH: about 10,000 agents per file
MAX_CSV_BYTES = 1024 * 1024


class CampaignForm(FlaskForm):
    class Meta(CleanTextMeta):
        locales = ("fr_FR", "fr")

    name = StringField("Nom de la campagne", validators=[DataRequired("Donnez un nom à la campagne."), Length(max=200)])
    employer = StringField("Employeur", validators=[DataRequired("Indiquez l'employeur."), Length(max=200)])
    contract_name = StringField("Contrat", validators=[DataRequired("Indiquez le contrat."), Length(max=200)])
    effective_date = DateField(
        "Date d'effet du contrat",
        validators=[DataRequired(DATE_MESSAGE)],
        format=DATE_FORMATS,
        description="Par exemple 01/05/2026.",
    )
    deadline = DateField(
        "Date limite de réponse des agents",
        validators=[DataRequired(DATE_MESSAGE)],
        format=DATE_FORMATS,
        description="Les liens envoyés expirent après cette date ; un agent sans réponse est affilié "
        "automatiquement sur la couverture de base.",
    )
    offer_version = SelectField("Offre", validators=[DataRequired("Choisissez l'offre.")])

    def __init__(self, *args: Any, catalogue: Catalogue, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.offer_version.choices = options(
            [(catalogue.version, f"{catalogue.contract_name} — version {catalogue.version}")]
        )

    def validate_deadline(self, field: DateField) -> None:
        if field.data is None:
            return
        if field.data < self.today:
            raise ValidationError("La date limite ne peut pas être déjà passée.")


class ImportForm(FlaskForm):
    class Meta:
        locales = ("fr_FR", "fr")

    file = FileField(
        "Fichier CSV des agents",
        validators=[FileRequired("Choisissez le fichier CSV à importer.")],
        description="Colonnes : email ; nom ; prenom ; date_de_naissance ; regime ; adresse_postale ; telephone. "
        "Séparateur « ; » ou « , », encodage UTF-8 ou Windows (Excel). 1 Mo au plus.",
        render_kw={"accept": ".csv,text/csv"},
    )

    def read(self) -> bytes:
        """The uploaded bytes (call after ``validate_on_submit``)."""
        data: bytes = self.file.data.read(MAX_CSV_BYTES + 1)
        return data

    def validate_file(self, field: FileField) -> None:
        upload = field.data
        if upload is None:
            return
        upload.stream.seek(0, 2)
        size = upload.stream.tell()
        upload.stream.seek(0)
        if size > MAX_CSV_BYTES:
            raise ValidationError("Le fichier dépasse 1 Mo : découpez-le en plusieurs envois.")
        if size == 0:
            raise ValidationError("Le fichier est vide.")
