"""Synthetic ``crampwise-diary`` documents with known truth (tests, benchmarks, planning).

Nightly cramps are Poisson with rate base × Π RR(item active) × flare factor × a weekly
Gamma(k, k) multiplier (mean 1). The weekly multiplier makes the weekly counts negative
binomial with Var = μ + μ²/k, the clustering real diaries show (stats-methods §2.2).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from crampwise.analysis.series import (
    AdherenceSeries,
    Block,
    DiarySeries,
    MedicationSeries,
    make_series,
)

__all__ = ["RegimenSpan", "demo_story_diary", "simulate_diary", "simulate_series"]

FloatArrayLike = npt.ArrayLike
BoolArrayLike = npt.ArrayLike

#: (item, first night index, first night index without it or None = ongoing)
RegimenSpan = tuple[str, int, int | None]


def _nightly_rate(
    nights: int,
    base_per_week: float,
    *,
    active: Mapping[str, np.ndarray[Any, np.dtype[np.bool_]]],
    rate_ratios: Mapping[str, float],
    weekly_shape: float | None,
    flare: tuple[int, float],
    rng: np.random.Generator,
) -> np.ndarray[Any, np.dtype[np.float64]]:
    rate = np.full(nights, base_per_week / 7.0)
    for item, on in active.items():
        rate = np.where(on, rate * rate_ratios.get(item, 1.0), rate)
    rate[: flare[0]] *= flare[1]
    if weekly_shape is not None:
        weeks = (nights + 6) // 7
        mult = rng.gamma(weekly_shape, 1.0 / weekly_shape, size=weeks)
        rate = rate * np.repeat(mult, 7)[:nights]
    return rate


def simulate_diary(
    nights: int,
    base_per_week: float,
    regimen: Sequence[RegimenSpan] = (),
    *,
    rate_ratios: Mapping[str, float] | None = None,
    weekly_shape: float | None = None,
    missing: float = 0.0,
    flare: tuple[int, float] = (0, 1.0),
    start: date = date(2024, 1, 1),
    seed: int = 0,
    experiments: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """A diary of ``nights`` nights; ``flare=(n, f)`` multiplies the first n nights' rate by f.

    ``missing`` is the share of nights left unrecorded (never the first or last night).
    ``experiments`` (optional, not in format v1 yet) is copied through and its ``on``/``off``
    blocks override the regimen for the item, as the analysis reads them.
    """
    rng = np.random.default_rng(seed)
    active: dict[str, np.ndarray[Any, np.dtype[np.bool_]]] = {}
    for item, s, e in regimen:
        on = active.setdefault(item, np.zeros(nights, dtype=np.bool_))
        on[max(s, 0) : nights if e is None else min(e, nights)] = True
    for exp in experiments or ():
        on = active.setdefault(str(exp["item"]), np.zeros(nights, dtype=np.bool_))
        for blk in exp["blocks"]:
            s = (date.fromisoformat(blk["start"]) - start).days
            e = (date.fromisoformat(blk["end"]) - start).days
            on[max(s, 0) : min(e, nights)] = blk["condition"] == "on"
    rate = _nightly_rate(
        nights,
        base_per_week,
        active=active,
        rate_ratios=rate_ratios or {},
        weekly_shape=weekly_shape,
        flare=flare,
        rng=rng,
    )
    counts = rng.poisson(rate)
    recorded = rng.random(nights) >= missing
    recorded[0] = recorded[-1] = True
    night_records: list[dict[str, Any]] = []
    episodes: list[dict[str, Any]] = []
    for t in np.nonzero(recorded)[0]:
        day = (start + timedelta(days=int(t))).isoformat()
        night_records.append({"date": day, "cramps": int(counts[t])})
        for _ in range(int(counts[t])):
            episodes.append(
                {
                    "night": day,
                    "side": "both",
                    "muscles": ["inner-thigh"],
                    "severity": int(rng.integers(3, 10)),
                    "duration_min": float(rng.integers(1, 6)),
                }
            )
    doc: dict[str, Any] = {
        "format": "crampwise-diary",
        "version": 1,
        "nights": night_records,
        "episodes": episodes,
        "regimen": [
            {
                "item": item,
                "kind": "supplement",
                "start": (start + timedelta(days=s)).isoformat(),
                "end": None if e is None else (start + timedelta(days=e)).isoformat(),
            }
            for item, s, e in regimen
        ],
    }
    if experiments:
        doc["experiments"] = [dict(x) for x in experiments]
    return doc


def demo_story_diary(seed: int = 7) -> dict[str, Any]:
    """The DESIGN.md story: flare start, magnesium, potassium, then three changes at once.

    2024-11-01 start at ~1 cramp/week (first 2 weeks ~3/week); magnesium 200 mg morning +
    bedtime from 2025-02-15 (~1/month); potassium 99 mg bedtime from 2025-06-01; both stopped
    2025-10-01 when calcium 1000 mg/day, trigger-point massage and stretching all started;
    cramp-free months to 2026-10-31; a few missing nights.
    """
    start = date(2024, 11, 1)

    def night(d: str) -> int:
        return (date.fromisoformat(d) - start).days

    switch = night("2025-10-01")
    doc = simulate_diary(
        night("2026-10-31") + 1,
        1.0,
        [
            ("magnesium", night("2025-02-15"), switch),
            ("potassium", night("2025-06-01"), switch),
            ("calcium", switch, None),
            ("trigger-point-massage", switch, None),
            ("stretching", switch, None),
        ],
        rate_ratios={"magnesium": 0.23, "calcium": 0.0},
        flare=(14, 3.0),
        missing=0.015,
        start=start,
        seed=seed,
    )
    details = {
        "magnesium": {
            "form": "glycinate",
            "dose": 200,
            "unit": "mg",
            "times": ["morning", "bedtime"],
        },
        "potassium": {"form": "citrate", "dose": 99, "unit": "mg", "times": ["bedtime"]},
        "calcium": {
            "form": "carbonate",
            "dose": 500,
            "unit": "mg",
            "times": ["morning", "evening"],
        },
        "trigger-point-massage": {"kind": "routine", "times": ["bedtime"]},
        "stretching": {"kind": "routine", "times": ["bedtime"]},
    }
    for entry in doc["regimen"]:
        entry.update(details[entry["item"]])
    return doc


def simulate_series(
    rate: FloatArrayLike,
    regimen: Mapping[str, BoolArrayLike] | None = None,
    *,
    rng: np.random.Generator,
    recorded: BoolArrayLike | None = None,
    start: date = date(2024, 1, 1),
    medications: Sequence[tuple[str, BoolArrayLike, str]] = (),
    adherence: Mapping[str, tuple[BoolArrayLike, BoolArrayLike]] | None = None,
    experiments: Mapping[str, Sequence[Block]] | None = None,
) -> DiarySeries:
    """A :class:`DiarySeries` straight from nightly arrays (the calibration suite's
    fast path: no documents). ``rate`` is the true cramp rate per night (after every
    effect); counts are Poisson draws from it; ``recorded`` marks the observed nights
    (default all)."""
    lam = np.asarray(rate, dtype=np.float64)
    n = lam.shape[0]
    counts = rng.poisson(lam).astype(np.float64)
    observed = np.ones(n, dtype=np.bool_) if recorded is None else np.asarray(recorded, bool)
    counts = np.where(observed, counts, 0.0)
    return make_series(
        start,
        observed,
        counts,
        {k: np.asarray(v, dtype=np.bool_) for k, v in (regimen or {}).items()},
        experiments=experiments,
        medications=[
            MedicationSeries(name, np.asarray(on, dtype=np.bool_), note)
            for name, on, note in medications
        ],
        adherence={
            k: AdherenceSeries(np.asarray(r, dtype=np.bool_), np.asarray(t, dtype=np.bool_))
            for k, (r, t) in (adherence or {}).items()
        },
    )
