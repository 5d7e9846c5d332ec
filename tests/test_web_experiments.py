"""Experiments in the web app (both backends): the JSON API gives exactly what
``crampwise experiment … --json`` prints, and the pages plan (with the power figures),
start, say tonight's condition, record "taken", follow, stop and conclude a trial, with
bad values shown next to their field."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from crampwise.tracker import Tracker
from tests.conftest import NOW
from tests.web_helpers import client_for, csrf_of

CLI = Callable[..., tuple[int, str, str]]


def _at(day: str, hour: int = 20) -> dt.datetime:
    """An evening (Berlin, winter: UTC+1) of a given day."""
    return dt.datetime.fromisoformat(f"{day}T{hour - 1:02d}:00:00+00:00")


def _json(cli: CLI, *args: str, now: dt.datetime = NOW) -> Any:
    code, out, err = cli(*args, "--json", now=now)
    assert code == 0, err
    return json.loads(out)


def _import(cli: CLI, tmp_path: Path, doc: dict[str, Any], now: dt.datetime = NOW) -> None:
    path = tmp_path / f"doc{len(list(tmp_path.glob('doc*.json')))}.json"
    path.write_text(json.dumps({"format": "crampwise-diary", "version": 1, **doc}))
    code, _, err = cli("import", str(path), now=now)
    assert code == 0, err


def _baseline(cli: CLI, tmp_path: Path) -> None:
    """Seven weeks recorded before today (5 March 2026), two cramps a week."""
    first = dt.date(2026, 1, 14)
    nights = [
        {"date": (first + dt.timedelta(days=i)).isoformat(), "cramps": int(i % 7 in (1, 4))}
        for i in range(49)
    ]
    _import(cli, tmp_path, {"nights": nights, "profile": {"timezone": "Europe/Berlin"}})


def _trial_nights(design: list[dict[str, Any]], until: str) -> list[dict[str, Any]]:
    """A cramp on every other night without calcium, one a week with it."""
    out = []
    for p in design:
        day = dt.date.fromisoformat(p["start"])
        while day <= dt.date.fromisoformat(p["end"]) and day.isoformat() <= until:
            i = (day - dt.date(2026, 1, 1)).days
            cramps = int(i % 2 == 0) if p["condition"] == "A" else int(i % 7 == 3)
            out.append({"date": day.isoformat(), "cramps": cramps})
            day += dt.timedelta(days=1)
    return out


class At:
    """Web clients of the same diary at other moments (the app's clock is its Tracker's)."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.open: list[tuple[Tracker, TestClient]] = []

    def __call__(self, now: dt.datetime) -> TestClient:
        tracker = Tracker(self.db_url, clock=lambda: now)
        client = client_for(tracker).__enter__()
        self.open.append((tracker, client))
        return client

    def close(self) -> None:
        for tracker, client in self.open:
            client.__exit__(None, None, None)
            tracker.close()


@pytest.fixture
def at(db_url: str) -> Iterator[At]:
    clients = At(db_url)
    yield clients
    clients.close()


def test_the_api_gives_what_the_cli_prints(cli: CLI, tmp_path: Path, at: At) -> None:
    _baseline(cli, tmp_path)
    web = at(NOW)
    body = {"item": "calcium", "dose": "1000mg", "seed": 42}
    plan = web.post("/api/experiments/plan", json=body)
    assert plan.status_code == 200, plan.text
    assert plan.json() == _json(
        cli, "experiment", "plan", "--item", "calcium", "--dose", "1000mg", "--seed", "42"
    )
    power = web.get(
        "/api/experiments/power",
        params={"baseline_per_week": 2, "rate_ratio": 0.5, "weeks_per_arm": 8},
    )
    assert power.json() == _json(
        cli, "experiment", "power", "--baseline-per-week", "2", "--rate-ratio", "0.5",
        "--weeks-per-arm", "8",
    )  # fmt: skip
    assert web.get("/api/experiments").json() == []
    assert web.get("/api/experiments/today").status_code == 404
    start = {**body, "period_weeks": 3, "pairs": 2, "anyway": True}
    started = web.post("/api/experiments", json=start)
    assert started.status_code == 201, started.text
    exp = started.json()["experiment"]
    assert exp["seed"] == 42 and exp["status"] == "active"
    assert set(started.json()) == {"experiment", "plan"}
    listed = web.get("/api/experiments").json()
    assert listed == _json(cli, "experiment", "list") == [{**exp, "state": "scheduled"}]
    design = exp["design"]
    # tonight in each period: the API and the CLI agree, evening by evening
    for p in design:
        evening = at(_at(p["start"]))
        tonight = evening.get("/api/experiments/today").json()
        assert tonight == _json(cli, "experiment", "today", now=_at(p["start"]))
        assert tonight["condition"] == p["condition"] and tonight["date"] == p["start"]
    # half way: nights and doses recorded; status agrees, the result waits for the end
    mid = design[1]["end"]
    later = _at(design[2]["start"])
    _import(cli, tmp_path, {"nights": _trial_nights(design, mid)}, now=later)
    first_b = next(p for p in design[:2] if p["condition"] == "B")["start"]
    half = at(later)
    taken = half.post("/api/adherence", json={"item": "calcium", "date": first_b})
    assert taken.status_code == 201, taken.text
    status = half.get("/api/experiments/status")
    assert status.json() == _json(cli, "experiment", "status", now=later)
    assert status.json()["adherence"]["on_assignment"] >= 1
    waiting = half.get("/api/experiments/result")
    assert waiting.status_code == 409
    assert waiting.json()["action"] == "stop-experiment"
    assert waiting.json()["subject"] == str(exp["id"])
    # after the last night: the same verdict as the CLI's
    after = _at((dt.date.fromisoformat(design[-1]["end"]) + dt.timedelta(days=2)).isoformat())
    rest = _trial_nights(design, design[-1]["end"])[len(_trial_nights(design, mid)) :]
    _import(cli, tmp_path, {"nights": rest}, now=after)
    result = at(after).get(f"/api/experiments/result?id={exp['id']}")
    assert result.status_code == 200, result.text
    assert result.json() == _json(cli, "experiment", "result", now=after)
    assert result.json()["verdict"] == "benefit"
    stopped = at(after).post("/api/experiments/stop", json={})
    assert stopped.status_code == 409 and "already ended" in stopped.json()["detail"]


