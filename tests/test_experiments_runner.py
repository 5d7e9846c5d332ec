"""Running and concluding an experiment from the command line (both backends): the plan's
baseline and its uncertainty, doses recorded with ``took all``/``took bedtime``, the list's
states, and the verdict's parts a person must be able to check - the period effect, the
per-protocol result and the over-dispersion-adjusted probabilities.

External references are stated in each test: scipy's Gamma quantiles and incomplete beta,
and the Pearson dispersion recomputed here with numpy.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import special, stats

from .conftest import NOW

Cli = Callable[..., tuple[int, str, str]]


def _at(day: str | dt.date, hour: int = 20) -> dt.datetime:
    """An evening (Berlin, winter: UTC+1) of a given day."""
    return dt.datetime.fromisoformat(f"{day}T{hour - 1:02d}:00:00+00:00")


def _import(cli: Cli, tmp_path: Path, doc: dict[str, Any], now: dt.datetime = NOW) -> None:
    path = tmp_path / f"doc{len(list(tmp_path.iterdir()))}.json"
    path.write_text(json.dumps({"format": "crampwise-diary", "version": 1, **doc}))
    code, _, err = cli("import", str(path), now=now)
    assert code == 0, err


def _json(cli: Cli, *args: str, now: dt.datetime = NOW) -> Any:
    code, out, err = cli(*args, "--json", now=now)
    assert code == 0, err
    return json.loads(out)


def _days(first: str, last: str) -> list[str]:
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(a + dt.timedelta(days=i)).isoformat() for i in range((b - a).days + 1)]


def _spread(total: int, days: list[str]) -> list[dict[str, Any]]:
    """``total`` cramps spread as evenly as whole nights allow over ``days``."""
    n = len(days)
    marks = [(total * (i + 1)) // n - (total * i) // n for i in range(n)]
    return [{"date": d, "cramps": c} for d, c in zip(days, marks, strict=True)]


def _paper_trial(cli: Cli, *extra: str) -> dict[str, Any]:
    """Magnesium, 8 periods of 4 weeks from 3 Mar 2025 (a trial run on paper, typed in)."""
    return _json(
        cli,
        "experiment",
        "start",
        "--item",
        "magnesium",
        "--start",
        "2025-03-03",
        "--seed",
        "11",
        "--period-weeks",
        "4",
        "--blocks",
        "4",
        "--baseline-per-week",
        "4",
        *extra,
    )["experiment"]


# -- the plan's baseline ------------------------------------------------------------------------
def test_the_baseline_carries_its_uncertainty_dispersion_and_recorded_share(
    cli: Cli, tmp_path: Path
) -> None:
    """Ten complete weeks with clustered counts (weekly totals 0, 6, 1, 5, 0, 7, 2, 4, 1, 6)
    and five nights left unrecorded in an eleventh week: the plan's weekly rate, its 95 %
    range (Jeffreys Gamma(0.5 + S, n) quantiles from scipy), the Pearson dispersion of the
    complete weeks (recomputed with numpy) and the share of nights recorded."""
    weekly = [0, 6, 1, 5, 0, 7, 2, 4, 1, 6]
    last = dt.date(2026, 3, 4)  # last night before NOW's evening
    nights: list[dict[str, Any]] = []
    for w, total in enumerate(reversed(weekly)):  # counted back from the last night
        week_last = last - dt.timedelta(days=7 * w)
        days = _days((week_last - dt.timedelta(days=6)).isoformat(), week_last.isoformat())
        nights += _spread(total, days)
    gappy = _days(
        (last - dt.timedelta(days=76)).isoformat(), (last - dt.timedelta(days=70)).isoformat()
    )
    nights += [{"date": d, "cramps": 1} for d in gappy[:2]]  # 5 of its 7 nights missing
    _import(cli, tmp_path, {"nights": nights})
    plan = _json(cli, "experiment", "plan", "--item", "calcium", "--seed", "5")
    cramps, recorded = sum(weekly) + 2, 70 + 2
    assert plan["baseline_per_week"] == pytest.approx(7 * cramps / recorded, abs=1e-3)
    posterior = stats.gamma(0.5 + cramps, scale=1 / recorded)
    assert plan["baseline_interval"]["low"] == pytest.approx(7 * posterior.ppf(0.025), abs=2e-3)
    assert plan["baseline_interval"]["high"] == pytest.approx(7 * posterior.ppf(0.975), abs=2e-3)
    w = np.array(weekly, dtype=float)
    pearson = float(((w - w.mean()) ** 2).sum() / w.mean() / (len(w) - 1))
    assert plan["dispersion"] == pytest.approx(pearson, abs=0.01)
    assert plan["recorded_share"] == pytest.approx(recorded / 77, abs=1e-3)
    code, out, _ = cli("experiment", "plan", "--item", "calcium", "--seed", "5")
    assert code == 0
    low, high = plan["baseline_interval"]["low"], plan["baseline_interval"]["high"]
    assert f"95 % range {low:.2g} to {high:.2g}" in out
    assert "counting on 94 % of nights recorded" in out


def test_more_missing_nights_mean_less_power(cli: Cli, tmp_path: Path) -> None:
    """The same cramps a week, every night recorded against every other night: the plan's
    chance of a `benefit` at RR 0.5 is lower when half the nights go unrecorded."""
    last = dt.date(2026, 3, 4)
    days = _days((last - dt.timedelta(days=55)).isoformat(), last.isoformat())
    every = [{"date": d, "cramps": int(i % 7 in (2, 5))} for i, d in enumerate(days)]
    _import(cli, tmp_path, {"nights": every})
    full = _json(cli, "experiment", "plan", "--item", "calcium", "--seed", "5")
    assert full["recorded_share"] == 1.0
    code, _, err = cli("delete", "night", days[1], "--yes")
    assert code == 0, err
    for d in days[3::2]:
        assert cli("delete", "night", d, "--yes")[0] == 0
    half = _json(cli, "experiment", "plan", "--item", "calcium", "--seed", "5")
    assert half["recorded_share"] < 0.6
    assert half["power"]["rr_0_5"] < full["power"]["rr_0_5"] - 0.05


# -- doses and the list ----------------------------------------------------------------------
def test_took_all_and_bedtime_record_tonights_experiment_dose(cli: Cli, tmp_path: Path) -> None:
    exp = _json(
        cli,
        "experiment",
        "start",
        "--item",
        "magnesium",
        "--dose",
        "300mg",
        "--seed",
        "7",
        "--baseline-per-week",
        "3",
        "--anyway",
    )["experiment"]
    b = next(p for p in exp["design"] if p["condition"] == "B")
    a = next(p for p in exp["design"] if p["condition"] == "A")
    next_evening = (dt.date.fromisoformat(b["start"]) + dt.timedelta(days=1)).isoformat()
    code, out, _ = cli("experiment", "today", now=_at(next_evening))
    # the evening after a magnesium night with no dose recorded: a reminder, with the command
    assert code == 0 and out.splitlines()[0].startswith("tonight: take magnesium 300 mg")
    assert out.splitlines()[1] == (
        f"Last night's magnesium is not recorded yet: crampwise took magnesium --date "
        f"{b['start']} (or --missed)"
    )
    code, out, err = cli("took", "all", now=_at(b["start"]))
    assert code == 0, err
    assert out.strip() == f"Took magnesium on {b['start']}."
    second = (dt.date.fromisoformat(b["start"]) + dt.timedelta(days=1)).isoformat()
    code, out, err = cli("took", "bedtime", now=_at(second))
    assert code == 0, err
    assert out.strip() == f"Took magnesium at bedtime on {second}."
    code, out, _ = cli("took", "bedtime", now=_at(second))
    assert "Already recorded" in out and "not counted twice" in out
    # a night without magnesium: nothing is due, and the message says why
    code, out, err = cli("took", "all", now=_at(a["start"]))
    assert code != 0 and out == ""
    assert "the magnesium experiment has no magnesium that night" in err
    assert err.count("\n") == 1
    # both doses count as taken as assigned
    third = (dt.date.fromisoformat(second) + dt.timedelta(days=1)).isoformat()
    code, out, _ = cli("experiment", "today", now=_at(second))
    assert "not recorded yet" not in out  # recorded: no reminder
    assert _json(cli, "experiment", "today", now=_at(second))["unrecorded_last_night"] is None
    status = _json(cli, "experiment", "status", now=_at(third))
    assert status["adherence"]["on_assignment"] == 2
    assert status["adherence"]["off_assignment"] == 0


def test_the_list_shows_each_experiments_state(cli: Cli, tmp_path: Path) -> None:
    _paper_trial(cli)
    _json(
        cli,
        "experiment",
        "start",
        "--item",
        "calcium",
        "--seed",
        "2",
        "--baseline-per-week",
        "3",
        "--anyway",
    )
    code, out, err = cli("experiment", "list")
    assert code == 0, err
    lines = out.splitlines()
    assert "magnesium" in lines[1] and lines[1].rstrip().endswith("finished")
    assert "calcium" in lines[2] and lines[2].rstrip().endswith("scheduled")
    code, out, _ = cli("experiment", "list", now=_at("2026-03-10"))
    assert out.splitlines()[2].rstrip().endswith("running")
    listed = _json(cli, "experiment", "list", now=_at("2026-03-10"))
    assert [e["state"] for e in listed] == ["finished", "running"]


# -- the verdict's parts ---------------------------------------------------------------------
def _enter_trial(
    cli: Cli,
    tmp_path: Path,
    exp: dict[str, Any],
    totals: list[int],
) -> None:
    """Every night of the trial recorded; period k's ``totals[k]`` cramps spread over its
    counted nights (none in the washout)."""
    nights: list[dict[str, Any]] = []
    for p, total in zip(exp["design"], totals, strict=True):
        wash = p["washout_until"]
        if wash:
            nights += [{"date": d, "cramps": 0} for d in _days(p["start"], wash)]
            first = (dt.date.fromisoformat(wash) + dt.timedelta(days=1)).isoformat()
        else:
            first = p["start"]
        nights += _spread(total, _days(first, p["end"]))
    _import(cli, tmp_path, {"nights": nights})


def test_a_fading_trial_is_told_of_its_period_effect(cli: Cli, tmp_path: Path) -> None:
    """Cramps fall from 4 a week to under 1 over eight periods whatever is taken: the
    result flags the period effect, with a ratio per period below 1 and its interval, and
    does not call magnesium helpful."""
    exp = _paper_trial(cli)
    totals = [16, 13, 11, 9, 7, 6, 5, 4]
    _enter_trial(cli, tmp_path, exp, totals)
    result = _json(cli, "experiment", "result")
    effect = result["period_effect"]
    assert effect["detected"] is True
    assert effect["low"] < effect["ratio_per_block"] < effect["high"] < 1.0
    # the order is balanced, so the fading does not pass for an effect
    assert result["verdict"] != "benefit"
    assert 0.6 < result["rate_ratio"]["estimate"] < 1.6
    _, text, _ = cli("experiment", "result")
    assert "Period effect: later periods had fewer cramps whatever you took" in text
    assert "likely helped" not in text


def test_steady_cramps_show_no_period_effect(cli: Cli, tmp_path: Path) -> None:
    exp = _paper_trial(cli)
    totals = [10 if p["condition"] == "A" else 9 for p in exp["design"]]
    _enter_trial(cli, tmp_path, exp, totals)
    result = _json(cli, "experiment", "result")
    assert result["period_effect"]["detected"] is False
    assert result["verdict"] != "benefit"
    _, text, _ = cli("experiment", "result")
    assert "Period effect" not in text


def test_per_protocol_leaves_out_the_nights_not_taken_as_assigned(cli: Cli, tmp_path: Path) -> None:
    """Magnesium taken on every counted night of its periods but six, on which it was
    missed and cramps came: intention to treat counts those nights as magnesium nights,
    per protocol leaves them out (and unknown nights too)."""
    exp = _paper_trial(cli)
    totals = [10 if p["condition"] == "A" else 4 for p in exp["design"]]
    _enter_trial(cli, tmp_path, exp, totals)
    b_days: list[str] = []
    for p in exp["design"]:
        if p["condition"] == "B":
            wash = p["washout_until"]
            first = (
                (dt.date.fromisoformat(wash) + dt.timedelta(days=1)).isoformat()
                if wash
                else p["start"]
            )
            b_days += _days(first, p["end"])
    missed = b_days[3:9]
    for d in b_days:
        args = ("took", "magnesium", "--date", d) + (("--missed",) if d in missed else ())
        assert cli(*args)[0] == 0
    code, _, err = cli("night", missed[0], "--cramps", "3", "--yes")
    assert code == 0, err
    result = _json(cli, "experiment", "result")
    itt_b = result["conditions"]["B"]
    pp = result["per_protocol"]
    assert pp is not None
    assert pp["nights"] == itt_b["nights"] + result["conditions"]["A"]["nights"] - len(missed)
    assert result["adherence"]["off_assignment"] == len(missed)
    a_nights = sum(len(_days(p["start"], p["end"])) for p in exp["design"] if p["condition"] == "A")
    # every recorded night without magnesium is as assigned, washout nights included
    assert result["adherence"]["on_assignment"] == a_nights + len(b_days) - len(missed)
    # the missed nights had more cramps, so leaving them out favours magnesium
    assert pp["rate_ratio"]["estimate"] < result["rate_ratio"]["estimate"]
    _, text, _ = cli("experiment", "result")
    assert (
        f"nights taken as assigned only (per protocol, {pp['nights']} nights): rate ratio "
        f"{pp['rate_ratio']['estimate']:.2f}"
    ) in text


def test_an_overdispersed_result_can_be_recomputed_from_its_numbers(
    cli: Cli, tmp_path: Path
) -> None:
    """Period totals far more variable than Poisson counts: the method says so, and
    P(RR < 1) is scipy's I_{q/(1+q)}(0.5 + S_B/φ, 0.5 + S_A/φ) with q = n_B/n_A, from
    the counts, nights and dispersion the result reports."""
    exp = _paper_trial(cli)
    totals = [2, 20, 15, 1, 18, 3, 2, 16]
    _enter_trial(cli, tmp_path, exp, totals)
    result = _json(cli, "experiment", "result")
    assert result["method"] == "overdispersion-adjusted"
    phi = result["dispersion"]
    assert phi > 1.5
    a, b = result["conditions"]["A"], result["conditions"]["B"]
    q = b["nights"] / a["nights"]
    expected = special.betainc(0.5 + b["cramps"] / phi, 0.5 + a["cramps"] / phi, q / (1 + q))
    assert result["p_benefit"] == pytest.approx(expected, abs=1e-6)
    cut = 0.75 * q
    meaningful = special.betainc(0.5 + b["cramps"] / phi, 0.5 + a["cramps"] / phi, cut / (1 + cut))
    assert result["p_meaningful"] == pytest.approx(meaningful, abs=1e-6)


def test_stop_before_the_first_night_is_refused_and_today_tomorrow_are_dates(cli: Cli) -> None:
    exp = _json(
        cli,
        "experiment",
        "start",
        "--item",
        "calcium",
        "--start",
        "tomorrow",
        "--seed",
        "3",
        "--baseline-per-week",
        "3",
        "--anyway",
    )["experiment"]
    assert exp["start"] == "2026-03-06"  # NOW is 03:30 on 5 March in Berlin
    code, out, err = cli("experiment", "stop", "--date", "2026-03-01")
    assert code != 0 and out == ""
    assert err == (
        "crampwise: error: --date: 2026-03-01 is before the experiment's first night "
        f"(2026-03-06); give a night from 2026-03-06 to {exp['design'][-1]['end']}\n"
    )
    assert _json(cli, "experiment", "list")[0]["status"] == "active"  # nothing stored
    plan = _json(
        cli,
        "experiment",
        "plan",
        "--item",
        "calcium",
        "--start",
        "today",
        "--seed",
        "3",
        "--baseline-per-week",
        "3",
    )
    assert plan["start"] == "2026-03-05"


def test_analyze_and_result_apply_the_rule_stored_with_the_experiment(
    cli: Cli, tmp_path: Path
) -> None:
    """A trial imported with its own decision rule (a 60 % reduction is the smallest
    worthwhile effect): on data where magnesium halves the cramps, the default thresholds
    are met (checked with scipy's incomplete beta), the stored rule's are not - and
    `analyze` agrees with `experiment result`."""
    from crampwise.experiments.design import make_design

    design = make_design(11, dt.date(2025, 3, 3), 4, 28, 7, first_washout=True)
    exp = {
        "item": "magnesium",
        "start": "2025-03-03",
        "period_days": 28,
        "washout_days": 7,
        "seed": 11,
        "design": [
            {"start": p.start, "end": p.end, "condition": p.condition}
            | ({"washout_until": p.washout_until} if p.washout_until else {})
            for p in design
        ],
    }
    as_dicts = {
        "design": [
            {
                "start": p.start,
                "end": p.end,
                "condition": p.condition,
                "washout_until": p.washout_until,
            }
            for p in design
        ]
    }
    totals = [12 if p.condition == "A" else 6 for p in design]
    strict = dict(exp, decision_rule={"mcid": 0.6, "p_benefit_min": 0.95, "p_meaningful_min": 0.8})
    _import(cli, tmp_path, {"experiments": [strict]})
    _enter_trial(cli, tmp_path, as_dicts, totals)
    result = _json(cli, "experiment", "result")
    assert result["decision_rule"]["mcid"] == 0.6
    assert result["rate_ratio"]["estimate"] == pytest.approx(0.5, abs=0.1)
    assert result["verdict"] == "inconclusive"
    effect = next(e for e in _json(cli, "analyze")["effects"] if e["item"] == "magnesium")
    assert effect["verdict"] == result["verdict"]
    assert effect["p_benefit"] == pytest.approx(result["p_benefit"], abs=1e-9)
    # the same nights judged by the default rule: benefit
    a = result["conditions"]["A"]
    b = result["conditions"]["B"]
    q = b["nights"] / a["nights"]
    p_any = special.betainc(0.5 + b["cramps"], 0.5 + a["cramps"], q / (1 + q))
    p_quarter = special.betainc(0.5 + b["cramps"], 0.5 + a["cramps"], 0.75 * q / (1 + 0.75 * q))
    assert p_any >= 0.95 and p_quarter >= 0.8


def test_the_smallest_worthwhile_reduction_can_be_fixed_in_advance(cli: Cli) -> None:
    """``--mcid 40%`` is stored with the plan, used by its power figures (a stricter rule
    says `benefit` less often at RR 0.5) and repeated in the command that starts it;
    values outside 5-90 % are refused by name."""
    args = ("experiment", "plan", "--item", "calcium", "--seed", "5", "--baseline-per-week", "3")
    default = _json(cli, *args)
    strict = _json(cli, *args, "--mcid", "40%")
    assert strict["decision_rule"]["mcid"] == 0.4
    assert _json(cli, *args, "--mcid", "0.4")["decision_rule"] == strict["decision_rule"]
    assert strict["power"]["rr_0_5"] < default["power"]["rr_0_5"]
    _, out, _ = cli(*args, "--mcid", "40%", "--interim-looks")
    assert "at least 40 % fewer cramps" in out
    assert out.rstrip().endswith("--mcid 40% --baseline-per-week 3 --interim-looks")
    for bad in ("95%", "0.01", "lots"):
        code, out, err = cli(*args, "--mcid", bad)
        assert code != 0 and out == "" and err.startswith("crampwise: error: --mcid: ")
    started = _json(cli, *args[:1], "start", *args[2:], "--mcid", "40%", "--anyway")
    assert started["experiment"]["decision_rule"]["mcid"] == 0.4
