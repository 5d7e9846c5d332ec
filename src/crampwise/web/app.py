"""The ASGI app: ``create_app(settings)`` for ``crampwise serve`` and the tests.

FastAPI for routing, request bodies and the OpenAPI description of ``/api/``; Jinja2
for the pages (server-rendered, with a little vanilla JavaScript); everything static
ships in the package. No third-party host is ever referenced (the interactive API docs,
which load from a CDN, are off; the schema is at ``/api/openapi.json``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from crampwise import __version__
from crampwise.errors import (
    ConfirmationRequired,
    ConflictError,
    CrampwiseError,
    InputError,
    NotFoundError,
    StorageError,
)
from crampwise.reports.charts import chart_css
from crampwise.tracker import Tracker
from crampwise.web import (
    api,
    api_experiments,
    api_records,
    experiment_pages,
    feed,
    pages,
    record_pages,
)
from crampwise.web.fastlane import FastLane
from crampwise.web.fields import action_json, error_text, json_detail
from crampwise.web.guard import BodyTooLarge, Guard
from crampwise.web.render import render_error
from crampwise.web.settings import WebSettings
from crampwise.web.writer import Writer

__all__ = ["STATIC_DIR", "create_app"]

STATIC_DIR = str(files("crampwise.web") / "static")


def create_app(settings: WebSettings | None = None, tracker: Tracker | None = None) -> FastAPI:
    """The web app on ``tracker`` (else the diary ``settings.db`` opened here)."""
    settings = settings or WebSettings()
    owned = tracker is None
    diary = tracker if tracker is not None else Tracker(settings.db, diary_id=settings.diary_id)
    # Requests run in worker threads: on SQLite their writes share commits (one fsync for
    # a burst of cramps instead of one each; each answered once its own is durable), and
    # the logging API's writes go to one writer thread (web/writer.py).
    group = diary.group_commit if diary.enable_group_commit() else None
    writer = Writer(group) if group is not None else None

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        if writer is not None:
            await asyncio.to_thread(writer.stop)  # answers what is queued, committed
        if owned:
            diary.close()

    app = FastAPI(
        title="crampwise",
        version=__version__,
        description="The JSON API of the crampwise web app: the same JSON shapes as the "
        "CLI's JSON output. crampwise is not medical advice.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.tracker = diary
    app.state.writer = writer
    app.state.settings = settings
    app.include_router(api.router)
    app.include_router(api_records.router)
    app.include_router(api_experiments.router)
    app.include_router(pages.router)
    app.include_router(record_pages.router)
    app.include_router(experiment_pages.router)
    app.include_router(feed.router)

    @app.get("/static/charts.css", include_in_schema=False)
    def chart_styles() -> Response:
        # the charts' one stylesheet lives with the charts (the report prints with it too)
        return Response(chart_css(), media_type="text/css")

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> FileResponse:
        return FileResponse(
            f"{STATIC_DIR}/sw.js",
            media_type="text/javascript",
            headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
        )

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def manifest() -> FileResponse:
        return FileResponse(
            f"{STATIC_DIR}/manifest.webmanifest", media_type="application/manifest+json"
        )

    _error_handlers(app)
    app.add_middleware(FastLane)  # inside the guard: the logging POST's hot path
    app.add_middleware(Guard, settings=settings, devices=diary.devices.device_for_token)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _json(status: int, detail: Any, **extra: Any) -> JSONResponse:
    return JSONResponse({"detail": detail, **extra}, status_code=status)


def _error_handlers(app: FastAPI) -> None:
    """Every known error to one response; the only place errors are worded for the web."""

    @app.exception_handler(InputError)
    def input_error(request: Request, exc: InputError) -> Response:
        if _is_api(request):
            where = "query" if request.method in ("GET", "DELETE") else "body"
            if request.url.path.count("/") > 2 and exc.field in request.path_params:
                where = "path"
            return _json(422, json_detail(exc, where), **action_json(exc))
        return render_error(request, 422, error_text(exc))

    @app.exception_handler(ConfirmationRequired)
    def question(request: Request, exc: ConfirmationRequired) -> Response:
        if _is_api(request):
            return _json(409, str(exc), confirm=True, **action_json(exc))
        return render_error(request, 409, str(exc))

    @app.exception_handler(ConflictError)
    def conflict(request: Request, exc: ConflictError) -> Response:
        if _is_api(request):
            return _json(409, str(exc), conflicts=exc.conflicts, **action_json(exc))
        return render_error(request, 409, str(exc))

    @app.exception_handler(NotFoundError)
    def not_found(request: Request, exc: NotFoundError) -> Response:
        if _is_api(request):
            return _json(404, str(exc), **action_json(exc))
        return render_error(request, 404, str(exc))

    @app.exception_handler(StorageError)
    def storage(request: Request, exc: StorageError) -> Response:
        if _is_api(request):
            return _json(503, str(exc))
        return render_error(request, 503, str(exc))

    @app.exception_handler(CrampwiseError)
    def other(request: Request, exc: CrampwiseError) -> Response:
        if _is_api(request):
            return _json(400, str(exc), **action_json(exc))
        return render_error(request, 400, str(exc))

    @app.exception_handler(BodyTooLarge)
    def too_large(request: Request, exc: BodyTooLarge) -> Response:
        return _json(413, "the request is too large")

    @app.exception_handler(RequestValidationError)
    def invalid(request: Request, exc: RequestValidationError) -> Response:
        detail = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        if _is_api(request):
            return _json(422, detail)
        return render_error(request, 422, "; ".join(str(d["msg"]) for d in detail))

    @app.exception_handler(StarletteHTTPException)
    def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _is_api(request) or exc.status_code == 405:
            return _json(exc.status_code, exc.detail)
        return render_error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(Exception)
    def unexpected(request: Request, exc: Exception) -> Response:
        message = (
            "Something went wrong inside crampwise; nothing more was changed. Please report it."
        )
        if _is_api(request):
            return _json(500, message)
        return render_error(request, 500, message)
