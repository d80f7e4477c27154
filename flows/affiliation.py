"""« Mon parcours d'affiliation » (docs/JOURNEYS.md §1): régime, who to cover, formula, review."""

from __future__ import annotations

from forms.affiliation import ChildrenForm, FormulaForm, HouseholdForm, NoCoverForm, RegimeForm
from forms.context import Answers
from wizard.journeys.flow import Flow, FormStep, ReviewStep, TerminalStep


def covers_children(answers: Answers) -> bool:
    """The agent asked to cover at least one child."""
    return bool(answers.value("household", "cover_children") == "yes")


def covers_nobody(answers: Answers) -> bool:
    """Neither partner nor children: the agent must confirm what non-coverage means."""
    household = answers.get("household", {})
    return household.get("cover_partner") == "no" and household.get("cover_children") == "no"


FLOW = Flow(
    id="affiliation",
    version=1,
    title="Mon parcours d'affiliation",
    description="Votre régime, les personnes à couvrir et votre formule santé.",
    help_template="help/affiliation.html",
    member_can_start=True,
    steps=(
        FormStep(
            id="regime",
            title="Mon régime de Sécurité sociale",
            form=RegimeForm,
            lead="Seuls les agents relevant de la Sécurité sociale française peuvent être affiliés au contrat.",
        ),
        FormStep(
            id="household",
            title="Les personnes à couvrir",
            form=HouseholdForm,
            template="steps/affiliation/household.html",
            lead="Vos ayants droit bénéficient du tarif négocié, sans participation de l'employeur.",
        ),
        FormStep(
            id="no_cover",
            title="Je confirme couvrir uniquement moi-même",
            form=NoCoverForm,
            when=covers_nobody,
            stage="Les personnes à couvrir",
            lead=(
                "Vous avez choisi de ne couvrir ni conjoint(e) ni enfant. Ils ne bénéficieront d'aucun "
                "remboursement au titre de ce contrat. Vous pourrez les ajouter plus tard, par exemple après "
                "un changement de situation familiale."
            ),
        ),
        FormStep(
            id="children",
            title="Mes enfants",
            form=ChildrenForm,
            when=covers_children,
            template="steps/affiliation/children.html",
            stage="Les personnes à couvrir",
            lead=(
                "Un enfant peut être couvert jusqu'à 21 ans, jusqu'à 25 ans s'il est étudiant, apprenti ou "
                "demandeur d'emploi, et sans limite d'âge en cas de handicap reconnu par la CDAPH."
            ),
        ),
        FormStep(
            id="formula",
            title="Ma formule santé",
            form=FormulaForm,
            template="steps/affiliation/formula.html",
        ),
        ReviewStep(
            id="review",
            title="Je vérifie mes réponses",
            submit_label="Je valide mon affiliation",
            lead="Vérifiez vos réponses ; vous pouvez encore les modifier.",
        ),
        TerminalStep(
            id="done",
            title="Affiliation validée", stage="Confirmation",
            message="Votre affiliation est enregistrée. Il vous reste à compléter et signer votre adhésion.",
            then="subscription",
        ),
    ),
)
