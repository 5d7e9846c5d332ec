"""Checks behind the warnings: missing nights, seasons, adherence, the period effect,
and which changes cannot be told apart (stats-methods §2.7, §2.7b)."""

from __future__ import annotations

import math
from datetime import date
from functools import lru_cache

import numpy as np

from crampwise._record import Record
from crampwise.analysis.crossover import CrossoverStats, DecisionRule, crossover
from crampwise.analysis.model import seasonal_basis
from crampwise.analysis.periods import period_bounds
from crampwise.analysis.series import BoolArray, Change, DiarySeries, FloatArray, memo

__all__ = [
    "COINCIDE_NIGHTS",
    "MIN_APART_OBSERVED",
    "OVERDISPERSED",
    "MissingFinding",
    "Seasonality",
    "adherence_share",
    "coincide",
    "confounded_groups",
    "experiment_stats",
    "experiment_totals",
    "missing_findings",
    "seasonal_cap",
    "seasonality",
]

OVERDISPERSED = 1.5  # Pearson φ̂ above this → the `overdispersion` warning (§2.2)
COINCIDE_NIGHTS = 14  # changes this close together cannot be told apart (issue 10)
MIN_APART_OBSERVED = 7  # ... nor changes with fewer recorded nights than this between them
MISSING_PERIOD_SHARE = 0.20
MISSING_GAP = 0.10  # on/off missing shares differing by more than 10 points
MISSING_Z = 2.58  # ... and by more than chance (two-sided 1 %)
MIN_PERIOD_NIGHTS = 14
SEASON_R2 = 0.5
SEASON_MIN_SPAN = 540  # recurring seasons need about a year and a half of diary


def coincide(series: DiarySeries, a: Change, b: Change) -> bool:
    """Two changes that cannot be told apart: within 14 nights of each other, or with
    fewer than 7 recorded nights between them (no observed night to separate them)."""
    lo, hi = sorted((a.night, b.night))
    if hi - lo <= COINCIDE_NIGHTS:
        return True
    recorded = _recorded_before(series)
    return recorded[hi] - recorded[lo] < MIN_APART_OBSERVED


def _recorded_before(series: DiarySeries) -> list[int]:
    """Recorded nights before each night (and in all): every pair of changes is compared,
    and summing the nights between each pair again was most of the check's cost."""
    found = memo(series).get("recorded_before")
    if found is None:
        found = [0, *np.cumsum(series.observed, dtype=np.int64).tolist()]
        memo(series)["recorded_before"] = found
    return found  # type: ignore[return-value]


def confounded_groups(series: DiarySeries, names: list[str]) -> dict[str, tuple[str, ...]]:
    """Items/medicines none of whose changes stands apart from every other change, grouped
    with the ones they changed with (union–find over coinciding changes)."""
    key = ("confounded_groups", tuple(names))
    found = memo(series).get(key)
    if not isinstance(found, dict):
        found = memo(series)[key] = _confounded_groups(series, names)
    return dict(found)


