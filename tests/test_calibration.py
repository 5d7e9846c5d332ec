"""Calibration on simulated diaries (issue 10): the seed story's traps must not fool it.

Written from the issue's text, fixed seeds (``default_rng([scenario, seed])``, seeds
0–199 for every scenario: nothing tuned to one seed). The scenarios are in
``tests/calibration.py``; their reproduction of the issue's table with the previous
engine (e.g. 97 % `benefit` under steady fading, 82 % for the inert one of two close
starts, 11–16 % with lasting spells) is recorded in docs/analysis.md.

* null diaries of every trap → `benefit` for the judged item in ≤ 7 %;
* the strong version of every trap → the warning that names it fires in ≥ 70 %;
* stationary diaries (Poisson; clustered weeks; randomized blocks) → every statistical
  warning fires in ≤ 5 % (``overdispersion`` only counts on the Poisson diaries);
* power: a true rate ratio 0.5 at 3 cramps a week, 6 on/off cycles of 4 weeks → `benefit`
  in ≥ 80 %.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor

import pytest

from tests.calibration import SCENARIOS, STATISTICAL_WARNINGS, Outcome, Scenario, outcomes

pytestmark = pytest.mark.slow
SEEDS = 200


def _chunks() -> list[tuple[int, range]]:
    half = SEEDS // 2
    return [(s.tag, r) for s in SCENARIOS for r in (range(half), range(half, SEEDS))]


@pytest.fixture(scope="module")
def results() -> dict[int, list[Outcome]]:
    """Every scenario × 200 seeds, on two processes (the machines have two cores)."""
    jobs = _chunks()
    out: dict[int, list[Outcome]] = {s.tag: [] for s in SCENARIOS}
    workers = min(2, os.cpu_count() or 1)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = pool.map(outcomes, [t for t, _ in jobs], [r for _, r in jobs])
        for (tag, _), part in zip(jobs, done, strict=True):
            out[tag] += part
    return out


def _rate(rows: list[Outcome], pred: object) -> float:
    return sum(bool(pred(r)) for r in rows) / len(rows)  # type: ignore[operator]


NULLS = [s for s in SCENARIOS if s.null]
STRONG = [s for s in SCENARIOS if s.strong and s.warning]


@pytest.mark.parametrize("scenario", NULLS, ids=lambda s: f"{s.tag}-{s.name.strip()}")
def test_null_diaries_rarely_claim_benefit(
    results: dict[int, list[Outcome]], scenario: Scenario
) -> None:
    rows = results[scenario.tag]
    assert len(rows) == SEEDS
    assert _rate(rows, lambda r: r.verdict == "benefit") <= 0.07


@pytest.mark.parametrize("scenario", STRONG, ids=lambda s: f"{s.tag}-{s.name.strip()}")
def test_strong_traps_are_named(results: dict[int, list[Outcome]], scenario: Scenario) -> None:
    assert _rate(results[scenario.tag], lambda r: scenario.warning in r.codes) >= 0.70


@pytest.mark.parametrize("tag", [1, 2, 17])
@pytest.mark.parametrize("code", STATISTICAL_WARNINGS)
def test_stationary_diaries_keep_false_alarms_low(
    results: dict[int, list[Outcome]], tag: int, code: str
) -> None:
    if code == "overdispersion" and tag == 2:
        return  # clustered weeks *are* over-dispersed: that warning is right there
    assert _rate(results[tag], lambda r: code in r.codes) <= 0.05


def test_power_is_kept(results: dict[int, list[Outcome]]) -> None:
    """Reference: stats-methods §2.9 — at 3 cramps a week and RR 0.5, 24 weeks per arm
    give the Bayesian rule ~0.9 power with a plain Poisson analysis; ours must keep 80 %."""
    assert _rate(results[18], lambda r: r.verdict == "benefit") >= 0.80


def test_close_starts_are_one_change(results: dict[int, list[Outcome]]) -> None:
    """Two starts 9 nights apart (gap unrecorded) or 30 apart with nothing recorded
    between: both items not-identifiable in every diary, never separate effects."""
    for tag in (9, 10):
        assert _rate(results[tag], lambda r: r.both_confounded) == 1.0


def test_a_medicine_does_not_make_an_inert_supplement_look_harmful(
    results: dict[int, list[Outcome]],
) -> None:
    """A diuretic doubling the rate 20 nights after an inert supplement: the previous
    engine called the supplement harmful in 100/100 diaries; now P(RR > 1) ≥ 0.95 in
    ≤ 7 %."""
    rows = results[16]
    assert _rate(rows, lambda r: r.p_benefit is not None and r.p_benefit <= 0.05) <= 0.07
