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
    return _partition(_segment_costs(cs, ce), penalty, min_size)


def _segment_costs(cs: FloatArray, ce: FloatArray) -> FloatArray:
    """Row t holds the cost of every segment (s, t], s < t, from the running sums.

    Every segment's cost at once, then the exact dynamic program (optimal partitioning,
    Jackson et al. 2005) over it: what PELT's pruning saves is then a few microseconds per
    step, less than numpy's own overhead. The rest of a row is never read. Built in blocks
    of rows that stay in the CPU cache: the whole square cost 4x as much on a 10-year diary.
    """
    size = cs.shape[0]
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
            cost[a:b, b:] = np.inf  # never a segment; whole rows are read (_partition_rows)
    return cost


def _count_costs(ks: IntArray, ms: IntArray) -> FloatArray:
    """:func:`_segment_costs` of whole counts: K cramps in M nights cost 2K·(1 − log K +
    log M), from tables of 2K, log K and 1 + log M (no logarithm per segment: they were a
    third of the changepoint search)."""
    size = ks.shape[0]
    twice = 2.0 * np.arange(int(ks[-1]) + 1, dtype=np.float64)
    log_k = np.log(np.maximum(np.arange(int(ks[-1]) + 1, dtype=np.float64), 1.0))
    one_log_m = 1.0 + np.log(np.maximum(np.arange(int(ms[-1]) + 1, dtype=np.float64), 1.0))
    cost = np.empty((size, size))
    k_idx, m_idx = (np.empty((min(_BLOCK, size), size), dtype=np.int64) for _ in range(2))
    lk, work = (np.empty((min(_BLOCK, size), size)) for _ in range(2))
    for a in range(0, size, _BLOCK):
        b = min(a + _BLOCK, size)
        k, m, x, w = k_idx[: b - a, :b], m_idx[: b - a, :b], lk[: b - a, :b], work[: b - a, :b]
        np.subtract(ks[a:b, None], ks[None, :b], out=k)
        np.subtract(ms[a:b, None], ms[None, :b], out=m)
        # the unread upper triangle has negative differences: clipped to entry 0
        np.take(one_log_m, m, out=w, mode="clip")
        np.take(log_k, k, out=x, mode="clip")
        np.subtract(w, x, out=w)
        np.take(twice, k, out=x, mode="clip")
        np.multiply(x, w, out=cost[a:b, :b])
        cost[a:b, b:] = np.inf  # never a segment; whole rows are read (_partition_rows)
    return cost


def _partition(cost: FloatArray, penalty: float, min_size: int) -> list[int]:
    """The optimal partitioning's dynamic programme over a matrix of segment costs."""
    t_len = cost.shape[0] - 1
    if min_size == 1:
        return _partition_rows(cost, penalty)
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


def _partition_rows(cost: FloatArray, penalty: float) -> list[int]:
    """:func:`_partition` with segments of any length, over whole rows: past the diagonal
    the costs are finite or +inf and the optimum to come is still +inf, so no slice of a
    row is needed (fewer numpy calls for each of its ~500 steps; the first minimum is the
    same one)."""
    t_len = cost.shape[0] - 1
    best = np.full(t_len + 1, np.inf)
    best[0] = -penalty
    last = [0] * (t_len + 1)
    values = np.empty(t_len + 1)
    add, rows = np.add, list(cost)
    for t in range(1, t_len + 1):
        add(best, rows[t], out=values)
        j = int(values.argmin())
        if j >= t:  # not with finite costs; a NaN cost must not send the search ahead
            j = int((best[:t] + rows[t][:t]).argmin())
        best[t] = values[j] + penalty
        last[t] = j
    cps: list[int] = []
    t = t_len
    while t > 0:
        t = last[t]
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
    whole = series.counts * series.observed
    if eb.shape[0] >= 2 and bool(np.all(whole == np.floor(whole))):
        # Whole counts: the costs from tables (:func:`_count_costs`), in units of 1/φ,
        # so the penalty is scaled by φ instead of every cost by 1/φ.
        kb = np.concatenate([[0], np.cumsum(_bins(whole, MIN_SEGMENT))]).astype(np.int64)
        mb = np.concatenate(
            [[0], np.cumsum(_bins(series.observed.astype(np.float64), MIN_SEGMENT))]
        )
        bin_cps = _partition(_count_costs(kb, mb.astype(np.int64)), penalty * phi, 1)
    else:
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