def test_stop_through_the_api(cli: CLI, tmp_path: Path, at: At) -> None:
    _baseline(cli, tmp_path)
    web = at(NOW)
    started = web.post(
        "/api/experiments",
        json={"item": "stretching", "seed": 1, "period_weeks": 2, "pairs": 1, "anyway": True},
    )
    assert started.status_code == 201, started.text
    later = at(_at("2026-03-12"))
    gone = later.post("/api/experiments/stop", json={"reason": "travel"})
    assert gone.status_code == 200, gone.text
    assert gone.json()["status"] == "stopped" and gone.json()["stop_reason"] == "travel"
    (listed,) = _json(cli, "experiment", "list", now=_at("2026-03-12"))
    assert {**gone.json(), "state": "stopped"} == listed
    again = later.post("/api/experiments/stop", json={})
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"item": "calcium", "period_weeks": 0}, "period_weeks"),
        ({"item": "calcium", "pairs": 13}, "pairs"),
        ({"item": "unobtainium"}, "item"),
        ({"item": "calcium", "comparator": "calcium"}, "comparator"),
        ({"item": "calcium", "start": "2031-01-01"}, "start"),
        ({"item": "calcium", "dose": "lots"}, "dose"),
        ({"item": "calcium", "sneaky": 1}, "sneaky"),
    ],
)
def test_bad_plans_are_422_with_the_field(
    cli: CLI, tmp_path: Path, at: At, body: dict[str, Any], field: str
) -> None:
    _baseline(cli, tmp_path)
    r = at(NOW).post("/api/experiments/plan", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["detail"][0]["loc"] == ["body", field]


def test_a_regimen_item_is_handled_before_it_is_tested(cli: CLI, tmp_path: Path, at: At) -> None:
    _baseline(cli, tmp_path)
    web = at(NOW)
    web.post(
        "/api/regimen", json={"item": "calcium", "dose": 500, "unit": "mg", "times": ["bedtime"]}
    )
    body = {"item": "calcium", "seed": 5, "period_weeks": 3, "pairs": 2, "anyway": True}
    refused = web.post("/api/experiments", json=body)
    assert refused.status_code == 409
    assert refused.json()["action"] == "stop-regimen-for-experiment"
    assert web.get("/api/experiments").json() == []  # nothing half-done
    ok = web.post("/api/experiments", json={**body, "stop_regimen": True})
    assert ok.status_code == 201, ok.text
    (entry,) = web.get("/api/regimen", params={"all": True}).json()
    assert entry["end"] == ok.json()["experiment"]["start"]


def _errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="field-error" id="([^"]+)-error">([^<]*)<', html))


