"""The crampwise web app: ``crampwise serve`` (ASGI: FastAPI, Jinja2 pages, a JSON API).

Mobile-first pages for logging at night (one tap, offline queue), a dashboard of SVG
charts drawn on the server, the regimen, safety and look-ups; a JSON API under
``/api/`` with the CLI's ``--json`` shapes. Never imported on the ``crampwise log`` path.
"""

from __future__ import annotations

from crampwise._blas import single_thread_blas

# Before anything below loads numpy (the dashboard and the API analyse in request threads):
# however the app is started - `crampwise serve`, an ASGI server given create_app, tests.
single_thread_blas()

from crampwise.web.app import create_app  # noqa: E402 - after the BLAS setting
from crampwise.web.settings import WebSettings  # noqa: E402

__all__ = ["WebSettings", "create_app"]
