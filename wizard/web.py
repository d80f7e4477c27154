"""Helpers shared by views: the acting person for the audit trail, and the current user's row."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from flask import abort, request
from flask_login import current_user

from wizard.extensions import login_manager
from wizard.models import Actor, User

P = ParamSpec("P")
R = TypeVar("R")


def current_actor() -> Actor:
    user_id = current_user.id if current_user.is_authenticated else None
    return Actor(user_id=user_id, ip=request.remote_addr, user_agent=request.user_agent.string)


def me() -> User:
    user: User = current_user._get_current_object()
    return user


def hr_required(view: Callable[P, R]) -> Callable[P, R]:
    """HR and admin only; anybody else gets the same 404 as for a page that does not exist."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()  # type: ignore[no-any-return]
        if not current_user.is_hr:
            abort(404)
        return view(*args, **kwargs)

    return guarded


def member_required(view: Callable[P, R]) -> Callable[P, R]:
    """Agents' pages: HR staff use previews instead of having journeys of their own."""

    @wraps(view)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()  # type: ignore[no-any-return]
        if current_user.is_hr:
            abort(404)
        return view(*args, **kwargs)

    return guarded
