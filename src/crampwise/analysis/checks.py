"""Checks behind the warnings: dispersion, regression to the mean, trend, period effect.

All of them inflate their uncertainty by the over-dispersion φ̂ ≥ 1 (never only above the
1.5 threshold used for the effect model): a warning that cries wolf on clustered but
stationary diaries would not be honest either (simulation test: ≤ 10 % false alarms).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from crampwise.analysis.periods import period_bounds, period_index, weekly_cells
from crampwise.analysis.series import BoolArray, DiarySeries, FloatArray
from crampwise.analysis.stats import (
    JEFFREYS_SHAPE,
    fit_poisson,
    prob_below,
    prob_rate_ratio_below,
)

__all__ = [
    "MIN_NIGHTS",
    "OVERDISPERSED",
    "TREND_P",
    "TREND_UNIT",
    "RtmCheck",
    "TrendCheck",
    "block_order_trend",
    "period_dispersion",
    "quasi",
    "rtm_check",
    "within_period_trend",
]

OVERDISPERSED = 1.5  # Pearson φ̂ above this → quasi-Poisson / effective counts (§2.2)
TREND_UNIT = 28.0  # trend coefficients are per 4 weeks
WEAK_PRECISION = 1e-6  # nearly flat prior; only guards against numerical run-off
MIN_NIGHTS = 14
TREND_P = 0.02  # two-sided; together with RTM (2.5 % one-sided) ≤ 10 % false alarms (tested)
RTM_PROB = 0.975
RTM_RATIO = 1.5


def quasi(phi: float | None, df_resid: int) -> tuple[float, float | None]:
    """Variance scale and t df for the quasi-Poisson model: (φ̂, rows − columns) when φ̂ > 1.

    The issue's threshold (φ̂ > 1.5) decides when we *warn*; the scaling itself is applied
    whenever φ̂ > 1, because weekly counts that are only mildly clustered still make a pure
    Poisson posterior over-confident (stats-methods §2.2: 10–15 % one-sided false positives at
    a nominal 5 %). It never narrows an interval (φ̂ < 1 keeps the Poisson variance).
    """
    if phi is not None and phi > 1.0 and df_resid > 0:
        return phi, float(df_resid)
    return 1.0, None


def _active_periods(series: DiarySeries, mask: BoolArray) -> BoolArray:
    """``mask`` restricted to periods with at least one cramp.

    With its own intercept, a period without cramps carries no information on a slope or
    on dispersion, and its intercept would run off to −∞.
    """
    keep = np.zeros(series.n, dtype=np.bool_)
    for s, e in period_bounds(series):
        if series.counts[s:e][mask[s:e]].sum() > 0:
            keep[s:e] = True
    return keep & mask


def period_dispersion(series: DiarySeries, mask: BoolArray) -> float | None:
    """Pearson φ̂ of weekly counts around their period means (no trend, no items)."""
    keep = _active_periods(series, mask)
    cells = weekly_cells(series, period_index(period_bounds(series), series.n), keep)
    if cells.counts.shape[0] < 3:
        return None
    periods = np.unique(cells.segment)
    x = (cells.segment[:, None] == periods[None, :]).astype(np.float64)
    fit = fit_poisson(x, cells.counts, np.log(cells.exposure), np.full(x.shape[1], 1e-6))
    return fit.dispersion


@dataclass(frozen=True)
class TrendCheck:
    """Log rate change per unit (4 weeks, or one block), with φ̂-inflated SE."""

    estimate: float
    se: float
    df: float | None
    phi: float | None

    def p_two_sided(self) -> float:
        p_low = prob_below(0.0, self.estimate, self.se, self.df)
        return 2.0 * min(p_low, 1.0 - p_low)

    @property
    def flagged(self) -> bool:
        return self.p_two_sided() < TREND_P


def _trend_fit(
    x_groups: FloatArray, trend: FloatArray, cells_y: FloatArray, exposure: FloatArray
) -> TrendCheck | None:
    x = np.column_stack([x_groups, trend])
    if x.shape[0] <= x.shape[1] or float(np.ptp(trend)) == 0.0:
        return None
    fit = fit_poisson(x, cells_y, np.log(exposure), np.full(x.shape[1], WEAK_PRECISION))
    phi = fit.dispersion
    scale = max(phi, 1.0) if phi is not None else 1.0
    df = float(fit.df_resid) if fit.df_resid > 0 else None
    return TrendCheck(float(fit.coef[-1]), float(fit.se(scale)[-1]), df, phi)


def within_period_trend(series: DiarySeries, mask: BoolArray) -> TrendCheck | None:
    """Does the rate drift *within* periods, regardless of regimen changes?

    Period intercepts + one common slope (per 4 weeks): the interrupted-time-series model,
    where only changes inside periods inform the slope.
    """
    keep = _active_periods(series, mask)
    if series.counts[keep & series.observed].sum() < 3:
        return None
    cells = weekly_cells(series, period_index(period_bounds(series), series.n), keep)
    periods = np.unique(cells.segment)
    groups = (cells.segment[:, None] == periods[None, :]).astype(np.float64)
    trend = (cells.mean_night - cells.mean_night.mean()) / TREND_UNIT
    return _trend_fit(groups, trend, cells.counts, cells.exposure)


def block_order_trend(series: DiarySeries, item: str) -> TrendCheck | None:
    """Period effect in an experiment: log rate change per block, adjusted for on/off."""
    blocks = series.experiments.get(item, ())
    if len(blocks) < 2:
        return None
    block_no = np.full(series.n, -1, dtype=np.int64)
    for b, blk in enumerate(blocks):
        block_no[blk.start : blk.end] = b
    mask = block_no >= 0
    if series.counts[mask & series.observed].sum() < 3:
        return None
    cells = weekly_cells(series, np.maximum(block_no, 0), mask)
    on = series.active[cells.first_night, series.items.index(item)].astype(np.float64)
    order = cells.segment.astype(np.float64)
    return _trend_fit(
        np.column_stack([np.ones_like(on), on]),
        order - order.mean(),
        cells.counts,
        cells.exposure,
    )


@dataclass(frozen=True)
class RtmCheck:
    """First 14 observed nights against a reference stretch (rates per night)."""

    run_in_end: int  # first night after the run-in
    first_events: float
    first_nights: float
    ref_events: float
    ref_nights: float
    p_worse: float
    ratio: float
    within_first_period: bool  # the reference is the rest of the first period

    @property
    def exclude_run_in(self) -> bool:
        """Leave the flare out of the effect estimates (only when a clean baseline remains)."""
        return self.flagged and self.within_first_period

    @property
    def flagged(self) -> bool:
        return self.p_worse >= RTM_PROB and self.ratio >= RTM_RATIO


def rtm_check(series: DiarySeries, phi: float | None) -> RtmCheck | None:
    """Did tracking begin in a flare? First 14 nights vs the rest of the first period.

    When the first period has fewer than 14 more observed nights, the rest of the diary is
    the reference. Gamma–Poisson with effective counts S/φ, n/φ (φ ≥ 1, §2.2) and the exact
    rate-ratio probability (§2.3).
    """
    obs = np.nonzero(series.observed)[0]
    if obs.shape[0] < 2 * MIN_NIGHTS:
        return None
    cut = int(obs[MIN_NIGHTS - 1]) + 1
    first_end = period_bounds(series)[0][1]
    within = bool(series.observed[cut:first_end].sum() >= MIN_NIGHTS)
    ref_end = first_end if within else series.n
    s1, n1 = float(series.counts[:cut].sum()), float(series.observed[:cut].sum())
    s2, n2 = float(series.counts[cut:ref_end].sum()), float(series.observed[cut:ref_end].sum())
    f = max(phi or 1.0, 1.0)
    a1, b1 = JEFFREYS_SHAPE + s1 / f, n1 / f
    a2, b2 = JEFFREYS_SHAPE + s2 / f, n2 / f
    p_worse = 1.0 - prob_rate_ratio_below(1.0, a1, b1, a2, b2)
    return RtmCheck(cut, s1, n1, s2, n2, p_worse, (a1 / b1) / (a2 / b2), within)
