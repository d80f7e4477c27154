"""Helpers shared by views: the acting person for the audit trail, and the current user's row."""

from __future__ import annotations

from flask import request
from flask_login import current_user

from wizard.engine import Actor
from wizard.models import User


def current_actor() -> Actor:
    user_id = current_user.id if current_user.is_authenticated else None
    return Actor(user_id=user_id, ip=request.remote_addr, user_agent=request.user_agent.string)


def me() -> User:
    user: User = current_user._get_current_object()
    return user
