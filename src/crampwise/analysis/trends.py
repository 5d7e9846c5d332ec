"""Severity and duration over time, and cramp-free streaks."""

from __future__ import annotations

import numpy as np

from crampwise.analysis.result import Interval, Streaks, TrendResult
from crampwise.analysis.series import DiarySeries, FloatArray
from crampwise.analysis.stats import ols_slope

__all__ = ["DAYS_PER_YEAR", "slope_per_year", "streaks"]

DAYS_PER_YEAR = 365.25


def slope_per_year(series: DiarySeries, values: FloatArray) -> TrendResult | None:
    """Least-squares slope of an episode measure against time, per year, with 95 % interval.

    Episodes without the measure are left out; fewer than 3 episodes give None.
    """
    keep = ~np.isnan(values)
    res = ols_slope(series.ep_night[keep].astype(np.float64) / DAYS_PER_YEAR, values[keep])
    if res is None:
        return None
    return TrendResult(Interval.of((res.estimate, res.low, res.high)), res.n)


def streaks(series: DiarySeries) -> Streaks:
    """Current and longest runs of observed cramp-free nights.

    A missing night ends a run: we do not know whether that night was free of cramps.
    """
    free = series.observed & (series.counts == 0)
    if not free.any():
        return Streaks(0, 0)
    # Run boundaries from the edges of the 0/1 sequence.
    padded = np.concatenate([[0], free.astype(np.int8), [0]])
    edges = np.diff(padded)
    starts = np.nonzero(edges == 1)[0]
    ends = np.nonzero(edges == -1)[0]  # exclusive
    lengths = ends - starts
    j = int(np.argmax(lengths))  # first longest run
    current = int(lengths[-1]) if ends[-1] == series.n else 0
    return Streaks(
        current=current,
        longest=int(lengths[j]),
        longest_start=series.iso(int(starts[j])),
        longest_end=series.iso(int(ends[j]) - 1),
    )
