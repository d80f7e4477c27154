"""French error pages: never a stack trace, always a way forward, saved answers untouched."""

from __future__ import annotations

import logging

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Demande incorrecte", "Cette demande n'a pas pu être traitée. Vos réponses enregistrées sont conservées."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou n'est pas accessible avec votre compte."),
    405: ("Action impossible", "Cette action n'est pas possible depuis cette page."),
    413: ("Envoi trop volumineux", "Les informations envoyées sont trop volumineuses."),
    429: (
        "Trop de tentatives",
        "Pour protéger votre compte, les tentatives sont temporairement limitées. Réessayez dans quelques minutes.",
    ),
    500: (
        "Une erreur est survenue",
        "Le service a rencontré un problème. Vos réponses enregistrées sont conservées ; réessayez dans un instant.",
    ),
}
CSRF_MESSAGE = (
    "Votre session a expiré ou ce formulaire n'est plus valide. Vos réponses déjà enregistrées sont conservées : "
    "revenez à la page précédente, rechargez-la, puis recommencez."
)


def render_error(code: int, message: str | None = None) -> tuple[str, int]:
    title, default = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", title=title, message=message or default, code=code), code


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error: CSRFError) -> tuple[str, int]:
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[str, int]:
        log.exception("unhandled error", exc_info=error)
        return render_error(500)
