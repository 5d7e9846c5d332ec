"""Changepoints of the nightly cramp rate: Poisson PELT (Killick et al. 2012, §2.10).

Segment cost C = −2[S·log(S/n) − S] (S cramps over n observed nights; missing nights add no
exposure), minimised over segmentations with a penalty per change. To stay within the
interactive time budget on 10-year diaries the search runs on 7-night bins (so every segment
is ≥ 7 nights) and each change found is then moved to the best night within ±6 nights.
Costs are divided by the dispersion φ̂ ≥ 1: clustered weeks must not read as rate changes.
"""

from __future__ import annotations

import math

import numpy as np

from crampwise.analysis.result import ChangepointResult
from crampwise.analysis.series import DiarySeries, FloatArray, IntArray
from crampwise.analysis.stats import rate_interval

__all__ = ["MIN_SEGMENT", "detect_changepoints", "pelt_poisson", "poisson_cost"]

MIN_SEGMENT = 7  # nights
NEAR_CHANGE = 7  # nights: a regimen change this close "explains" a changepoint
MIN_HIGH_CRAMPS = 4  # cramps on the higher-rate side of a change
_TINY = 1e-300
_BLOCK = 48  # rows of the segment-cost matrix built at a time (little of each block is unused)


def poisson_cost(events: FloatArray, exposure: FloatArray) -> FloatArray:
    """−2·max log-likelihood of a constant-rate Poisson segment (without the Σ log y! term).

    −2[S·log(S/n) − S] written with xlogy so that S = 0 costs 0 without warnings.
    """
    return np.asarray(-2.0 * (_xlogy(events, events) - _xlogy(events, exposure) - events))


def _xlogy(x: FloatArray, y: FloatArray) -> FloatArray:
    """x·log(y), 0 where x = 0 (a cramp-free segment costs nothing)."""
    return np.asarray(x * np.log(np.where(x > 0, y, 1.0)))


def pelt_poisson(
    events: FloatArray, exposure: FloatArray, penalty: float, min_size: int = 1
) -> list[int]:
    """Optimal segmentation (the answer PELT finds); the start of every new segment.

    ``events``/``exposure`` are per position (night or bin); segments are ≥ ``min_size``.
    """
    t_len = int(events.shape[0])
    if t_len < 2 * min_size:
        return []
    cs = np.concatenate([[0.0], np.cumsum(events)])
    ce = np.concatenate([[0.0], np.cumsum(exposure)])
    # Every segment's cost at once, then the exact dynamic program (optimal partitioning,
    # Jackson et al. 2005) over it: what PELT's pruning saves is then a few microseconds
    # per step, less than numpy's own overhead. Row t holds the segments (s, t] with s < t
    # (the rest is never read), built in blocks of rows that stay in the CPU cache: the
    # whole square cost 4x as much on a 10-year diary.
    size = t_len + 1
    cost = np.empty((size, size))
    # Work arrays reused block after block, written in place: fresh temporaries of this
    # size made the allocator hand pages back and forth, which cost more than the maths.
    seg, expo, work = (np.empty((min(_BLOCK, size), size)) for _ in range(3))
    # The sums doubled once, so C = 2S·(1 − log(S/n)) needs no last pass to scale it.
    cs2, ce2 = cs + cs, ce + ce
    with np.errstate(divide="ignore", invalid="ignore"):  # the unread upper triangle
        for a in range(0, size, _BLOCK):
            b = min(a + _BLOCK, size)
            s, e, w = seg[: b - a, :b], expo[: b - a, :b], work[: b - a, :b]
            np.subtract(cs2[a:b, None], cs2[None, :b], out=s)
            np.subtract(ce2[a:b, None], ce2[None, :b], out=e)
            np.divide(s, e, out=w)
            # S = 0 costs 0: the log of a tiny number (not of 0, or of 0/0) times S = 0
            np.fmax(w, _TINY, out=w)
            np.log(w, out=w)
            np.subtract(1.0, w, out=w)
            np.multiply(s, w, out=cost[a:b, :b])
    cost[:, 1:min_size] = np.inf
    best = np.full(t_len + 1, np.inf)
    best[0] = -penalty
    last = np.zeros(t_len + 1, dtype=np.int64)
    for t in range(min_size, t_len + 1):
        hi = t - min_size + 1
        values = best[:hi] + cost[t, :hi]
        j = int(values.argmin())
        best[t] = values[j] + penalty
        last[t] = j
    cps: list[int] = []
    t = t_len
    while t > 0:
        t = int(last[t])
        if t > 0:
            cps.append(t)
    return sorted(cps)


