"""The forms of the regimen, medications, labs, factors, trigger points, red flags and
look-up pages, as a person sends them (both backends): what they store is what the CLI
shows, a bad value comes back next to its field with what was typed, and the night theme."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from crampwise.tracker import Tracker
from tests.web_helpers import client_for, csrf_of

CLI = Callable[..., tuple[int, str, str]]


@pytest.fixture
def web(tracker: Tracker) -> Iterator[TestClient]:
    with client_for(tracker) as client:
        yield client


def _json(cli: CLI, *args: str) -> Any:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def _errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="field-error" id="([^"]+)-error">([^<]*)<', html))


def test_regimen_start_switch_taken_stop(web: TestClient, cli: CLI) -> None:
    token = csrf_of(web, "/regimen")
    start = {
        "csrf": token,
        "action": "start",
        "item": "magnesium",
        "kind": "supplement",
        "form": "glycinate",
        "dose": "200",
        "unit": "mg",
        "times": ["morning", "bedtime"],
        "date": "2026-03-01",
    }
    bad = web.post("/regimen", data={**start, "dose": "-5"})
    assert bad.status_code == 422 and list(_errors(bad.text)) == ["dose"]
    assert 'value="-5"' in bad.text and _json(cli, "regimen", "list") == []
    assert web.post("/regimen", data=start).status_code == 303
    (entry,) = _json(cli, "regimen", "list")
    assert (entry["item"], entry["dose"], entry["times"]) == (
        "magnesium",
        200,
        ["morning", "bedtime"],
    )
    again = web.post("/regimen", data=start)  # already taken: the way to switch is offered
    assert again.status_code == 409 and 'href="/regimen"' in again.text
    # today's doses: taken and missed, as the CLI records them
    page = web.get("/regimen").text
    assert "Today's doses (2026-03-05)" in page
    for time, taken in (("morning", "yes"), ("bedtime", "no")):
        r = web.post(
            "/regimen",
            data={
                "csrf": token,
                "action": "took",
                "item": "magnesium",
                "time": time,
                "taken": taken,
            },
        )
        assert r.status_code == 303
    export = json.loads(cli("export")[1])
    assert sorted((a["time"], a["taken"]) for a in export["adherence"]) == [
        ("bedtime", False),
        ("morning", True),
    ]
    assert "<strong>taken</strong>" in web.get("/regimen").text
    switched = web.post(
        "/regimen",
        data={
            "csrf": token,
            "action": "switch",
            "item": "magnesium",
            "dose": "300",
            "date": "2026-03-04",
        },
    )
    assert switched.status_code == 303
    entries = _json(cli, "regimen", "list", "--all")
    assert [(e["dose"], e["start"], e["end"]) for e in entries] == [
        (200, "2026-03-01", "2026-03-04"),
        (300, "2026-03-04", None),
    ]
    stopped = web.post("/regimen", data={"csrf": token, "action": "stop", "item": "magnesium"})
    assert stopped.status_code == 303 and _json(cli, "regimen", "list") == []
    unknown = web.post("/regimen", data={"csrf": token, "action": "stop", "item": "zinc"})
    assert unknown.status_code == 409 and "zinc" in unknown.text


def test_medications_labs_factors_trigger_points(web: TestClient, cli: CLI) -> None:
    token = csrf_of(web, "/medications")
    med = {"csrf": token, "name": "lisinopril", "dose": "10", "unit": "mg", "times": ["morning"]}
    assert web.post("/medications", data=med).status_code == 303
    assert [m["name"] for m in _json(cli, "med", "list")] == ["lisinopril"]
    web.post("/regimen", data={"csrf": token, "item": "potassium", "dose": "99", "unit": "mg"})
    # the potassium + ACE inhibitor finding shows on the medications page
    assert 'class="finding' in web.get("/medications").text
    # stopped the day it was added: never taken, so the page offers to delete it instead
    same_day = web.post(
        "/medications", data={"csrf": token, "action": "stop", "name": "lisinopril"}
    )
    assert same_day.status_code == 422 and "never taken" in same_day.text
    (added,) = _json(cli, "med", "list")
    assert f'href="/delete/medications/{added["id"]}"' in same_day.text
    later = web.post("/medications", data={**med, "name": "amlodipine", "start": "2026-03-01"})
    assert later.status_code == 303
    stop = web.post("/medications", data={"csrf": token, "action": "stop", "name": "amlodipine"})
    assert stop.status_code == 303
    ends = {m["name"]: m["end"] for m in _json(cli, "med", "list")}
    assert ends == {"lisinopril": None, "amlodipine": "2026-03-05"}

    lab = {
        "csrf": token,
        "test": "potassium",
        "value": "4.1",
        "unit": "mmol/L",
        "date": "2026-03-01",
    }
    bad = web.post("/labs", data={**lab, "value": "lots"})
    assert bad.status_code == 422 and list(_errors(bad.text)) == ["value"]
    assert web.post("/labs", data=lab).status_code == 303
    asked = web.post("/labs", data={**lab, "value": "4.4"})  # the same test that day again
    assert asked.status_code == 409 and 'name="confirm"' in asked.text
    assert web.post("/labs", data={**lab, "value": "4.4", "confirm": "1"}).status_code == 303
    assert [x["value"] for x in _json(cli, "lab", "list")] == [4.4]

    factor = {"csrf": token, "name": "fluids", "value": "2000", "unit": "ml"}
    assert web.post("/factors", data=factor).status_code == 303
    assert web.post("/factors", data={**factor, "date": "2031-01-01"}).status_code == 422
    assert [(f["name"], f["value"]) for f in _json(cli, "factor", "list")] == [("fluids", 2000)]

    tp = {"csrf": token, "muscle": "inner-thigh", "side": "left", "tenderness": "7"}
    assert web.post("/trigger-points", data=tp).status_code == 303
    (found,) = _json(cli, "trigger-point", "list")
    rate = {"csrf": token, "action": "rate", "id": str(found["id"]), "tenderness": "11"}
    bad = web.post("/trigger-points", data=rate)
    assert bad.status_code == 422 and list(_errors(bad.text)) == ["tenderness"]
    hand_made = web.post("/trigger-points", data={**rate, "id": "x"})
    assert hand_made.status_code == 422 and "does not exist" in hand_made.text
    release = {"csrf": token, "action": "release", "id": str(found["id"])}
    assert web.post("/trigger-points", data=release).status_code == 303
    assert _json(cli, "trigger-point", "list")[0]["released"] == "2026-03-05"


def test_red_flags_and_look_ups(web: TestClient, cli: CLI) -> None:
    token = csrf_of(web, "/red-flags")
    flag = re.search(r'name="flag" value="([a-z-]+)"', web.get("/red-flags").text)
    assert flag
    yes = web.post("/red-flags", data={"csrf": token, "flag": flag.group(1), "present": "yes"})
    assert (
        yes.status_code == 200 and 'role="alert"' in yes.text and "not medical advice" in yes.text
    )
    assert "please see a clinician" in web.get("/red-flags").text
    answers = json.loads(cli("export")[1])["red_flags"]
    assert [(a["flag"], a["present"]) for a in answers] == [(flag.group(1), True)]
    food = web.get("/lookup", params={"food": "banana"})
    assert food.status_code == 200 and "Per 100 g" in food.text
    unknown = web.get("/lookup", params={"food": "unobtainium"})
    assert list(_errors(unknown.text)) == ["food"] and 'value="unobtainium"' in unknown.text


def test_dark_at_night_and_the_phones_choice_by_day(tracker: Tracker, db_url: str) -> None:
    """03:30 in Berlin: dark whatever the phone says; at noon the phone's preference
    (``auto``: the stylesheet follows ``prefers-color-scheme``)."""
    with client_for(tracker) as night:
        assert '<html lang="en" data-theme="dark">' in night.get("/").text
    noon = Tracker(db_url, clock=lambda: dt.datetime(2026, 3, 5, 11, 0, tzinfo=dt.UTC))
    try:
        with client_for(noon) as day:
            assert '<html lang="en" data-theme="auto">' in day.get("/").text
            css = day.get("/static/app.css").text
            assert "@media (prefers-color-scheme: light)" in css
            assert 'html[data-theme="auto"]' in css
    finally:
        noon.close()


def test_installable_manifest_icons_and_worker(web: TestClient) -> None:
    """What a phone needs to install the app: a manifest with a standalone display and
    icons of 192 and 512 px that exist (PNG), and the service worker served for the
    whole origin without caching."""
    manifest = web.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    doc = manifest.json()
    assert (doc["start_url"], doc["scope"], doc["display"]) == ("/", "/", "standalone")
    sizes = {icon["sizes"]: icon["src"] for icon in doc["icons"]}
    for size in ("192x192", "512x512"):
        icon = web.get(sizes[size])
        assert icon.status_code == 200 and icon.content.startswith(b"\x89PNG")
        width = int.from_bytes(icon.content[16:20], "big")  # the PNG header's width
        assert f"{width}x{width}" == size
    worker = web.get("/sw.js")
    assert worker.status_code == 200 and "javascript" in worker.headers["content-type"]
    assert worker.headers["service-worker-allowed"] == "/"
    assert worker.headers["cache-control"] == "no-cache"
    assert '<link rel="manifest" href="/manifest.webmanifest">' in web.get("/").text
