"""Property-based run of the JSON API against its own OpenAPI schema (schemathesis): no
input - valid, odd or hostile - gives a 500. Runs in-process on a real SQLite diary,
through the whole app (the gate included: the client is a paired phone)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from crampwise.tracker import Tracker
from crampwise.web import WebSettings, create_app
from tests.conftest import NOW


def _app() -> object:
    import tempfile

    folder = tempfile.mkdtemp(prefix="crampwise-schema-")
    tracker = Tracker(f"{folder}/diary.sqlite", clock=lambda: NOW)
    tracker.context.set_profile(timezone="Europe/Berlin")
    tracker.diary.log_episode(at="3am", muscles=["calf"], severity=6, client_id="seed")
    tracker.regimen.start("magnesium", dose=200, unit="mg", times=["bedtime"], date="2026-03-01")
    code = tracker.devices.new_pairing_code()
    _, token = tracker.devices.pair(code, "schema")
    app = create_app(WebSettings(), tracker)
    app.state.test_token = token
    return app


APP = _app()
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json",
    APP,
    cookies={"cw_device": APP.state.test_token},  # type: ignore[attr-defined]
)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_input_gives_a_server_error(case: schemathesis.Case) -> None:
    token = APP.state.test_token  # type: ignore[attr-defined]
    case.call_and_validate(cookies={"cw_device": token}, checks=[not_a_server_error])
