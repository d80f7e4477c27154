"""Login, logout and the current user (Flask-Login); account creation lives in ``wizard.entry.views.accounts``."""

from __future__ import annotations

from flask import Flask

from wizard.db import db_session
from wizard.extensions import login_manager
from wizard.models import User


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    login_manager.user_loader(load_user)


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    return db_session().get(User, int(user_id))
