"""Periods of constant regimen and the week-by-period cells the models are fitted on."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from crampwise._record import Record
from crampwise.analysis.result import Interval, PeriodResult
from crampwise.analysis.series import BoolArray, DiarySeries, FloatArray, IntArray
from crampwise.analysis.stats import rate_intervals

__all__ = ["Cells", "compute_periods", "period_bounds", "period_index", "weekly_cells"]


def period_bounds(series: DiarySeries) -> list[tuple[int, int]]:
    """``[start, end)`` night ranges over which the set of active items is constant."""
    n = series.n
    if n == 0:
        return []
    if series.active.shape[1] == 0:
        return [(0, n)]
    flips = np.any(series.active[1:] != series.active[:-1], axis=1)
    cuts = [0, *(int(i) + 1 for i in np.nonzero(flips)[0]), n]
    return list(itertools.pairwise(cuts))


def period_index(bounds: Sequence[tuple[int, int]], n: int) -> IntArray:
    """Period number of every night."""
    idx = np.zeros(n, dtype=np.int64)
    for p, (s, e) in enumerate(bounds):
        idx[s:e] = p
    return idx


class Cells(Record):
    """Counts aggregated into cells (one calendar week of the diary × one segment).

    Weekly cells are what the over-dispersion check needs (§2.2: "weekly counts"); the
    number of observed nights in a cell is its exposure, entering the models as log offset.
    """

    counts: FloatArray
    exposure: FloatArray
    mean_night: FloatArray  # average night index of the observed nights in the cell
    segment: IntArray  # segment id of the cell
    first_night: IntArray  # a night in the cell (to look up the active items)


def weekly_cells(series: DiarySeries, segment: IntArray, mask: BoolArray | None = None) -> Cells:
    """Aggregate observed nights (optionally only where ``mask``) by (week, segment)."""
    use = series.observed if mask is None else series.observed & mask
    nights = np.nonzero(use)[0]
    week = nights // 7
    seg = segment[nights]
    key = week * (int(segment.max(initial=0)) + 1) + seg
    uniq, first_pos, inverse = np.unique(key, return_index=True, return_inverse=True)
    size = uniq.shape[0]
    return Cells(
        counts=np.asarray(
            np.bincount(inverse, weights=series.counts[nights], minlength=size), dtype=np.float64
        ),
        exposure=np.bincount(inverse, minlength=size).astype(np.float64),
        mean_night=np.bincount(inverse, weights=nights.astype(np.float64), minlength=size)
        / np.maximum(np.bincount(inverse, minlength=size), 1),
        segment=seg[first_pos].astype(np.int64),
        first_night=nights[first_pos].astype(np.int64),
    )


def compute_periods(series: DiarySeries, dispersion: float = 1.0) -> list[PeriodResult]:
    """Per-period exposure, cramps, weekly rate (Jeffreys Gamma–Poisson) and episode means."""
    bounds = period_bounds(series)
    if not bounds:
        return []
    starts = np.array([s for s, _ in bounds], dtype=np.int64)
    n_periods = starts.shape[0]
    nights = np.add.reduceat(series.observed.astype(np.int64), starts)
    cramps = np.add.reduceat(series.counts, starts)
    rates = rate_intervals(cramps, nights.astype(np.float64), dispersion=dispersion)
    # each episode's period, then the means of its severities and durations per period
    of_episode = np.searchsorted(starts, series.ep_night, side="right") - 1
    inside = (series.ep_night >= 0) & (series.ep_night < series.n)
    means = []
    for values in (series.ep_severity, series.ep_duration):
        known = inside & ~np.isnan(values)
        count = np.bincount(of_episode[known], minlength=n_periods)
        total = np.bincount(of_episode[known], weights=values[known], minlength=n_periods)
        means.append(
            [t / c if c else None for t, c in zip(total.tolist(), count.tolist(), strict=True)]
        )
    out: list[PeriodResult] = []
    for p, (s, e) in enumerate(bounds):
        active = tuple(item for k, item in enumerate(series.items) if series.active[s, k])
        out.append(
            PeriodResult(
                start=series.iso(s),
                end=series.iso(e - 1),
                active=active,
                nights=int(nights[p]),
                missing=(e - s) - int(nights[p]),
                cramps=int(cramps[p]),
                rate_per_week=Interval.of(rates[p]),
                severity_mean=means[0][p],
                duration_mean=means[1][p],
            )
        )
    return out
