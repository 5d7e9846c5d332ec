"""The app's gate, as one pure ASGI middleware (cheap on every request).

* **Body size**: a declared ``Content-Length`` over the limit gets 413 at once; a body
  streamed without one is counted and cut off at the limit.
* **Pairing**: a client that is not on this computer (or every client, with
  ``require_pairing``) needs a paired device's cookie, else 401. The pairing page, the
  static files and the service worker stay open so a phone can pair.
* **Cross-site requests**: a state-changing request whose ``Origin`` is another site is
  refused (403); the JSON API takes state changes only as ``application/json`` (which a
  foreign page cannot send without a CORS preflight, and none is allowed). Forms carry
  a CSRF token as well (see ``forms.py``).
* **Security headers** on every response: a CSP limited to the app's own origin,
  ``frame-ancestors 'none'``, no sniffing, no referrer to other sites.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any

import anyio.to_thread

from crampwise.web.settings import WebSettings, is_loopback

__all__ = ["DEVICE_COOKIE", "SECURITY_HEADERS", "BodyTooLarge", "Guard"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

DEVICE_COOKIE = "cw_device"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
    "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # forms then send their real Origin
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)

#: Paths a client without a paired device may reach (to pair, and to load the page; a
#: calendar feed, whose token is in its address: web/feed.py).
_OPEN_PREFIXES = ("/pair", "/static/", "/sw.js", "/manifest.webmanifest", "/favicon", "/feed/")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class Guard:
    """Body limit, pairing, cross-site refusal and security headers (see the module)."""

    def __init__(self, app: ASGIApp, settings: WebSettings, devices: Any) -> None:
        self.app = app
        self.settings = settings
        self.devices = devices  # a callable: token -> Device | None (runs in a thread)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        send = _with_security_headers(send)
        path: str = scope["path"]
        method: str = scope["method"]

        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.settings.max_body):
            await _plain(send, 413, "The request is too large.")
            return

        if method in _UNSAFE:
            refusal = _cross_site(headers, path, method)
            if refusal:
                await _plain(send, 403, refusal)
                return

        client = scope.get("client")
        needs_device = self.settings.require_pairing or not is_loopback(client[0] if client else "")
        if needs_device and not path.startswith(_OPEN_PREFIXES):
            token = _cookie(headers.get("cookie", ""), DEVICE_COOKIE)
            device = await anyio.to_thread.run_sync(self.devices, token) if token else None
            if device is None:
                await _unpaired(send, path)
                return
            scope.setdefault("state", {})["device"] = device

        if length is None and method in _UNSAFE:
            # A body streamed without a declared length: read it here, up to the limit,
            # so an oversized one is refused before any handler starts on it.
            body = await _read_limited(receive, self.settings.max_body)
            if body is None:
                await _plain(send, 413, "The request is too large.")
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)


def _cookie(header: str, name: str) -> str:
    if name not in header:
        return ""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(header)
    except Exception:  # a malformed Cookie header is no cookie
        return ""
    morsel = jar.get(name)
    return morsel.value if morsel is not None else ""


def _cross_site(headers: dict[str, str], path: str, method: str) -> str:
    origin = headers.get("origin")
    host = headers.get("host", "")
    if origin and origin != "null":
        bare = origin.split("://", 1)[-1].rstrip("/")
        if bare != host:
            return "Requests from other sites are refused."
    elif origin == "null":
        return "Requests from other sites are refused."
    if path.startswith("/api/") and method in _UNSAFE:
        ctype = headers.get("content-type", "").split(";", 1)[0].strip().lower()
        has_body = headers.get("content-length", "0") != "0" or "transfer-encoding" in headers
        if has_body and ctype != "application/json":
            return "The API takes application/json."
    return ""


def _with_security_headers(send: Send) -> Send:
    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            extra = [h for h in SECURITY_HEADERS if h[0] not in names]
            message["headers"] = [*message.get("headers", []), *extra]
        await send(message)

    return sender


async def _read_limited(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None when it goes over ``limit`` bytes."""
    parts: list[bytes] = []
    seen = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        seen += len(chunk)
        if seen > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(parts)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def receiver() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # later: the disconnect message

    return receiver


class BodyTooLarge(Exception):
    """Kept for the app's handler: a body over the limit (normally refused here)."""


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _unpaired(send: Send, path: str) -> None:
    if path.startswith("/api/"):
        body = b'{"detail":"this device is not paired with the diary; pair it first (/pair)"}'
        ctype = b"application/json"
    else:
        body = (
            b"<!doctype html><html lang=en><meta charset=utf-8>"
            b"<meta name=viewport content='width=device-width,initial-scale=1'>"
            b"<title>Pair this device - crampwise</title>"
            b"<link rel=stylesheet href='/static/app.css'><main class=page>"
            b"<h1>Pair this device first</h1><p>This diary only opens on paired devices. "
            b"On the computer that runs crampwise, look for the pairing code (or run "
            b"<code>crampwise devices pair</code>), then "
            b"<a href='/pair'>enter the code here</a>.</p></main></html>"
        )
        ctype = b"text/html; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 401,
            "headers": [
                (b"content-type", ctype),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
