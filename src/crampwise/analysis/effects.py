"""What each regimen item did: identifiability, the adjusted model, and verdicts.

The adjusted model (stats-methods §2.4) is a Poisson GLM on week-by-period cells with a
log-exposure offset, one indicator per item, and a linear time trend; quasi-Poisson scaling
(SE × √φ̂, t reference with rows − columns df) when Pearson φ̂ > 1.5 (§2.2). Item coefficients
get a weakly informative N(0, 1²) prior on log RR (§2.4), which keeps zero-cramp periods from
producing an infinite effect.

The trend is the *within-period* slope (period intercepts + common slope, the
interrupted-time-series model, see :mod:`crampwise.analysis.checks`), entered as a fixed
offset centred on each period, whose uncertainty is propagated into the item effects (delta
method). Fitting it as a free column across the whole diary instead would let a long
cramp-free period, whose item effect the prior holds back, drag the slope, and a straight
line extrapolated over years would then decide every other estimate. Two conditions without
adjustment use the exact incomplete-beta formula (§2.3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crampwise.analysis.checks import TREND_UNIT, TrendCheck, quasi
from crampwise.analysis.periods import period_bounds, period_index, weekly_cells
from crampwise.analysis.result import EffectResult, Interval, JointEffect
from crampwise.analysis.series import (
    BoolArray,
    Change,
    DiarySeries,
    FloatArray,
    IntArray,
    item_label,
)
from crampwise.analysis.stats import (
    JEFFREYS_SHAPE,
    fit_poisson,
    prob_below,
    prob_rate_ratio_below,
    rate_ratio_quantile,
    wald_interval,
)

__all__ = [
    "COINCIDE_NIGHTS",
    "MEANINGFUL_RR",
    "ModelFit",
    "compute_effects",
    "fit_adjusted_model",
    "identifiable",
    "verdict",
]

COINCIDE_NIGHTS = 7  # changes this close together cannot be told apart
MEANINGFUL_RR = 0.75  # Cochrane magnesium review's "clinically meaningful" 25 % (§2.8)
ITEM_PRIOR_SD = 1.0  # N(0, 1²) on log RR (§2.4)
WEAK_PRECISION = 1e-6  # nearly flat; only guards against numerical run-off


def verdict(p_benefit: float, p_meaningful: float) -> str:
    """Decision rule of the issue (stats-methods §2.8) on P(RR < 1) and P(RR < 0.75)."""
    if p_meaningful >= 0.8 and p_benefit >= 0.95:
        return "benefit"
    if 1.0 - p_meaningful >= 0.9:
        return "no-meaningful-benefit"
    return "inconclusive"


def identifiable(series: DiarySeries, item: str) -> bool:
    """True when at least one start/stop of ``item`` is > 7 nights from every other change."""
    others = [c.night for c in series.changes if c.item != item]
    return any(
        all(abs(c.night - o) > COINCIDE_NIGHTS for o in others) for c in series.item_changes(item)
    )


@dataclass(frozen=True, eq=False)
class ModelFit:
    """A fitted adjusted model: posterior mode, covariance (φ- and trend-adjusted), columns."""

    coef: FloatArray
    cov: FloatArray
    columns: tuple[tuple[str, ...], ...]  # items behind each item column (identical merged)
    dispersion: float | None  # Pearson φ̂ of the weekly cells
    scale: float  # variance scale applied (φ̂ when over-dispersed, else 1)
    df: float | None  # t reference df when over-dispersed
    cells: int
    first_item_col: int = 1

    def column_of(self, item: str) -> int | None:
        for j, items in enumerate(self.columns):
            if item in items:
                return self.first_item_col + j
        return None

    def contrast(self, cols: Sequence[int]) -> tuple[float, float]:
        """Estimate and SE of the sum of coefficients ``cols`` (log RR of a joint change)."""
        w = np.zeros(self.coef.shape[0])
        w[list(cols)] = 1.0
        return float(w @ self.coef), math.sqrt(max(float(w @ self.cov @ w), 0.0))


def _item_columns(
    series: DiarySeries, mask: BoolArray, items: Sequence[str]
) -> list[tuple[tuple[str, ...], BoolArray]]:
    """Item columns that vary over the observed nights in ``mask``; identical ones merged."""
    use = series.observed & mask
    groups: dict[bytes, tuple[list[str], BoolArray]] = {}
    for item in items:
        col = series.active[:, series.items.index(item)]
        on = col[use]
        if on.all() or not on.any():
            continue
        groups.setdefault(on.tobytes(), ([], col))[0].append(item)
    return [(tuple(names), col) for names, col in groups.values()]


def _period_centred_time(
    use: BoolArray, pidx: IntArray, mean_night: FloatArray, segment: IntArray
) -> FloatArray:
    """Time (in 4-week units) from the centre of each cell's own period.

    The within-period drift is applied inside each period only: a straight line through a
    whole multi-year diary would claim impossible rates at its ends, and item effects would
    then be judged against that extrapolation instead of against the neighbouring periods.
    """
    nights = np.nonzero(use)[0]
    sums = np.bincount(pidx[nights], weights=nights.astype(np.float64), minlength=pidx.max() + 1)
    counts = np.bincount(pidx[nights], minlength=pidx.max() + 1)
    centre = sums / np.maximum(counts, 1)
    return np.asarray((mean_night - centre[segment]) / TREND_UNIT, dtype=np.float64)


def fit_adjusted_model(
    series: DiarySeries,
    mask: BoolArray | None = None,
    *,
    trend: TrendCheck | None = None,
    free_trend: bool = False,
) -> ModelFit | None:
    """log E[y] = log(nights) + α + Σβ_k·x_k + γ·z on week × period cells.

    γ is either the given within-period ``trend`` (fixed offset, variance propagated; z is
    time from the centre of the cell's period, in 4-week units) or,
    with ``free_trend``, a fitted column (used inside randomized experiments, whose balanced
    block order makes it orthogonal to the conditions). None when there are no cramps.
    """
    mask = np.ones(series.n, dtype=np.bool_) if mask is None else mask
    use = series.observed & mask
    if series.counts[use].sum() <= 0:
        return None  # the intercept would run off to −∞; there is nothing to compare
    cols = _item_columns(series, mask, series.items)
    pidx = period_index(period_bounds(series), series.n)
    cells = weekly_cells(series, pidx, mask)
    if free_trend:
        z = (cells.mean_night - float(np.nonzero(use)[0].mean())) / TREND_UNIT
    else:
        z = _period_centred_time(use, pidx, cells.mean_night, cells.segment)
    blocks = [np.ones_like(z), *(col[cells.first_night].astype(np.float64) for _, col in cols)]
    prec = [0.0, *([1.0 / ITEM_PRIOR_SD**2] * len(cols))]
    offset = np.log(cells.exposure)
    if free_trend:
        blocks.append(z)
        prec.append(WEAK_PRECISION)
    elif trend is not None:
        offset = offset + trend.estimate * z
    x = np.column_stack(blocks)
    fit = fit_poisson(x, cells.counts, offset, np.array(prec))
    scale, df = quasi(fit.dispersion, fit.df_resid)
    cov = fit.cov * scale
    if trend is not None and not free_trend:
        # Delta method: dβ̂/dγ = −H⁻¹X'Wz, so Var(β̂) gains (dβ̂/dγ)(dβ̂/dγ)'·Var(γ̂).
        d = -fit.cov @ (x.T @ (fit.mu * z))
        cov = cov + np.outer(d, d) * trend.se**2
    return ModelFit(
        coef=fit.coef,
        cov=cov,
        columns=tuple(names for names, _ in cols),
        dispersion=fit.dispersion,
        scale=scale,
        df=df,
        cells=int(cells.counts.shape[0]),
    )


def _exact_effect(
    series: DiarySeries, mask: BoolArray, col: int, scale: float
) -> tuple[Interval, float, float]:
    """Two conditions, no adjustment: exact Gamma–Poisson rate ratio on/off (§2.3)."""
    use = series.observed & mask
    on = series.active[:, col] & use
    off = ~series.active[:, col] & use
    a_b = JEFFREYS_SHAPE + series.counts[on].sum() / scale
    b_b = on.sum() / scale
    a_a = JEFFREYS_SHAPE + series.counts[off].sum() / scale
    b_a = off.sum() / scale
    rr = Interval.of(
        (
            rate_ratio_quantile(0.5, a_b, b_b, a_a, b_a),
            rate_ratio_quantile(0.025, a_b, b_b, a_a, b_a),
            rate_ratio_quantile(0.975, a_b, b_b, a_a, b_a),
        )
    )
    p_benefit = prob_rate_ratio_below(1.0, a_b, b_b, a_a, b_a)
    p_meaningful = prob_rate_ratio_below(MEANINGFUL_RR, a_b, b_b, a_a, b_a)
    return rr, p_benefit, p_meaningful


def _wald_effect(est: float, se: float, df: float | None) -> tuple[Interval, float, float]:
    low, high = wald_interval(est, se, df)
    rr = Interval.of((math.exp(est), math.exp(low), math.exp(high)))
    return (
        rr,
        prob_below(0.0, est, se, df),
        prob_below(math.log(MEANINGFUL_RR), est, se, df),
    )


def _glm_method(model: ModelFit) -> str:
    kind = "quasi-poisson-glm" if model.scale > 1.0 else "poisson-glm"
    return f"{kind} (log-exposure offset, item indicators, time trend; Laplace posterior)"


def _confounded_groups(series: DiarySeries, items: Sequence[str]) -> list[tuple[str, ...]]:
    """Connected groups of not-identifiable items whose changes fall within 7 nights."""
    changes: dict[str, list[Change]] = {i: series.item_changes(i) for i in items}
    parent = {i: i for i in items}

    def root(i: str) -> str:
        while parent[i] != i:
            i = parent[i]
        return i

    for a in items:
        for b in items:
            if a < b and any(
                abs(ca.night - cb.night) <= COINCIDE_NIGHTS
                for ca in changes[a]
                for cb in changes[b]
            ):
                parent[root(a)] = root(b)
    groups: dict[str, list[str]] = {}
    for i in items:
        groups.setdefault(root(i), []).append(i)
    return [tuple(g) for g in groups.values()]


def _joint(model: ModelFit | None, group: tuple[str, ...]) -> JointEffect | None:
    if model is None or len(group) < 2:
        return None
    cols = {model.column_of(i) for i in group}
    if None in cols:
        return None
    est, se = model.contrast([c for c in cols if c is not None])
    rr, p_b, p_m = _wald_effect(est, se, model.df)
    return JointEffect(group, rr, p_b, p_m)


def _nights_on_off(series: DiarySeries, k: int, mask: BoolArray) -> tuple[int, int]:
    use = series.observed & mask
    on = int((series.active[:, k] & use).sum())
    return on, int(use.sum()) - on


def _no_estimate(
    item: str,
    verdict_: str,
    *,
    evidence: str,
    counts: tuple[int, int],
    note: str,
    joint: JointEffect | None = None,
) -> EffectResult:
    method = "none (not identifiable)" if verdict_ == "not-identifiable" else "none"
    none = Interval(None, None, None)
    return EffectResult(item, none, None, None, verdict_, evidence, method, *counts, note, joint)


def compute_effects(
    series: DiarySeries,
    model: ModelFit | None,
    *,
    mask: BoolArray,
    trend_flagged: bool,
) -> list[EffectResult]:
    """One :class:`EffectResult` per regimen item, in the diary's item order.

    ``mask`` selects the nights the effects rest on (all but a flare run-in).
    """
    not_ident = [
        i for i in series.items if i not in series.experiments and not identifiable(series, i)
    ]
    joint_of = {i: g for g in _confounded_groups(series, not_ident) for i in g}
    varying = 0 if model is None else len(model.columns)
    out: list[EffectResult] = []
    for k, item in enumerate(series.items):
        if item in series.experiments:
            out.append(_randomized_effect(series, item))
            continue
        counts = _nights_on_off(series, k, mask)
        col = None if model is None else model.column_of(item)
        if item in joint_of:
            group = joint_of[item]
            note = _not_identifiable_note(item, [g for g in group if g != item], counts)
            out.append(
                _no_estimate(
                    item,
                    "not-identifiable",
                    evidence="confounded",
                    counts=counts,
                    note=note,
                    joint=_joint(model, group),
                )
            )
        elif model is None or col is None:
            note = "No cramps were recorded, so there is nothing to compare."
            if model is not None:
                note = f"{_cap(item_label(item))} has no recorded nights on one side to compare."
            out.append(
                _no_estimate(
                    item, "inconclusive", evidence="uncontrolled", counts=counts, note=note
                )
            )
        else:
            if varying == 1 and not trend_flagged:
                rr, p_b, p_m = _exact_effect(series, mask, k, model.scale)
                method = "exact-gamma-poisson (incomplete beta)"
            else:
                est, se = model.contrast([col])
                rr, p_b, p_m = _wald_effect(est, se, model.df)
                method = _glm_method(model)
            out.append(
                EffectResult(item, rr, p_b, p_m, verdict(p_b, p_m), "uncontrolled", method, *counts)
            )
    return out


def _cap(text: str) -> str:
    return str(text[:1].upper() + text[1:])


def _not_identifiable_note(item: str, others: Sequence[str], counts: tuple[int, int]) -> str:
    name = _cap(item_label(item))
    if counts[0] == 0:
        return f"{name} was not in use on any recorded night, so there is nothing to compare."
    if counts[1] == 0:
        return f"{name} was in use on every recorded night, so there is nothing to compare."
    if others:
        together = ", ".join(item_label(o) for o in others)
        return f"{name} always started or stopped together with {together}."
    return f"Every start or stop of {item_label(item)} came with another change."


def _randomized_effect(series: DiarySeries, item: str) -> EffectResult:
    """Effect from the experiment's own nights (blocks), exact when nothing else varied."""
    blocks = series.experiments[item]
    window = np.zeros(series.n, dtype=np.bool_)
    window[blocks[0].start : blocks[-1].end] = True
    k = series.items.index(item)
    counts = _nights_on_off(series, k, window)
    model = fit_adjusted_model(series, window, free_trend=True)
    col = None if model is None else model.column_of(item)
    if model is None or col is None:
        note = "The experiment has no cramps, or no recorded nights on one side, yet."
        return _no_estimate(item, "inconclusive", evidence="randomized", counts=counts, note=note)
    note = ""
    if len(model.columns) == 1:
        rr, p_b, p_m = _exact_effect(series, window, k, model.scale)
        method = "exact-gamma-poisson (incomplete beta), experiment nights"
    else:
        est, se = model.contrast([col])
        rr, p_b, p_m = _wald_effect(est, se, model.df)
        method = _glm_method(model) + ", experiment nights"
        others = [
            item_label(o) for o in series.items if o != item and model.column_of(o) is not None
        ]
        note = f"Other items changed during the experiment; adjusted for {', '.join(others)}."
    return EffectResult(item, rr, p_b, p_m, verdict(p_b, p_m), "randomized", method, *counts, note)
