"""The logging POST's fast lane (``web/fastlane.py``) answers exactly as the FastAPI route
does, behind the same gate. A query string sends a POST down the route instead (the
lane leaves it alone and the route ignores an unknown parameter), so each case is asked
both ways on real databases (both backends) and the answers compared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from crampwise.tracker import Tracker
from tests.web_helpers import REMOTE, client_for

ROUTE = "/api/episodes?via=route"  # past the lane, to FastAPI's route
LANE = "/api/episodes"


@pytest.fixture
def web(tracker: Tracker) -> Iterator[TestClient]:
    with client_for(tracker) as client:
        yield client


def _both(web: TestClient, body: Any, **kwargs: Any) -> tuple[Any, Any]:
    """The same POST through the lane and through the route (client ids made distinct)."""
    answers = []
    for path, suffix in ((LANE, "-lane"), (ROUTE, "-route")):
        sent = body
        if isinstance(body, dict) and "client_id" in body:
            sent = {**body, "client_id": body["client_id"] + suffix}
        answers.append(web.post(path, json=sent, **kwargs))
    return answers[0], answers[1]


def _same(lane: Any, route: Any, ignore: tuple[str, ...] = ()) -> None:
    assert lane.status_code == route.status_code, (lane.text, route.text)
    a, b = lane.json(), route.json()
    if isinstance(a, dict):
        a = {k: v for k, v in a.items() if k not in ignore}
        b = {k: v for k, v in b.items() if k not in ignore}
    assert a == b
    for name in ("content-type", "content-security-policy", "x-frame-options"):
        assert lane.headers.get(name) == route.headers.get(name), name


def test_a_cramp_logged_through_the_lane_is_answered_as_by_the_route(
    web: TestClient, tracker: Tracker, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same cramp both ways: the same answer; the lane's call never went through
    FastAPI's router (which names the endpoint in the request's scope)."""
    from crampwise.web import api

    routed: list[bool] = []
    logged = api.logged

    async def spy(request: Any, t: Tracker, body: Any) -> Any:
        routed.append("endpoint" in request.scope)
        return await logged(request, t, body)

    monkeypatch.setattr(api, "logged", spy)
    body = {"client_id": "c1", "severity": 7, "side": "left", "muscles": ["calf"]}
    lane, route = _both(web, body)
    assert routed == [False, True]
    assert lane.status_code == 201
    _same(lane, route, ignore=("id", "night_total"))
    assert (lane.json()["night_total"], route.json()["night_total"]) == (1, 2)
    again = web.post(LANE, json={**body, "client_id": "c1-lane"})  # a retry: stored once
    assert (again.status_code, again.json()["id"]) == (200, lane.json()["id"])
    assert len(tracker.diary.episodes()) == 2


@pytest.mark.parametrize(
    "body",
    [
        {"client_id": "m", "muscles": ["elbow"]},  # the diary refuses it: 422 naming the field
        {"client_id": "n", "severity": 99},  # the model refuses it: FastAPI's 422
        {"client_id": "u", "sevrity": 3},  # an unknown key
        [1, 2],  # not an object
    ],
)
def test_bad_input_gets_the_routes_422(web: TestClient, tracker: Tracker, body: Any) -> None:
    lane, route = _both(web, body)
    assert lane.status_code == 422
    _same(lane, route)
    assert tracker.diary.episodes() == []


def test_a_body_that_is_not_json_gets_the_routes_422(web: TestClient) -> None:
    headers = {"content-type": "application/json"}
    lane = web.post(LANE, content=b'{"severity": ', headers=headers)
    route = web.post(ROUTE, content=b'{"severity": ', headers=headers)
    assert lane.status_code == 422
    _same(lane, route)


def test_a_conflicting_retry_gets_the_routes_409(web: TestClient) -> None:
    assert web.post(LANE, json={"client_id": "x", "severity": 2}).status_code == 201
    lane = web.post(LANE, json={"client_id": "x", "severity": 9})
    route = web.post(ROUTE, json={"client_id": "x", "severity": 9})
    assert lane.status_code == 409
    _same(lane, route)


def test_the_gate_still_stands_before_the_lane(tracker: Tracker) -> None:
    """An unpaired phone, a foreign site and an oversized body are refused before any
    cramp is logged."""
    with client_for(tracker, REMOTE) as phone:
        assert phone.post(LANE, json={"severity": 3}).status_code == 401
    with client_for(tracker) as web:
        foreign = web.post(LANE, json={"severity": 3}, headers={"origin": "https://evil.test"})
        assert foreign.status_code == 403
        huge = web.post(LANE, json={"notes": "x" * 70_000})
        assert huge.status_code == 413
    assert tracker.diary.episodes() == []
