"""The web app in-process (real databases, both backends): the JSON API gives the CLI's
shapes, bad input is 422 with the field's path, retries are stored once, pairing, CSRF,
cross-site refusal, security headers, the body limit, and the forms."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from crampwise.tracker import Tracker
from tests.web_helpers import LOCAL, REMOTE, client_for, csrf_of

CLI = Callable[..., tuple[int, str, str]]


@pytest.fixture
def web(tracker: Tracker) -> Iterator[TestClient]:
    with client_for(tracker) as client:
        yield client


def _cli_json(cli: CLI, *args: str) -> object:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_logged_through_the_api_is_what_the_cli_shows(web: TestClient, cli: CLI) -> None:
    body = {
        "at": "around 3am",
        "side": "both",
        "muscles": ["inner-thigh"],
        "severity": 8,
        "duration_min": 3,
        "waves": 3,
        "woke": True,
        "reliefs": [{"method": "stretch", "helped": "somewhat"}, {"method": "massage"}],
        "notes": "both thighs",
    }
    r = web.post("/api/episodes", json=body)
    assert r.status_code == 201, r.text
    logged = r.json()
    assert (logged["night"], logged["time"], logged["approximate"]) == ("2026-03-04", "03:00", True)
    assert logged["night_total"] == 1 and logged["duplicate"] is False
    assert _cli_json(cli, "nights") == web.get("/api/nights").json()
    assert web.get("/api/nights").json() == [{"date": "2026-03-04", "observed": True, "cramps": 1}]
    assert _cli_json(cli, "episodes") == web.get("/api/episodes").json()
    assert _cli_json(cli, "summary") == web.get("/api/summary").json()
    episode = web.get(f"/api/episodes/{logged['id']}").json()
    assert episode["reliefs"] == [
        {"method": "stretch", "helped": "somewhat"},
        {"method": "massage", "helped": None},
    ]


def test_a_retry_with_the_same_client_id_is_stored_once(web: TestClient, cli: CLI) -> None:
    first = web.post("/api/episodes", json={"client_id": "phone-1"})
    again = web.post("/api/episodes", json={"client_id": "phone-1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["duplicate"] is True and again.json()["id"] == first.json()["id"]
    assert len(_cli_json(cli, "episodes")) == 1  # type: ignore[arg-type]


def test_an_entry_queued_offline_keeps_its_own_time(web: TestClient) -> None:
    """A phone that was offline sends the instant of the tap (UTC); it is filed at that
    local time (Berlin, UTC+1) in its night, not at the time it arrived."""
    r = web.post("/api/episodes", json={"client_id": "q1", "occurred_at": "2026-03-04T22:40:00Z"})
    assert r.status_code == 201, r.text
    assert (r.json()["night"], r.json()["time"]) == ("2026-03-04", "23:40")
    future = web.post("/api/episodes", json={"occurred_at": "2026-03-05T09:00:00Z"})
    assert future.status_code == 422
    assert future.json()["detail"][0]["loc"][:2] == ["body", "at"]
    naive = web.post("/api/episodes", json={"occurred_at": "2026-03-04T22:40:00"})
    assert naive.status_code == 422 and naive.json()["detail"][0]["loc"] == ["body", "occurred_at"]


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"severity": 11}, ["body", "severity"]),
        ({"side": "middle"}, ["body", "side"]),
        ({"muscles": ["elbow"]}, ["body", "muscles"]),
        ({"reliefs": [{"method": "stretch", "helped": "hugely"}]}, ["body", "reliefs"]),
        ({"duration_min": 100000}, ["body", "duration_min"]),
        ({"night": "2026-03-09"}, ["body", "night"]),
        ({"at": "half past never"}, ["body", "at"]),
        ({"severity": "bad"}, ["body", "severity"]),
        ({"sevrity": 3}, ["body", "sevrity"]),
    ],
)
def test_bad_input_is_422_with_the_field_path(
    web: TestClient, cli: CLI, body: dict[str, object], loc: list[str]
) -> None:
    r = web.post("/api/episodes", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail[0]["loc"] == loc
    assert detail[0]["msg"] and not any(str(p).startswith("--") for p in detail[0]["loc"])
    assert _cli_json(cli, "episodes") == []  # nothing half-written


def test_check_in_a_cramp_free_night(web: TestClient, cli: CLI) -> None:
    r = web.post("/api/nights", json={"none": True})
    assert r.status_code == 200, r.text
    assert r.json()["date"] == "2026-03-04" and r.json()["cramps"] == 0
    assert _cli_json(cli, "nights") == [{"date": "2026-03-04", "observed": True, "cramps": 0}]
    again = web.post("/api/nights", json={"cramps": 2})
    assert again.status_code == 409 and again.json()["confirm"] is True


def test_regimen_and_context_through_the_api(web: TestClient, cli: CLI) -> None:
    r = web.post(
        "/api/regimen",
        json={"item": "magnesium", "dose": 200, "unit": "mg", "times": ["morning", "bedtime"]},
    )
    assert r.status_code == 201, r.text
    assert _cli_json(cli, "regimen", "list") == web.get("/api/regimen").json()
    assert (
        web.post("/api/adherence", json={"item": "magnesium", "time": "bedtime"}).status_code == 201
    )
    assert (
        web.post(
            "/api/medications", json={"name": "lisinopril", "dose": 10, "unit": "mg"}
        ).status_code
        == 201
    )
    assert _cli_json(cli, "med", "list") == web.get("/api/medications").json()
    assert (
        web.post(
            "/api/labs", json={"test": "potassium", "value": 4.1, "unit": "mmol/L"}
        ).status_code
        == 201
    )
    assert _cli_json(cli, "lab", "list") == web.get("/api/labs").json()
    assert (
        web.post("/api/factors", json={"name": "fluids", "value": 2000, "unit": "ml"}).status_code
        == 201
    )
    tp = web.post("/api/trigger-points", json={"muscle": "calf", "side": "left", "tenderness": 6})
    assert tp.status_code == 201
    assert web.post(f"/api/trigger-points/{tp.json()['id']}/release", json={}).status_code == 200
    assert web.post("/api/red-flags/leg-swelling", json={"present": False}).status_code == 201
    safety = web.get("/api/safety").json()
    assert safety == _cli_json(cli, "safety")
    dup = web.post("/api/regimen", json={"item": "magnesium"})
    assert dup.status_code == 409
    unknown = web.post("/api/regimen/zinc/stop", json={})
    assert unknown.status_code == 404


def test_unpaired_refused_paired_works_revoked_refused(tracker: Tracker, cli: CLI) -> None:
    with client_for(tracker, REMOTE) as phone:
        assert phone.get("/").status_code == 401
        assert phone.get("/api/nights").status_code == 401
        assert phone.post("/api/episodes", json={}).status_code == 401
        assert phone.get("/pair").status_code == 200  # the way in stays open
        code = tracker.devices.new_pairing_code()
        token = csrf_of(phone, "/pair")
        wrong = phone.post("/pair", data={"csrf": token, "code": "AAAAA-AAAAA"})
        assert wrong.status_code == 422 and "not known" in wrong.text
        paired = phone.post("/pair", data={"csrf": token, "code": code.lower(), "name": "bedside"})
        assert paired.status_code == 200, paired.text
        assert phone.get("/").status_code == 200
        assert phone.post("/api/episodes", json={}).status_code == 201
        reused = phone.post("/pair", data={"csrf": token, "code": code})
        assert reused.status_code == 422 and "used already" in reused.text
        listed = _cli_json(cli, "devices", "list")
        assert [(d["name"], d["active"]) for d in listed] == [("bedside", True)]  # type: ignore[index,union-attr]
        code_, _, err = cli("devices", "revoke", "1")
        assert code_ == 0, err
        assert phone.get("/").status_code == 401
        assert phone.get("/api/nights").status_code == 401
    with client_for(tracker, LOCAL) as laptop:
        assert laptop.get("/").status_code == 200  # this computer needs no pairing
    with client_for(tracker, LOCAL, require_pairing=True) as strict:
        assert strict.get("/").status_code == 401


def test_pairing_codes_expire(tracker: Tracker, db_url: str) -> None:
    import datetime as dt

    from tests.conftest import NOW

    code = tracker.devices.new_pairing_code()
    later = Tracker(db_url, clock=lambda: NOW + dt.timedelta(minutes=16))
    try:
        with pytest.raises(Exception, match="expired"):
            later.devices.pair(code)
    finally:
        later.close()


def test_forms_need_their_csrf_token(web: TestClient) -> None:
    assert web.post("/log/now", data={}).status_code == 403
    assert web.post("/log/now", data={"csrf": "forged-token-forged-token"}).status_code == 403
    token = csrf_of(web)
    ok = web.post("/log/now", data={"csrf": token, "client_id": "form-1"})
    assert ok.status_code == 303 and ok.headers["location"].startswith("/?done=logged")


def test_cross_site_requests_are_refused(web: TestClient) -> None:
    evil = {"Origin": "http://evil.example"}
    assert web.post("/api/episodes", json={}, headers=evil).status_code == 403
    plain = web.post(
        "/api/episodes", content=b'{"client_id": "x"}', headers={"Content-Type": "text/plain"}
    )
    assert plain.status_code == 403
    same = web.post("/api/episodes", json={}, headers={"Origin": "http://testserver"})
    assert same.status_code == 201


def test_security_headers_everywhere(web: TestClient) -> None:
    # the logging API builds its own JSON answer (its hot path): it gets them too
    logged = web.post("/api/episodes", json={"client_id": "h1"})
    assert logged.status_code == 201 and logged.headers["content-type"] == "application/json"
    for path in ("/", "/api/nights", "/static/app.css", "/nowhere", logged):
        headers = web.get(path).headers if isinstance(path, str) else path.headers
        csp = headers["content-security-policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"


def test_request_body_limit(web: TestClient, cli: CLI) -> None:
    big = web.post("/api/episodes", json={"notes": "x" * 70_000})
    assert big.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b'{"notes": "'
        for _ in range(80):
            yield b"y" * 1000
        yield b'"}'

    streamed = web.post(
        "/api/episodes", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert streamed.status_code == 413
    assert _cli_json(cli, "episodes") == []


def test_details_form_logs_and_shows_errors_next_to_the_field(web: TestClient, cli: CLI) -> None:
    token = csrf_of(web, "/log")
    form = {
        "csrf": token,
        "client_id": "f-1",
        "at": "around 3am",
        "side": "left",
        "muscles": ["calf", "foot"],
        "severity": "7",
        "severity_set": "1",
        "duration_min": "2.5",
        "woke": "yes",
        "reliefs": ["stretch"],
        "helped_stretch": "a-lot",
        "notes": "",
    }
    r = web.post("/log", data=form)
    assert r.status_code == 303, r.text
    (episode,) = _cli_json(cli, "episodes")  # type: ignore[misc]
    assert (episode["side"], episode["muscles"], episode["severity"]) == (
        "left",
        ["calf", "foot"],
        7,
    )
    assert episode["reliefs"] == [{"method": "stretch", "helped": "a-lot"}]
    bad = web.post(
        "/log", data={**form, "client_id": "f-2", "severity": "11", "duration_min": "2.5"}
    )
    assert bad.status_code == 422
    assert 'id="severity-error"' in bad.text and "0..10" in bad.text
    assert 'value="2.5"' in bad.text  # what was typed is kept
    assert len(_cli_json(cli, "episodes")) == 1  # type: ignore[arg-type]


def test_details_after_the_big_button(web: TestClient, cli: CLI) -> None:
    logged = web.post("/api/episodes", json={"client_id": "now-1"}).json()
    token = csrf_of(web, f"/episodes/{logged['id']}/edit")
    r = web.post(
        f"/episodes/{logged['id']}/edit",
        data={
            "csrf": token,
            "side": "right",
            "muscles": ["calf"],
            "severity": "6",
            "severity_set": "1",
        },
    )
    assert r.status_code == 303, r.text
    (episode,) = _cli_json(cli, "episodes")  # type: ignore[misc]
    assert (episode["side"], episode["severity"]) == ("right", 6)
    change = web.post(
        f"/episodes/{logged['id']}/edit",
        data={"csrf": token, "severity": "8", "severity_set": "1"},
    )
    assert change.status_code == 409 and 'name="confirm"' in change.text
    confirmed = web.post(
        f"/episodes/{logged['id']}/edit",
        data={"csrf": token, "severity": "8", "severity_set": "1", "confirm": "1"},
    )
    assert confirmed.status_code == 303
    assert _cli_json(cli, "episodes")[0]["severity"] == 8  # type: ignore[index]


def test_no_interactive_docs_from_a_cdn(web: TestClient) -> None:
    assert web.get("/docs").status_code == 404
    schema = web.get("/api/openapi.json").json()
    assert "/api/episodes" in schema["paths"] and "/api/nights" in schema["paths"]