def test_the_pages_from_plan_to_verdict(cli: CLI, tmp_path: Path, at: At) -> None:
    _baseline(cli, tmp_path)
    web = at(NOW)
    empty = web.get("/experiments")
    assert empty.status_code == 200 and "No experiment yet" in empty.text
    query = {"item": "calcium", "dose": "1000mg", "seed": "42", "period_weeks": "3", "pairs": "2"}
    page = web.get("/experiments/plan", params=query)
    assert page.status_code == 200, page.text
    plan = _json(
        cli, "experiment", "plan", "--item", "calcium", "--dose", "1000mg", "--seed", "42",
        "--period-weeks", "3", "--blocks", "2",
    )  # fmt: skip
    halves = f"{100 * plan['power']['rr_0_5']:.0f} % chance that this plan ends with a clear"
    assert halves in page.text
    assert f"{100 * plan['power']['false_benefit']:.0f} % chance of a false" in page.text
    assert page.text.count('<tr><th scope="row">') == len(plan["design"])
    assert _json(cli, "experiment", "list") == []  # planning stored nothing
    bad = web.get("/experiments/plan", params={**query, "period_weeks": "0"})
    assert bad.status_code == 422
    assert _errors(bad.text) == {"period_weeks": "0 is not in 1..52"}
    assert 'value="0"' in bad.text  # what was typed is kept
    # start exactly the plan shown (its seed and first night travel with the form)
    token = csrf_of(web, "/experiments/plan?" + "&".join(f"{k}={v}" for k, v in query.items()))
    fields = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"', page.text))
    fields.pop("csrf", None)
    low = web.post("/experiments/start", data={"csrf": token, **fields})
    assert plan["feasible"] is False  # so short a plan is refused unless accepted
    assert low.status_code == 422 and 'name="anyway"' in low.text
    assert halves in low.text  # the figures stay in view beside the question
    assert _json(cli, "experiment", "list") == []
    low = web.post("/experiments/start", data={"csrf": token, **fields, "anyway": "1"})
    assert low.status_code == 303, low.text
    (exp,) = _json(cli, "experiment", "list")
    assert low.headers["location"] == f"/experiments/{exp['id']}?started=1"
    assert (exp["seed"], exp["start"]) == (42, plan["start"])
    assert [p["condition"] for p in exp["design"]] == [p["condition"] for p in plan["design"]]
    shown = web.get(low.headers["location"])
    assert "started" in shown.text and "interim looks" in shown.text
    # an evening in a B period: tonight's condition and the "taken" button
    b = next(p for p in exp["design"] if p["condition"] == "B")
    evening = at(_at(b["start"]))
    tonight = evening.get("/experiments")
    assert "with calcium" in tonight.text and "Tonight: take calcium 1000 mg" in tonight.text
    for path in ("/", "/regimen"):  # at bedtime, where the person looks
        assert "Experiment: tonight: take calcium 1000 mg" in evening.get(path).text
    token = csrf_of(evening, "/experiments")
    took = evening.post(
        "/experiments/took", data={"csrf": token, "item": "calcium", "taken": "yes"}
    )
    assert took.status_code == 303 and took.headers["location"] == "/experiments?done=taken"
    export = json.loads(cli("export", now=_at(b["start"]))[1])
    assert {"date": b["start"], "item": "calcium", "taken": True} in [
        {k: a[k] for k in ("date", "item", "taken")} for a in export["adherence"]
    ]
    wrong = evening.post("/experiments/took", data={"csrf": token, "item": "zinc"})
    assert wrong.status_code == 422
    assert re.search(
        r'class="form-error" role="alert">[^<]*zinc[^<]* is not in your regimen', wrong.text
    )
    # after the last night: the verdict on the experiment's page
    design = exp["design"]
    after = _at((dt.date.fromisoformat(design[-1]["end"]) + dt.timedelta(days=2)).isoformat())
    _import(cli, tmp_path, {"nights": _trial_nights(design, design[-1]["end"])}, now=after)
    verdict = at(after).get(f"/experiments/{exp['id']}")
    result = _json(cli, "experiment", "result", now=after)
    assert f"Verdict: {result['verdict']}" in verdict.text
    assert result["summary"].split(" (")[0] in verdict.text
    assert "Stop it early" not in verdict.text  # over: nothing to stop


def test_stopping_from_the_page(cli: CLI, tmp_path: Path, at: At) -> None:
    _baseline(cli, tmp_path)
    _json(
        cli, "experiment", "start", "--item", "stretching", "--seed", "3", "--period-weeks", "2",
        "--blocks", "1", "--anyway",
    )  # fmt: skip
    (exp,) = _json(cli, "experiment", "list")
    web = at(_at("2026-03-10"))
    token = csrf_of(web, f"/experiments/{exp['id']}")
    bad = web.post(
        f"/experiments/{exp['id']}/stop",
        data={"csrf": token, "stop_reason": "x" * 501},
    )
    assert bad.status_code == 422 and "stop_reason" in _errors(bad.text)
    ok = web.post(f"/experiments/{exp['id']}/stop", data={"csrf": token, "stop_reason": "ill"})
    assert ok.status_code == 303
    (stopped,) = _json(cli, "experiment", "list", now=_at("2026-03-10"))
    assert (stopped["status"], stopped["stop_reason"]) == ("stopped", "ill")
    assert web.get("/experiments/999").status_code == 404
    assert web.get("/experiments/0").status_code == 422
