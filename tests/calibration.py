"""Simulated diaries for the calibration suite (issue 10), written from the issue's text.

Each scenario builds one diary from a seed (``numpy.random.default_rng([tag, seed])``)
straight as nightly arrays (no documents: fast) and names the item whose verdict is
judged. In every *null* scenario no item does anything; the trap alone moves the cramps.
Strong versions make the trap more marked, for the warning that names it.

Rates are per week; a diary runs from 1 Jan 2024 unless said.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from crampwise._record import replace
from crampwise.analysis import AnalysisResult, analyze_series
from crampwise.analysis.series import Block, DiarySeries
from crampwise.analysis.simulate import simulate_series

__all__ = ["SCENARIOS", "STATISTICAL_WARNINGS", "Outcome", "Scenario", "outcomes", "run"]

#: Warnings that come from a statistical test (the others state facts of the diary).
STATISTICAL_WARNINGS = (
    "trend",
    "regression-to-mean",
    "changepoint-without-change",
    "missing-nights",
    "seasonal",
    "period-effect",
    "overdispersion",
)

YEAR = 365
START = date(2024, 1, 1)


def _on(n: int, *spans: tuple[int, int | None]) -> np.ndarray:
    on = np.zeros(n, dtype=np.bool_)
    for s, e in spans:
        on[s : n if e is None else e] = True
    return on


def _weekly_gamma(rng: np.random.Generator, n: int, k: float) -> np.ndarray:
    weeks = (n + 6) // 7
    return np.repeat(rng.gamma(k, 1.0 / k, size=weeks), 7)[:n]


def _recorded(rng: np.random.Generator, n: int, share_missing: float) -> np.ndarray:
    rec = rng.random(n) >= share_missing
    rec[0] = rec[-1] = True
    return rec


@dataclass(frozen=True)
class Scenario:
    tag: int
    name: str
    item: str
    build: Callable[[np.random.Generator], DiarySeries]
    warning: str | None = None  # the warning that should name the trap
    null: bool = True  # no item does anything
    strong: bool = False  # the strong version of a trap: its warning must fire ≥ 70 %


def _stationary(rng: np.random.Generator, clustered: bool) -> DiarySeries:
    """One year at 1.5 cramps a week, 5 % of nights missing at random, two inert changes
    (magnesium from night 120, stretching from night 240); weekly NB (k = 2) if clustered."""
    n = YEAR
    rate = np.full(n, 1.5 / 7)
    if clustered:
        rate = rate * _weekly_gamma(rng, n, 2.0)
    reg = {"magnesium": _on(n, (120, None)), "stretching": _on(n, (240, None))}
    return simulate_series(rate, reg, rng=rng, recorded=_recorded(rng, n, 0.05), start=START)


def _trend(rng: np.random.Generator, start_rate: float) -> DiarySeries:
    """Steady fading, 8-fold over a year; magnesium started half-way."""
    n = YEAR
    rate = start_rate / 7 * np.exp(-np.log(8.0) * np.arange(n) / n)
    reg = {"magnesium": _on(n, (n // 2, None))}
    return simulate_series(rate, reg, rng=rng, recorded=_recorded(rng, n, 0.03), start=START)


def _rtm_start(rng: np.random.Generator, factor: float) -> DiarySeries:
    """A bad spell of 4–6 weeks at the diary's start (rate × factor), magnesium started
    right after it; one year at 1.5 a week otherwise."""
    n = YEAR
    spell = 7 * int(rng.integers(4, 7))
    rate = np.full(n, 1.5 / 7)
    rate[:spell] *= factor
    reg = {"magnesium": _on(n, (spell, None))}
    return simulate_series(rate, reg, rng=rng, recorded=_recorded(rng, n, 0.03), start=START)


def _rtm_middle(rng: np.random.Generator, factor: float) -> DiarySeries:
    """A bad spell of 4–6 weeks in the middle of the diary, magnesium started right
    after it; 1.5 a week otherwise, one year."""
    n = YEAR
    spell = 7 * int(rng.integers(4, 7))
    s = 180 - spell
    rate = np.full(n, 1.5 / 7)
    rate[s:180] *= factor
    reg = {"magnesium": _on(n, (180, None))}
    return simulate_series(rate, reg, rng=rng, recorded=_recorded(rng, n, 0.03), start=START)


def _close_starts(rng: np.random.Generator) -> DiarySeries:
    """Magnesium and stretching started 9 nights apart, the nights between unrecorded;
    only stretching works (rate ratio 0.5); 2 a week, one year."""
    n = YEAR
    mg, st = _on(n, (170, None)), _on(n, (179, None))
    rate = np.full(n, 2.0 / 7) * np.where(st, 0.5, 1.0)
    rec = _recorded(rng, n, 0.03)
    rec[170:179] = False
    return simulate_series(rate, {"magnesium": mg, "stretching": st}, rng=rng, recorded=rec)


def _close_starts_apart(rng: np.random.Generator) -> DiarySeries:
    """As above but 30 nights apart, every night between unrecorded (the second rule)."""
    n = YEAR
    mg, st = _on(n, (150, None)), _on(n, (180, None))
    rate = np.full(n, 2.0 / 7) * np.where(st, 0.5, 1.0)
    rec = _recorded(rng, n, 0.03)
    rec[150:180] = False
    return simulate_series(rate, {"magnesium": mg, "stretching": st}, rng=rng, recorded=rec)


def _missing(rng: np.random.Generator, p_skip: float) -> DiarySeries:
    """Cramp-free nights before magnesium's start left unrecorded more often: each
    cramp-free night before night 182 is skipped with probability ``p_skip`` (0.3 gives
    about 26 % of that period and 13 % overall), none after; 1.5 a week."""
    n = YEAR
    rate = np.full(n, 1.5 / 7)
    counts_rng = np.random.default_rng(rng.integers(2**32))
    lam_counts = counts_rng.poisson(rate)
    rec = np.ones(n, dtype=np.bool_)
    before = np.arange(n) < n // 2
    rec[before & (lam_counts == 0) & (rng.random(n) < p_skip)] = False
    rec[0] = True
    # deterministic counts: a tiny rate on top keeps simulate_series' Poisson draw exact
    series = simulate_series(
        np.zeros(n), {"magnesium": _on(n, (n // 2, None))}, rng=rng, recorded=rec, start=START
    )
    counts = np.where(rec, lam_counts, 0).astype(np.float64)
    return replace(series, counts=counts)


def _seasonal(rng: np.random.Generator, summer: float) -> DiarySeries:
    """Three years from 1 Jan 2023; magnesium each October to March; cramps ``summer``
    times as frequent April–September (a step-shaped season); 1 a week in winter."""
    first = date(2023, 1, 1)
    n = 3 * YEAR + 1
    months = np.array([(first + timedelta(days=int(i))).month for i in range(n)])
    winter = (months >= 10) | (months <= 3)
    rate = np.where(winter, 1.0, summer) / 7
    on = winter.copy()
    on[: (date(2023, 10, 1) - first).days] = False  # a first before, then every winter
    return simulate_series(
        rate, {"magnesium": on}, rng=rng, recorded=_recorded(rng, n, 0.03), start=first
    )


def _ar1(rng: np.random.Generator, rho: float, sd: float = 0.6) -> DiarySeries:
    """Weekly bad spells that last: the weekly log rate is AR(1) with ``rho`` and marginal
    sd ``sd``; 2 a week on average, one year, magnesium started half-way."""
    n = YEAR
    weeks = (n + 6) // 7
    u = np.zeros(weeks)
    u[0] = rng.normal(0, sd)
    for w in range(1, weeks):
        u[w] = rho * u[w - 1] + rng.normal(0, sd * np.sqrt(1 - rho**2))
    rate = 2.0 / 7 * np.repeat(np.exp(u - sd**2 / 2), 7)[:n]
    reg = {"magnesium": _on(n, (n // 2, None))}
    return simulate_series(rate, reg, rng=rng, recorded=_recorded(rng, n, 0.03), start=START)


def _adherence(rng: np.random.Generator) -> DiarySeries:
    """Cramps fall by 60 % for reasons of their own on the night magnesium starts; it is
    taken on about 22 % of its nights (26 of 120) and does nothing; 2 a week."""
    n = 240
    on = _on(n, (120, None))
    rate = np.where(on, 0.4, 1.0) * 2.0 / 7
    taken = on & (rng.random(n) < 26 / 120)
    return simulate_series(
        rate,
        {"magnesium": on},
        rng=rng,
        recorded=_recorded(rng, n, 0.03),
        adherence={"magnesium": (on, taken)},
        start=START,
    )


def _medication(rng: np.random.Generator) -> DiarySeries:
    """An inert supplement started on night 150, a diuretic doubling the rate started 20
    nights later; 1.5 a week, one year."""
    n = YEAR
    sup, med = _on(n, (150, None)), _on(n, (170, None))
    rate = np.full(n, 1.5 / 7) * np.where(med, 2.0, 1.0)
    return simulate_series(
        rate,
        {"magnesium": sup},
        rng=rng,
        recorded=_recorded(rng, n, 0.03),
        medications=[("hydrochlorothiazide", med, "linked with leg cramps")],
        start=START,
    )


def _power(rng: np.random.Generator) -> DiarySeries:
    """Magnesium truly halves the rate (3 a week without it); 6 on/off cycles of 4 weeks
    off then 4 weeks on (48 weeks), 3 % of nights missing."""
    n = 6 * 56
    on = np.zeros(n, dtype=np.bool_)
    for c in range(6):
        on[56 * c + 28 : 56 * (c + 1)] = True
    rate = np.where(on, 0.5, 1.0) * 3.0 / 7
    return simulate_series(
        rate, {"magnesium": on}, rng=rng, recorded=_recorded(rng, n, 0.03), start=START
    )


def _randomized_null(rng: np.random.Generator) -> DiarySeries:
    """A randomized ABBA BAAB experiment (3-week blocks), no effect, 1.5 a week."""
    order = "ABBABAAB" if rng.random() < 0.5 else "BAABABBA"
    blocks = [Block(21 * i, 21 * (i + 1), c == "B") for i, c in enumerate(order)]
    n = 21 * len(order)
    return simulate_series(
        np.full(n, 1.5 / 7),
        {},
        rng=rng,
        recorded=_recorded(rng, n, 0.03),
        experiments={"magnesium": blocks},
        start=START,
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(1, "stationary, Poisson", "magnesium", lambda r: _stationary(r, False)),
    Scenario(2, "stationary, clustered weeks (NB k=2)", "magnesium",
             lambda r: _stationary(r, True)),
    Scenario(3, "steady fading 8-fold/year, start half-way", "magnesium",
             lambda r: _trend(r, 3.0), "trend"),
    Scenario(4, "  strong: from 6 a week", "magnesium", lambda r: _trend(r, 6.0), "trend",
             strong=True),
    Scenario(5, "bad spell 4-6 wk at diary start (x3), start right after", "magnesium",
             lambda r: _rtm_start(r, 3.0), "regression-to-mean"),
    Scenario(6, "  strong: x5", "magnesium", lambda r: _rtm_start(r, 5.0),
             "regression-to-mean", strong=True),
    Scenario(7, "bad spell 4-6 wk mid-diary (x4), start right after", "magnesium",
             lambda r: _rtm_middle(r, 4.0), "regression-to-mean"),
    Scenario(8, "  strong: x6", "magnesium", lambda r: _rtm_middle(r, 6.0),
             "regression-to-mean", strong=True),
    Scenario(9, "two starts 9 nights apart, gap unrecorded, one works", "magnesium",
             _close_starts, "overlapping-changes", strong=True),
    Scenario(10, "two starts 30 nights apart, all between unrecorded", "magnesium",
             _close_starts_apart, "overlapping-changes", strong=True),
    Scenario(11, "cramp-free nights before start skipped (26 %/13 %)", "magnesium",
             lambda r: _missing(r, 0.3), "missing-nights", strong=True),
    Scenario(12, "item each Oct-Mar for 3 years, summer x2", "magnesium",
             lambda r: _seasonal(r, 2.0), "seasonal", strong=True),
    Scenario(13, "lasting spells AR(1) rho 0.5, one switch", "magnesium", lambda r: _ar1(r, 0.5)),
    Scenario(14, "lasting spells AR(1) rho 0.8, one switch", "magnesium", lambda r: _ar1(r, 0.8)),
    Scenario(15, "natural drop at start, taken on 22 % of nights", "magnesium", _adherence,
             "low-adherence", strong=True),
    Scenario(16, "diuretic (x2) started 20 nights after inert item", "magnesium", _medication,
             "medication-change", strong=True),
    Scenario(17, "randomized ABBA BAAB, no effect", "magnesium", _randomized_null),
    Scenario(18, "power: RR 0.5, 3 a week, 6 cycles of 4 weeks", "magnesium", _power,
             null=False),
)  # fmt: skip


def run(scenario: Scenario, seeds: range) -> list[AnalysisResult]:
    return [
        analyze_series(scenario.build(np.random.default_rng([scenario.tag, seed])))
        for seed in seeds
    ]


@dataclass(frozen=True)
class Outcome:
    """What the suite checks of one simulated diary."""

    verdict: str
    p_benefit: float | None
    codes: frozenset[str]
    both_confounded: bool  # every item not-identifiable


def outcomes(tag: int, seeds: range) -> list[Outcome]:
    """Outcomes of a scenario over ``seeds`` (picklable, for a process pool)."""
    scenario = next(s for s in SCENARIOS if s.tag == tag)
    out = []
    for r in run(scenario, seeds):
        e = r.effect(scenario.item)
        out.append(
            Outcome(
                e.verdict,
                e.p_benefit,
                frozenset(r.warning_codes()),
                all(x.verdict == "not-identifiable" for x in r.effects),
            )
        )
    return out
