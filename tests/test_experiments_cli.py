"""Experiments as a person runs them from the command line (both backends): plan, start,
what to do tonight, doses, status, the verdict - and every bad input the issue lists,
each a one-line error that names the option, with nothing stored.

The clock is pinned per command (``now=``); nights are entered by import (as a paper
diary would be typed in) and by ``night``/``took`` as on the night itself.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scipy import special

from .conftest import NOW

Cli = Callable[..., tuple[int, str, str]]


def _at(day: str, hour: int = 20) -> dt.datetime:
    """An evening (Berlin, winter: UTC+1) of a given day."""
    return dt.datetime.fromisoformat(f"{day}T{hour - 1:02d}:00:00+00:00")


def _import(cli: Cli, tmp_path: Path, doc: dict[str, Any], now: dt.datetime = NOW) -> None:
    path = tmp_path / f"doc{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps({"format": "crampwise-diary", "version": 1, **doc}))
    code, _, err = cli("import", str(path), now=now)
    assert code == 0, err


def _baseline(cli: Cli, tmp_path: Path) -> None:
    """Seven weeks recorded before today (5 March 2026), two cramps a week."""
    first = dt.date(2026, 1, 14)
    nights = [
        {"date": (first + dt.timedelta(days=i)).isoformat(), "cramps": int(i % 7 in (1, 4))}
        for i in range(49)
    ]
    _import(cli, tmp_path, {"nights": nights, "profile": {"timezone": "Europe/Berlin"}})


def _json(cli: Cli, *args: str, now: dt.datetime = NOW) -> Any:
    code, out, err = cli(*args, "--json", now=now)
    assert code == 0, err
    return json.loads(out)


def _export(cli: Cli, now: dt.datetime = NOW) -> Any:
    code, out, err = cli("export", now=now)
    assert code == 0, err
    return json.loads(out)


def _error(cli: Cli, *args: str, now: dt.datetime = NOW) -> str:
    code, out, err = cli(*args, now=now)
    assert code != 0 and out == "", (code, out)
    assert err.startswith("crampwise: error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


PLAN = ("experiment", "plan", "--item", "calcium", "--dose", "1000mg")


def test_plan_from_the_diarys_baseline(cli: Cli, tmp_path: Path) -> None:
    _baseline(cli, tmp_path)
    plan = _json(cli, *PLAN, "--seed", "42")
    assert {
        "item", "design", "seed", "baseline_per_week", "dispersion", "power",
        "recommended_period_weeks", "decision_rule",
    } <= set(plan)
    assert plan["item"] == "calcium" and plan["dose"] == 1000 and plan["unit"] == "mg"
    assert plan["seed"] == 42
    assert plan["start"] == "2026-03-06"  # tomorrow
    assert plan["baseline_per_week"] == pytest.approx(2.0, abs=0.05)
    assert plan["decision_rule"] == {"mcid": 0.25, "p_benefit_min": 0.95, "p_meaningful_min": 0.8}
    assert set(plan["power"]) >= {"rr_0_5", "rr_0_75", "false_benefit"}
    assert plan["power"]["false_benefit"] <= 0.05
    assert plan["power"]["rr_0_5"] > plan["power"]["rr_0_75"] > plan["power"]["false_benefit"]
    design = plan["design"]
    assert len(design) == 6 and design[0]["start"] == "2026-03-06"
    for a, b in itertools.pairwise(design):
        follows = dt.date.fromisoformat(a["end"]) + dt.timedelta(1)
        assert dt.date.fromisoformat(b["start"]) == follows
        assert (b["washout_until"] is not None) == (a["condition"] != b["condition"])
    for i in range(0, 6, 2):
        assert {design[i]["condition"], design[i + 1]["condition"]} == {"A", "B"}
    assert plan["washout_days"] == 7  # calcium's catalogue washout
    # the recommended length reaches 80 % at RR 0.5
    assert plan["recommended_period_weeks"] > plan["period_weeks"]
    assert plan["power_at_recommended"]["rr_0_5"] >= 0.8
    # the same seed gives the same plan
    assert _json(cli, *PLAN, "--seed", "42") == plan
    code, out, _ = cli(*PLAN, "--seed", "42")
    assert code == 0 and "Order drawn at random from seed 42" in out
    assert "crampwise experiment start --item calcium --seed 42" in out


def test_power_command(cli: Cli) -> None:
    doc = _json(
        cli, "experiment", "power", "--baseline-per-week", "2", "--rate-ratio", "0.5",
        "--weeks-per-arm", "8",
    )
    assert set(doc) >= {"p_benefit_verdict", "p_conclusive", "p_rr_below_1_at_95"}
    assert doc["p_rr_below_1_at_95"] == pytest.approx(0.50, abs=0.03)  # stats-methods §2.9
    err = _error(
        cli, "experiment", "power", "--baseline-per-week", "2", "--rate-ratio", "0",
        "--weeks-per-arm", "8",
    )
    assert "--rate-ratio" in err
    err = _error(
        cli, "experiment", "power", "--baseline-per-week", "two", "--rate-ratio", "0.5",
        "--weeks-per-arm", "8",
    )
    assert "--baseline-per-week" in err and "not a number" in err


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


def test_a_trial_from_plan_to_verdict(cli: Cli, tmp_path: Path) -> None:
    _baseline(cli, tmp_path)
    started = _json(
        cli, "experiment", "start", "--item", "calcium", "--dose", "1000mg", "--seed", "42",
        "--period-weeks", "3", "--blocks", "2", "--anyway",  # short, to keep the test small
    )
    exp = started["experiment"]
    assert exp["id"] and exp["seed"] == 42 and exp["status"] == "active"
    design = exp["design"]
    assert [p["start"] for p in design] == [p["start"] for p in started["plan"]["design"]]
    assert [e["id"] for e in _json(cli, "experiment", "list")] == [exp["id"]]

    # before it starts, then tonight's instruction in each kind of period
    code, out, _ = cli("experiment", "today")
    assert code == 0 and "starts on 6 Mar" in out
    for p in design:
        night = p["start"]
        tonight = _json(cli, "experiment", "today", now=_at(night))
        assert tonight["condition"] == p["condition"] and tonight["date"] == night
        code, out, _ = cli("experiment", "today", now=_at(night))
        if p["condition"] == "B":
            assert out.startswith("tonight: take calcium 1000 mg")
        else:
            assert out.startswith("tonight: no calcium")
        if p["washout_until"]:
            until = dt.date.fromisoformat(p["washout_until"])
            assert f"until {until.day} {until.strftime('%b')}" in out
            assert tonight["washout"] is True

    # the nights, as entered; doses recorded with `took` (and one missed)
    mid = design[1]["end"]
    _import(cli, tmp_path, {"nights": _trial_nights(design, mid)}, now=_at(design[2]["start"]))
    b_nights = next(p for p in design[:2] if p["condition"] == "B")
    first_b = dt.date.fromisoformat(b_nights["start"])
    for d in range(5):
        day = (first_b + dt.timedelta(days=d)).isoformat()
        code, out, err = cli("took", "calcium", "--date", day, now=_at(design[2]["start"]))
        assert code == 0, err
    cli("took", "calcium", "--missed", "--date", (first_b + dt.timedelta(6)).isoformat(),
        now=_at(design[2]["start"]))

    status = _json(cli, "experiment", "status", now=_at(design[2]["start"]))
    assert status["state"] == "running"
    assert status["progress"]["periods_finished"] == 2
    assert status["nights"]["A"] > 0 and status["nights"]["B"] > 0
    entered = len(_trial_nights(design, mid))
    assert status["adherence"]["percent"] == pytest.approx(100 * (entered - 1) / entered, abs=10)
    assert status["adherence"]["off_assignment"] == 1
    assert status["interim"] is None  # the plan did not allow interim looks
    assert any("interim" in w.lower() for w in status["warnings"])
    # no peeking: the result waits for the end
    err = _error(cli, "experiment", "result", now=_at(design[2]["start"]))
    assert "interim looks" in err and "crampwise experiment stop" in err

    # after the last night: the verdict, recomputable from the numbers it reports
    after = _at((dt.date.fromisoformat(design[-1]["end"]) + dt.timedelta(days=2)).isoformat())
    rest = _trial_nights(design, design[-1]["end"])[entered:]
    _import(cli, tmp_path, {"nights": rest}, now=after)
    result = _json(cli, "experiment", "result", now=after)
    assert {
        "conditions", "washout_nights_excluded", "dispersion", "method", "rate_ratio",
        "p_benefit", "p_meaningful", "verdict", "period_effect", "per_protocol",
        "trend_adjusted", "more_weeks_needed",
    } <= set(result)
    a, b = result["conditions"]["A"], result["conditions"]["B"]
    assert a["item"] is None and b["item"] == "calcium"
    assert result["method"] == "exact-gamma-poisson" and result["dispersion"] == 1
    q = b["nights"] / a["nights"]
    expected = special.betainc(0.5 + b["cramps"], 0.5 + a["cramps"], q / (1 + q))
    assert result["p_benefit"] == pytest.approx(expected, abs=1e-4)
    assert result["rate_ratio"]["estimate"] < 0.5
    assert result["verdict"] == "benefit" and result["evidence"] == "randomized"
    assert result["final"] is True and result["more_weeks_needed"] == 0
    assert result["washout_nights_excluded"] == 7 * sum(1 for p in design if p["washout_until"])
    assert set(result["period_effect"]) == {"detected", "ratio_per_block", "low", "high"}
    _, out, _ = cli("experiment", "result", now=after)
    assert out.startswith("Calcium: likely helped (randomized trial)")

    # the analysis shows the same trial
    analysis = _json(cli, "analyze", now=after)
    calcium = next(e for e in analysis["effects"] if e["item"] == "calcium")
    assert calcium["evidence"] == "randomized" and calcium["verdict"] == "benefit"
    assert calcium["p_benefit"] == pytest.approx(result["p_benefit"], abs=1e-9)
    # and it cannot be stopped any more
    err = _error(cli, "experiment", "stop", now=after)
    assert "already ended" in err


def test_stop_early_and_conclude_on_the_nights_so_far(cli: Cli, tmp_path: Path) -> None:
    _baseline(cli, tmp_path)
    exp = _json(
        cli, "experiment", "start", "--item", "magnesium", "--seed", "3",
        "--period-weeks", "3", "--blocks", "3", "--interim-looks", "--anyway",
    )["experiment"]
    design = exp["design"]
    # interim looks allowed, but no pair has finished yet
    err = _error(cli, "experiment", "result", now=_at(design[1]["start"]))
    assert "no pair of periods has finished" in err
    stop_day = design[2]["start"]
    _import(cli, tmp_path, {"nights": _trial_nights(design, design[1]["end"])}, now=_at(stop_day))
    status = _json(cli, "experiment", "status", now=_at(design[2]["start"]))
    assert status["interim"] is not None and status["interim"]["final"] is False
    assert any("false" in w for w in status["warnings"])
    stopped = _json(
        cli, "experiment", "stop", "--reason", "stomach upset", now=_at(stop_day)
    )
    assert stopped["status"] == "stopped" and stopped["stopped_on"] == stop_day
    assert stopped["stop_reason"] == "stomach upset"
    result = _json(cli, "experiment", "result", now=_at(stop_day))
    assert result["status"] == "stopped" and result["final"] is True
    assert any("Stopped early" in w for w in result["warnings"])
    code, out, _ = cli("experiment", "today", now=_at(stop_day))
    assert code == 0
    assert "was stopped" in out
    err = _error(cli, "experiment", "stop", now=_at(stop_day))
    assert "already stopped" in err


def test_a_paper_trial_entered_afterwards(cli: Cli, tmp_path: Path) -> None:
    """``--start`` in the past records a trial run on paper; its nights are typed in."""
    exp = _json(
        cli, "experiment", "start", "--item", "stretching", "--start", "2025-09-01",
        "--seed", "9", "--period-weeks", "2", "--blocks", "2", "--baseline-per-week", "3",
        "--anyway",
    )["experiment"]
    assert exp["washout_days"] == 2  # stretching's catalogue washout
    _import(cli, tmp_path, {"nights": _trial_nights(exp["design"], exp["design"][-1]["end"])})
    result = _json(cli, "experiment", "result")
    assert result["final"] is True and result["verdict"] in {"benefit", "inconclusive"}
    assert result["conditions"]["A"]["nights"] + result["conditions"]["B"]["nights"] == 56 - result[
        "washout_nights_excluded"
    ]


# -- bad input --------------------------------------------------------------------------------
def test_unknown_item_and_impossible_periods(cli: Cli, tmp_path: Path) -> None:
    _baseline(cli, tmp_path)
    err = _error(cli, "experiment", "plan", "--item", "calcum")
    assert err.startswith("crampwise: error: --item: unknown item") and "calcium" in err
    err = _error(cli, *PLAN, "--period-weeks", "1", "--washout-days", "7")
    assert "--washout-days" in err and "not longer than its washout" in err
    err = _error(cli, *PLAN, "--period-weeks", "1")  # the catalogue's 7 nights
    assert "--period-weeks" in err
    assert "--seed" in _error(cli, *PLAN, "--seed", "-3")
    assert "--blocks" in _error(cli, *PLAN, "--blocks", "0")
    assert "--dispersion" in _error(cli, *PLAN, "--dispersion", "0.5")
    assert "--vs" in _error(cli, *PLAN, "--vs", "calcium")
    assert "--vs" in _error(cli, *PLAN, "--vs", "unobtainium")
    assert "--dose" in _error(cli, *PLAN, "--dose", "lots")
    assert "--start" in _error(cli, *PLAN, "--start", "2030-01-01")
    assert _json(cli, "experiment", "list") == []


def test_no_baseline_and_no_experiment_yet(cli: Cli) -> None:
    err = _error(cli, *PLAN)
    assert "--baseline-per-week" in err and "fewer than 14 nights" in err
    err = _error(cli, "experiment", "result")
    assert "no experiment is planned yet" in err and "crampwise experiment plan" in err
    err = _error(cli, "experiment", "today")
    assert "no experiment" in err


def test_overlapping_experiments_are_refused(cli: Cli, tmp_path: Path) -> None:
    _baseline(cli, tmp_path)
    code, _, _ = cli("experiment", "start", "--item", "calcium", "--seed", "1")
    assert code == 0
    err = _error(
        cli, "experiment", "start", "--item", "magnesium", "--start", "2026-04-01", "--seed", "2"
    )
    assert "one experiment at a time" in err and "crampwise experiment stop" in err
    assert len(_json(cli, "experiment", "list")) == 1


def test_an_item_in_the_regimen_needs_to_be_handled(cli: Cli, tmp_path: Path) -> None:
    _baseline(cli, tmp_path)
    assert cli("regimen", "start", "calcium", "--dose", "500", "--unit", "mg",
               "--date", "2026-01-20")[0] == 0
    err = _error(cli, "experiment", "start", "--item", "calcium", "--seed", "5")
    assert "calcium is in your regimen" in err and "--stop-regimen" in err
    assert _json(cli, "experiment", "list") == []
    regimen = _json(cli, "regimen", "list")
    assert regimen[0]["end"] is None  # untouched
    started = _json(
        cli, "experiment", "start", "--item", "calcium", "--seed", "5", "--stop-regimen"
    )
    assert started["experiment"]["design"][0]["washout_until"] is not None or (
        started["experiment"]["design"][0]["condition"] == "B"
    )
    entry = _json(cli, "regimen", "list", "--all")[0]
    assert entry["end"] == started["experiment"]["start"]
    # doses during the trial are recorded although calcium left the regimen
    night = started["experiment"]["start"]
    code, _, err = cli("took", "calcium", "--date", night, now=_at(night))
    assert code == 0, err


def test_no_useful_answer_is_refused_unless_accepted(cli: Cli) -> None:
    args = ("experiment", "start", "--item", "magnesium", "--baseline-per-week", "0.3",
            "--seed", "4")
    err = _error(cli, *args)
    assert "no useful answer is reachable" in err and "years" in err and "--anyway" in err
    assert _json(cli, "experiment", "list") == []
    code, _, err = cli(*args, "--anyway")
    assert code == 0, err


def test_a_seed_that_does_not_reproduce_the_design_is_refused(cli: Cli, tmp_path: Path) -> None:
    _baseline(cli, tmp_path)
    before = _export(cli)
    start = dt.date(2025, 6, 2)
    design = [
        {"start": (start + dt.timedelta(days=28 * i)).isoformat(),
         "end": (start + dt.timedelta(days=28 * i + 27)).isoformat(),
         "condition": c}
        for i, c in enumerate("ABAB")
    ]
    bad = {
        "nights": [{"date": "2025-06-03", "cramps": 1}],
        "experiments": [
            {"item": "calcium", "start": start.isoformat(), "seed": 17, "design": design}
        ],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"format": "crampwise-diary", "version": 1, **bad}))
    err = _error(cli, "import", str(path))
    assert "experiments[0].seed: 17 does not reproduce the stored design" in err
    assert _export(cli) == before  # nothing was written
    # without the seed it is accepted - as an uncontrolled comparison
    del bad["experiments"][0]["seed"]
    path.write_text(json.dumps({"format": "crampwise-diary", "version": 1, **bad}))
    code, _, err = cli("import", str(path))
    assert code == 0, err
    assert _json(cli, "experiment", "status")["evidence"] == "uncontrolled"


def test_hand_entered_abab_with_baseline_first_is_not_called_randomized(
    cli: Cli, tmp_path: Path
) -> None:
    """Off, on, off, on in 6-week blocks entered by hand, cramps fading 4-fold, the item
    doing nothing: neither the analysis nor the result calls it randomized, and the
    text never says "likely helped"."""
    import numpy as np

    start = dt.date(2025, 3, 3)
    n = 4 * 42
    rng = np.random.default_rng(12)
    counts = rng.poisson(2.0 / 7 * np.exp(-np.log(4) * np.arange(n) / n))
    nights = [
        {"date": (start + dt.timedelta(days=i)).isoformat(), "cramps": int(c)}
        for i, c in enumerate(counts)
    ]
    design = [
        {"start": (start + dt.timedelta(days=42 * i)).isoformat(),
         "end": (start + dt.timedelta(days=42 * i + 41)).isoformat(),
         "condition": c}
        for i, c in enumerate("ABAB")
    ]
    _import(cli, tmp_path, {"nights": nights, "experiments": [
        {"item": "magnesium", "start": start.isoformat(), "design": design}
    ]})
    analysis = _json(cli, "analyze")
    effect = next(e for e in analysis["effects"] if e["item"] == "magnesium")
    assert effect["evidence"] == "uncontrolled"
    assert "experiment-not-randomized" in {w["code"] for w in analysis["warnings"]}
    _, text, _ = cli("analyze")
    assert "likely helped" not in text
    result = _json(cli, "experiment", "result")
    assert result["evidence"] == "uncontrolled"
    assert result["warnings"][0].startswith(
        "Uncontrolled: its periods were entered in a fixed order"
    )
    assert "likely helped" not in result["summary"]


def test_bedtime_reminder_lists_tonights_condition(cli: Cli, tmp_path: Path) -> None:
    _baseline(cli, tmp_path)
    exp = _json(cli, "experiment", "start", "--item", "calcium", "--dose", "1000mg",
                "--seed", "42")["experiment"]
    b = next(p for p in exp["design"] if p["condition"] == "B")
    a = next(p for p in exp["design"] if p["condition"] == "A")
    ics = str(tmp_path / "bedtime.ics")
    code, out, err = cli("reminders", "--ics", ics, "--yes", "--json", now=_at(b["start"]))
    assert code == 0, err
    assert "calcium 1000 mg (experiment)" in json.loads(out)["tonight"]
    code, out, _ = cli("reminders", "--ics", ics, "--yes", "--json", now=_at(a["start"]))
    assert "no calcium tonight (experiment)" in json.loads(out)["tonight"]
    text = Path(ics).read_text(encoding="utf-8")
    assert "no calcium tonight (experiment)" in text.replace("\r\n ", "")
