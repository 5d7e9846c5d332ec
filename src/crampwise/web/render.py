"""Rendering pages: the Jinja2 environment, the CSRF cookie, the night theme.

Templates get one typed page context (``page``: a dataclass from ``views.py``) and the
few things every page needs (``csrf``, ``theme``, ``nav``). Autoescaping is on; the only
markup that is not escaped is SVG built by ``charts.py`` (which escapes its own text).
"""

from __future__ import annotations

import secrets
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from crampwise.web.views import NAV, ErrorPage, Page

__all__ = ["CSRF_COOKIE", "CSRF_FIELD", "csrf_token", "render", "render_error", "theme_for"]

CSRF_COOKIE = "cw_csrf"
CSRF_FIELD = "csrf"

_ENV = Environment(
    loader=FileSystemLoader(str(files("crampwise.web") / "templates")),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def csrf_token(request: Request) -> tuple[str, bool]:
    """The client's CSRF token and whether it is new (then it must be set as a cookie)."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) >= 20 and token.replace("-", "").replace("_", "").isalnum():
        return token, False
    return secrets.token_urlsafe(24), True


def theme_for(hour: int) -> str:
    """Dark at night (20:00-07:00) whatever the phone says; else the phone's preference."""
    return "dark" if hour >= 20 or hour < 7 else "auto"


def render(request: Request, template: str, page: Page, status: int = 200) -> HTMLResponse:
    """A page: ``template`` with ``page`` as its context."""
    token, new = csrf_token(request)
    tracker = request.app.state.tracker
    settings = request.app.state.settings
    try:
        hour = tracker.now().hour
    except Exception:  # the theme must never stop an error page from showing
        hour = 12
    context: dict[str, Any] = {
        "page": page,
        "csrf": token,
        "csrf_field": CSRF_FIELD,
        "theme": theme_for(hour),
        "nav": NAV,
        "demo": settings.demo,
        "path": request.url.path,
    }
    html = _ENV.get_template(template).render(context)
    response = HTMLResponse(html, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    if new:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=settings.secure_cookies,
            path="/",
        )
    return response


def render_error(request: Request, status: int, message: str) -> HTMLResponse:
    """The error page: what went wrong, in one line, and the way back."""
    titles = {
        404: "Not found",
        409: "Please confirm",
        413: "Too large",
        422: "Please check",
        503: "Not saved",
    }
    page = ErrorPage(
        title=titles.get(status, "Something went wrong"), nav="", status=status, message=message
    )
    return render(request, "error.html", page, status)