def _confounded_groups(series: DiarySeries, names: list[str]) -> dict[str, tuple[str, ...]]:
    changes = [c for c in series.changes if c.item not in series.experiments]
    recorded = _recorded_before(series)

    def apart(a: Change, b: Change) -> bool:  # not coincide(series, a, b), inlined: every
        lo, hi = (a.night, b.night) if a.night <= b.night else (b.night, a.night)  # pair
        return hi - lo > COINCIDE_NIGHTS and recorded[hi] - recorded[lo] >= MIN_APART_OBSERVED

    isolated = {c.item for c in changes if all(o.item == c.item or apart(c, o) for o in changes)}
    stuck = [n for n in names if n not in isolated and any(c.item == n for c in changes)]
    parent = {n: n for n in stuck}

    def root(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    for a in changes:
        for b in changes:
            if a.item in parent and b.item in parent and a.item < b.item and not apart(a, b):
                parent[root(a.item)] = root(b.item)
    groups: dict[str, list[str]] = {}
    for n in stuck:
        groups.setdefault(root(n), []).append(n)
    return {n: tuple(g) for g in groups.values() for n in g}


class MissingFinding(Record):
    """A period, or an item's on/off nights, with more unrecorded nights than the rest."""

    item: str | None  # None = a period
    start: int
    end: int  # exclusive
    share: float  # missing share of the period / of the item's "off" nights
    other_share: float  # the rest of the diary / the item's "on" nights


def _share(observed: BoolArray) -> float:
    return 1.0 - float(observed.mean()) if observed.shape[0] else 0.0


def missing_findings(series: DiarySeries) -> list[MissingFinding]:
    """Periods over 20 % missing, and items whose on/off nights differ by > 10 points."""
    out: list[MissingFinding] = []
    overall = _share(series.observed)
    for s, e in period_bounds(series):
        if e - s >= MIN_PERIOD_NIGHTS and _share(series.observed[s:e]) > MISSING_PERIOD_SHARE:
            rest = np.concatenate([series.observed[:s], series.observed[e:]])
            out.append(MissingFinding(None, s, e, _share(series.observed[s:e]), _share(rest)))
    for k, item in enumerate(series.items):
        on = series.active[:, k]
        n_on, n_off = int(on.sum()), int((~on).sum())
        if min(n_on, n_off) < MIN_PERIOD_NIGHTS:
            continue
        m_on, m_off = _share(series.observed[on]), _share(series.observed[~on])
        pooled = overall
        se = math.sqrt(max(pooled * (1 - pooled), 1e-12) * (1 / n_on + 1 / n_off))
        if abs(m_on - m_off) > MISSING_GAP and abs(m_on - m_off) / se > MISSING_Z:
            nights = np.nonzero(~on if m_off > m_on else on)[0]
            out.append(MissingFinding(item, int(nights[0]), int(nights[-1]) + 1, m_off, m_on))
    return out


class Seasonality(Record):
    """How much of an item's on/off the time of year explains."""

    r2: float
    recurring: bool  # on in the same season of at least two different years
    months: tuple[int, ...]  # the months holding most "on" nights

    @property
    def caps(self) -> bool:
        return self.recurring and self.r2 > SEASON_R2


def seasonality(series: DiarySeries, item: str) -> Seasonality | None:
    """R² of the item's on/off (recorded nights) on an annual sin/cos basis (2 harmonics),
    and whether its "on" spells recur in the same months of different years."""
    if series.first is None or series.n < SEASON_MIN_SPAN:
        return None
    key = ("seasonality", item)
    found = memo(series).get(key, key)
    if found is key:
        found = memo(series)[key] = _seasonality(series, item)
    return found  # type: ignore[return-value]


def seasonal_cap(series: DiarySeries, item: str) -> bool:
    """``seasonality(series, item).caps`` (the verdict is at most inconclusive), with the
    regression left out when the "on" spells do not recur anyway (the usual case)."""
    if series.first is None or series.n < SEASON_MIN_SPAN:
        return False
    key = ("seasonal_cap", item)  # asked for each item by several parts of an analysis
    found = memo(series).get(key)
    if found is None:
        on = series.active[:, series.items.index(item)]
        if not _recurring(series, on):
            found = False
        else:
            season = seasonality(series, item)
            found = season is not None and season.caps
        memo(series)[key] = found
    return bool(found)


def _recurring(series: DiarySeries, on: BoolArray) -> bool:
    """Whether the "on" spells start at least twice, in two different season years."""
    assert series.first is not None
    starts = np.nonzero(np.diff(np.concatenate([[0], on.astype(np.int8)])) == 1)[0]
    if len(starts) < 2:
        return False
    month_index = _month_index(series)
    month = _months(series)
    first_year = series.first.year
    # a "season year" runs July to June, so one winter is one season
    years = {first_year + int(month_index[s] // 12) + (month[s] >= 7) for s in starts}
    return len(years) >= 2


def _seasonality(series: DiarySeries, item: str) -> Seasonality | None:
    assert series.first is not None
    on = series.active[:, series.items.index(item)]
    nights = np.nonzero(series.observed)[0]
    x = on[nights].astype(np.float64)
    if x.min() == x.max():
        return None
    # least squares on the basis by its orthonormal columns (one QR per diary, shared
    # by every item: a least-squares solve per item was most of the seasonal check)
    q = memo(series).get("season-q")
    if q is None:
        q = memo(series)["season-q"] = np.linalg.qr(_season_basis(series.first, series.n)[nights])[
            0
        ]
    assert isinstance(q, np.ndarray)
    resid = x - q @ (q.T @ x)
    r2 = 1.0 - float(resid @ resid) / float(((x - x.mean()) ** 2).sum())
    month = _months(series)
    months = np.bincount(month[on & series.observed], minlength=13)
    top = tuple(int(m) for m in np.argsort(months)[::-1][:3] if months[m] > 0)
    return Seasonality(r2, _recurring(series, on), tuple(sorted(top)))


def _month_index(series: DiarySeries) -> np.ndarray:
    """Months since January of the first night's year, for every night."""
    assert series.first is not None
    return _month_index_of(series.first, series.n)


@lru_cache(maxsize=8)
def _month_index_of(first: date, n: int) -> np.ndarray:
    start = np.datetime64(first.isoformat(), "D")
    months = (start + np.arange(n)).astype("datetime64[M]").astype(np.int64)
    return np.asarray(months - (first.year - 1970) * 12, dtype=np.int64)


@lru_cache(maxsize=8)
def _season_basis(first: date, n: int) -> np.ndarray:
    """[1, sin, cos, sin 2·, cos 2·] of the day of the year, for every night."""
    doy = (first.timetuple().tm_yday - 1) + np.arange(n, dtype=np.float64)
    return np.hstack([np.ones((n, 1)), seasonal_basis(doy), seasonal_basis(2 * doy)])


def _months(series: DiarySeries) -> np.ndarray:
    """Calendar month (1–12) of every night."""
    return np.asarray(_month_index(series) % 12 + 1, dtype=np.int64)


def adherence_share(series: DiarySeries, item: str) -> tuple[int, int] | None:
    """(taken, recorded) over the item's "on" nights with an adherence record."""
    rec = series.adherence.get(item)
    if rec is None:
        return None
    on = series.active[:, series.items.index(item)]
    recorded = int((rec.recorded & on).sum())
    if recorded == 0:
        return None
    return int((rec.taken & rec.recorded & on).sum()), recorded


def experiment_totals(
    series: DiarySeries, item: str, use: BoolArray | None = None
) -> tuple[FloatArray, FloatArray, BoolArray] | None:
    """Cramps and counted nights per block of an item's experiment (recorded nights
    outside each block's washout; ``use`` narrows them further), and which blocks are on."""
    blocks = series.experiments.get(item, ())
    if len(blocks) < 2:
        return None
    keep = series.observed if use is None else series.observed & use
    counts = np.zeros(len(blocks))
    nights = np.zeros(len(blocks))
    for k, blk in enumerate(blocks):
        window = slice(blk.start + min(blk.washout, blk.end - blk.start), blk.end)
        counts[k] = float(series.counts[window][keep[window]].sum())
        nights[k] = float(keep[window].sum())
    return counts, nights, np.array([b.on for b in blocks], dtype=np.bool_)


def experiment_stats(
    series: DiarySeries, item: str, use: BoolArray | None = None
) -> CrossoverStats | None:
    """The pre-registered crossover rule on an experiment's blocks (None without two
    blocks); the same computation as ``crampwise experiment result``."""
    totals = experiment_totals(series, item, use)
    if totals is None:
        return None
    counts, nights, on = totals
    if not (on.any() and (~on).any()):
        return None
    # the rule stored with the experiment, so analyze and experiment result agree
    return crossover(counts, nights, on, DecisionRule(*series.experiments[item][0].rule))
