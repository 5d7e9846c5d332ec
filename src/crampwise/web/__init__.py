"""The crampwise web app: ``crampwise serve`` (ASGI: FastAPI, Jinja2 pages, a JSON API).

Mobile-first pages for logging at night (one tap, offline queue), a dashboard of SVG
charts drawn on the server, the regimen, safety and look-ups; a JSON API under
``/api/`` with the CLI's ``--json`` shapes. Never imported on the ``crampwise log`` path.
"""

from __future__ import annotations

from crampwise.web.app import create_app
from crampwise.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