def _refine(cps: list[int], cs: FloatArray, ce: FloatArray, n: int, radius: int) -> list[int]:
    """Move each changepoint to the best night within ``radius`` of it (segments ≥ 7)."""
    out = list(cps)
    for i, c in enumerate(out):
        left = out[i - 1] if i > 0 else 0
        right = out[i + 1] if i + 1 < len(out) else n
        lo = max(left + MIN_SEGMENT, c - radius)
        hi = min(right - MIN_SEGMENT, c + radius)
        if hi < lo:
            continue
        m = np.arange(lo, hi + 1)
        cost = poisson_cost(cs[m] - cs[left], ce[m] - ce[left]) + poisson_cost(
            cs[right] - cs[m], ce[right] - ce[m]
        )
        out[i] = int(m[int(np.argmin(cost))])
    return out


def _bins(values: FloatArray, width: int) -> FloatArray:
    pad = (-values.shape[0]) % width
    padded = np.concatenate([values, np.zeros(pad)])
    return np.asarray(padded.reshape(-1, width).sum(axis=1), dtype=np.float64)


def detect_changepoints(series: DiarySeries, dispersion: float = 1.0) -> list[ChangepointResult]:
    """Changepoints with the rates before/after and whether a regimen change lies nearby."""
    n = series.n
    if n < 2 * MIN_SEGMENT or series.counts.sum() == 0:
        return []
    phi = max(dispersion, 1.0)
    events = series.counts * series.observed / phi
    exposure = series.observed.astype(np.float64) / phi
    eb, xb = _bins(events, MIN_SEGMENT), _bins(exposure, MIN_SEGMENT)
    # MBIC-type penalty 3·log(bins): conservative, a false "your rate changed" misleads.
    penalty = 3.0 * math.log(max(eb.shape[0], 2))
    bin_cps = pelt_poisson(eb, xb, penalty, min_size=1)
    cs = np.concatenate([[0.0], np.cumsum(events)])
    ce = np.concatenate([[0.0], np.cumsum(exposure)])
    cps = _refine([b * MIN_SEGMENT for b in bin_cps], cs, ce, n, MIN_SEGMENT - 1)
    cps = _enough_cramps(cps, series)
    bounds: IntArray = np.array([0, *cps, n], dtype=np.int64)
    out: list[ChangepointResult] = []
    for i, c in enumerate(cps):
        before = _rate(series, int(bounds[i]), c, dispersion)
        after = _rate(series, c, int(bounds[i + 2]), dispersion)
        nearby = sorted({ch.item for ch in series.changes if abs(ch.night - c) <= NEAR_CHANGE})
        out.append(ChangepointResult(series.iso(c), before, after, bool(nearby), tuple(nearby)))
    return out


def _enough_cramps(cps: list[int], series: DiarySeries) -> list[int]:
    """Drop changes whose higher-rate side holds fewer than 4 cramps (issue 10: two
    cramps in a first week are not a "shift from 2.2 to under 0.01 a week")."""
    kept = list(cps)
    changed = True
    while changed and kept:
        changed = False
        bounds = [0, *kept, series.n]
        for i, c in enumerate(kept):
            lo, hi = bounds[i], bounds[i + 2]
            sides = [
                (float(series.counts[a:b].sum()), float(series.observed[a:b].sum()))
                for a, b in ((lo, c), (c, hi))
            ]
            rates = [s / max(n, 1.0) for s, n in sides]
            if sides[int(np.argmax(rates))][0] < MIN_HIGH_CRAMPS:
                kept.pop(i)
                changed = True
                break
    return kept


def _rate(series: DiarySeries, s: int, e: int, dispersion: float) -> float | None:
    nights = int(series.observed[s:e].sum())
    res = rate_interval(float(series.counts[s:e].sum()), nights, dispersion=dispersion)
    return None if res is None else res[0]
