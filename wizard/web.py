"""Helpers shared by views: the acting person for the audit trail, the current user's row, a PDF response."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import wraps
from types import SimpleNamespace
from typing import Any, ParamSpec, TypeVar

from flask import abort, current_app, has_request_context, request, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from wizard.extensions import login_manager
from wizard.models import Actor, User

P = ParamSpec("P")
R = TypeVar("R")


def current_actor() -> Actor:
    user = current_user._get_current_object()  # one look-up through Flask-Login's proxy, not two
    user_id = user.id if user.is_authenticated else None
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


def pdf_response(content: bytes, filename: str, *, download: bool = True) -> Response:
    response = send_file(
        io.BytesIO(content), mimetype="application/pdf", as_attachment=download, download_name=filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


#: relative links remembered per application (cleared when full: journey links are many)
URL_CACHE_KEY, URL_CACHE_SIZE = "wizard.template_urls", 4096


def template_url_for(endpoint: str, **values: Any) -> str:
    """``url_for`` for templates, remembering the relative links it built: a step page writes a dozen (layout,
    stepper, form), each worth ≈ 40 calls inside Werkzeug's URL builder. External or anchored links, links
    relative to the current blueprint (``.name``), unhashable values and rendering outside a request are built
    as usual. A relative link depends on the URL map, complete once requests are served, and on the script
    root (this application has no ``url_defaults`` or URL value preprocessors)."""
    if endpoint.startswith(".") or not has_request_context() or any(name.startswith("_") for name in values):
        return url_for(endpoint, **values)
    cache: dict[tuple[Any, ...], str] = current_app.extensions.setdefault(URL_CACHE_KEY, {})
    key = (request.script_root, endpoint, *sorted(values.items()))
    try:
        return cache[key]
    except KeyError:
        pass
    except TypeError:  # a value that cannot be a key (a list…)
        return url_for(endpoint, **values)
    if len(cache) >= URL_CACHE_SIZE:
        cache.clear()
    url = cache[key] = url_for(endpoint, **values)
    return url


#: the layout's fixed links: its assets, the account menu and the logout form (name → endpoint, arguments)
LAYOUT_LINKS: dict[str, tuple[str, dict[str, Any]]] = {
    "css": ("static", {"filename": "app.css"}),
    "js": ("static", {"filename": "app.js"}),
    "session_js": ("static", {"filename": "session-timeout.js"}),
    "keep_alive": ("session.keep_alive", {}),
    "login": ("auth.login", {}),
    "home": ("auth.index", {}),
    "hr": ("hr.home", {}),
    "dashboard": ("dashboard.dashboard", {}),
    "documents": ("documents.my_documents", {}),
    "contract": ("contract.contract", {}),
    "account": ("member_account.home", {}),
    "logout": ("auth.logout", {}),
}
LAYOUT_LINKS_KEY = "wizard.layout_links"


def layout_links() -> SimpleNamespace:
    """The layout's fixed links, built once per application and script root: every page writes them, and each
    ``url_for`` from a template costs ≈ 30 calls even when remembered."""
    cache: dict[str, SimpleNamespace] = current_app.extensions.setdefault(LAYOUT_LINKS_KEY, {})
    root = request.script_root
    links = cache.get(root)
    if links is None:
        links = cache[root] = SimpleNamespace(**{
            name: url_for(endpoint, **values) for name, (endpoint, values) in LAYOUT_LINKS.items()
        })  # fmt: skip
    return links
