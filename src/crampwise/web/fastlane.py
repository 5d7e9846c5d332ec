"""``POST /api/episodes`` without FastAPI's per-request machinery: the app's hot path.

Every cramp logged from a phone (and every entry of its offline queue) is one such POST.
Through FastAPI each one walks the exception and exit-stack middleware, the router's
~110 routes, the dependency solver and the endpoint wrapper - about half of the event
loop's time for a request. This pure ASGI middleware, inside the app's ``Guard`` (so
pairing, the body limit and the cross-site checks still apply), takes the request when
its JSON body is a valid ``EpisodeIn`` and runs the same code as the route
(``api.logged``); errors raised there are answered by the app's own exception handlers,
the one place errors are worded. Anything else - a body that is not JSON or does not
validate, a query string, another path or method - goes on to FastAPI unchanged (the
body replayed), so the route's 422 details, its OpenAPI description and every other
behaviour stay FastAPI's.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request

from crampwise.web import api
from crampwise.web.schemas import EpisodeIn

__all__ = ["FastLane"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_PATH = "/api/episodes"


class FastLane:
    """The logging POST straight to ``api.logged`` (see the module)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != _PATH
            or scope["method"] != "POST"
            or scope.get("query_string")
        ):
            await self.app(scope, receive, send)
            return
        body, receive = await _body(receive)
        try:
            episode = EpisodeIn.model_validate(json.loads(body))
        except (ValueError, ValidationError):  # FastAPI words what is wrong with it
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        web = scope["app"]
        try:
            response = await api.logged(request, web.state.tracker, episode)
        except Exception as exc:
            handler = _handler(web.exception_handlers, exc)
            if handler is None:
                raise
            response = handler(request, exc)
            if inspect.isawaitable(response):
                response = await response
        await response(scope, receive, send)


async def _body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body (the guard has limited its size), and a receive that replays it."""
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(parts)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _handler(handlers: dict[Any, Any], exc: Exception) -> Any:
    """The app's handler for ``exc``: the nearest class in its MRO that has one."""
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None
