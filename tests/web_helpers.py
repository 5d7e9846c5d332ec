"""Helpers for the web tests: an in-process client on a test diary, CSRF tokens."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from crampwise.tracker import Tracker
from crampwise.web import WebSettings, create_app

__all__ = ["LOCAL", "REMOTE", "client_for", "csrf_of"]

LOCAL = ("127.0.0.1", 50000)
#: A documentation address (RFC 5737): a phone on the network, as the app sees it. The
#: requests never leave the process (the test client calls the app directly).
REMOTE = ("192.0.2.10", 50000)


def client_for(tracker: Tracker, client: tuple[str, int] = LOCAL, **settings: object) -> TestClient:
    """A test client of the web app on ``tracker`` (the app does not close it)."""
    app = create_app(WebSettings(**settings), tracker)  # type: ignore[arg-type]
    return TestClient(app, client=client, follow_redirects=False)


def csrf_of(client: TestClient, path: str = "/") -> str:
    """The CSRF token a page's forms carry (and set as a cookie)."""
    html = client.get(path).text
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, f"no CSRF field on {path}"
    return found.group(1)
