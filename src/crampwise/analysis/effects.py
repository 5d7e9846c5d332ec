"""What each regimen item did: identifiability, the adjusted model, and verdicts.

The adjusted model (stats-methods §2.4) is a Poisson GLM on week-by-period cells with a
log-exposure offset, one indicator per item, and a linear time trend; quasi-Poisson scaling
(SE × √φ̂, t reference with rows − columns df) when Pearson φ̂ > 1.5 (§2.2). Item coefficients
get a weakly informative N(0, 1²) prior on log RR (§2.4), which keeps zero-cramp periods from
producing an infinite effect. Two conditions without adjustment use the exact incomplete-beta
formula instead (§2.3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from crampwise.analysis.periods import period_bounds, period_index, weekly_cells
from crampwise.analysis.result import EffectResult, Interval, JointEffect
from crampwise.analysis.series import BoolArray, Change, DiarySeries, FloatArray
from crampwise.analysis.stats import (
    JEFFREYS_SHAPE,
    PoissonFit,
    fit_poisson,
    prob_below,
    prob_rate_ratio_below,
    rate_ratio_quantile,
    wald_interval,
)

__all__ = [
    "COINCIDE_NIGHTS",
    "MEANINGFUL_RR",
    "OVERDISPERSED",
    "ModelFit",
    "TrendCheck",
    "block_order_trend",
    "compute_effects",
    "fit_adjusted_model",
    "identifiable",
    "quasi",
    "verdict",
    "within_period_trend",
]

COINCIDE_NIGHTS = 7  # changes this close together cannot be told apart
MEANINGFUL_RR = 0.75  # Cochrane magnesium review's "clinically meaningful" 25 % (§2.8)
OVERDISPERSED = 1.5  # Pearson φ̂ above this → quasi-Poisson / effective counts (§2.2)
ITEM_PRIOR_SD = 1.0  # N(0, 1²) on log RR (§2.4)
WEAK_PRECISION = 1e-6  # nearly flat; only guards against numerical run-off
TREND_UNIT = 28.0  # trend coefficients are per 4 weeks


def quasi(phi: float | None, df_resid: int) -> tuple[float, float | None]:
    """Variance scale and t df: (φ̂, rows − columns) when over-dispersed, else (1, None)."""
    if phi is not None and phi > OVERDISPERSED and df_resid > 0:
        return phi, float(df_resid)
    return 1.0, None


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
    """A fitted adjusted model with its column bookkeeping."""

    fit: PoissonFit
    columns: tuple[tuple[str, ...], ...]  # items behind each item column (identical columns merged)
    first_item_col: int
    trend_col: int
    scale: float
    df: float | None
    cells: int

    def column_of(self, item: str) -> int | None:
        for j, items in enumerate(self.columns):
            if item in items:
                return self.first_item_col + j
        return None

    def contrast(self, cols: Sequence[int]) -> tuple[float, float]:
        """Estimate and SE of the sum of coefficients ``cols`` (log RR of a joint change)."""
        w = np.zeros(self.fit.coef.shape[0])
        w[list(cols)] = 1.0
        var = float(w @ self.fit.cov @ w) * self.scale
        return float(w @ self.fit.coef), math.sqrt(max(var, 0.0))


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
        key = on.tobytes()
        groups.setdefault(key, ([], col))[0].append(item)
    return [(tuple(names), col) for names, col in groups.values()]


def fit_adjusted_model(
    series: DiarySeries, mask: BoolArray | None = None, items: Sequence[str] | None = None
) -> ModelFit | None:
    """Fit log E[y] = log(nights) + α + Σβ_k·x_k + γ·(t − t̄)/28 on week × period cells."""
    mask = np.ones(series.n, dtype=np.bool_) if mask is None else mask
    use = series.observed & mask
    if series.counts[use].sum() <= 0:
        return None  # no cramps: the intercept would run off to −∞, nothing to compare
    cols = _item_columns(series, mask, series.items if items is None else items)
    cells = weekly_cells(series, period_index(period_bounds(series), series.n), mask)
    center = float(np.nonzero(use)[0].mean())
    x = np.column_stack(
        [
            np.ones(cells.counts.shape[0]),
            *(col[cells.first_night].astype(np.float64) for _, col in cols),
            (cells.mean_night - center) / TREND_UNIT,
        ]
    )
    prec = np.array([0.0, *([1.0 / ITEM_PRIOR_SD**2] * len(cols)), WEAK_PRECISION])
    fit = fit_poisson(x, cells.counts, np.log(cells.exposure), prec)
    scale, df = quasi(fit.dispersion, fit.df_resid)
    return ModelFit(
        fit=fit,
        columns=tuple(names for names, _ in cols),
        first_item_col=1,
        trend_col=1 + len(cols),
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


def compute_effects(
    series: DiarySeries, model: ModelFit | None, trend_flagged: bool
) -> list[EffectResult]:
    """One :class:`EffectResult` per regimen item, in the diary's item order."""
    everything = np.ones(series.n, dtype=np.bool_)
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
        on, off = _nights_on_off(series, k, everything)
        if item in joint_of:
            group = joint_of[item]
            others = [g for g in group if g != item]
            note = _not_identifiable_note(item, others, on, off)
            out.append(
                EffectResult(
                    item,
                    Interval(None, None, None),
                    None,
                    None,
                    "not-identifiable",
                    "confounded",
                    "none (not identifiable)",
                    on,
                    off,
                    note,
                    _joint(model, group),
                )
            )
            continue
        col = None if model is None else model.column_of(item)
        if model is None or col is None:
            out.append(
                EffectResult(
                    item,
                    Interval(None, None, None),
                    None,
                    None,
                    "inconclusive",
                    "uncontrolled",
                    "none",
                    on,
                    off,
                    "No cramps were recorded, so there is nothing to compare.",
                )
            )
            continue
        if varying == 1 and not trend_flagged:
            rr, p_b, p_m = _exact_effect(series, everything, k, model.scale)
            method = "exact-gamma-poisson (incomplete beta)"
        else:
            est, se = model.contrast([col])
            rr, p_b, p_m = _wald_effect(est, se, model.df)
            method = _glm_method(model)
        out.append(
            EffectResult(item, rr, p_b, p_m, verdict(p_b, p_m), "uncontrolled", method, on, off)
        )
    return out


def _not_identifiable_note(item: str, others: Sequence[str], on: int, off: int) -> str:
    if on == 0:
        return f"{item} was not in use on any recorded night."
    if off == 0:
        return f"{item} was in use on every recorded night, so there is nothing to compare."
    if others:
        return f"{item} always changed together with {', '.join(others)}."
    return f"every change of {item} coincided with another change."


def _randomized_effect(series: DiarySeries, item: str) -> EffectResult:
    """Effect from the experiment's own nights (blocks), exact when nothing else varied."""
    blocks = series.experiments[item]
    window = np.zeros(series.n, dtype=np.bool_)
    window[blocks[0].start : blocks[-1].end] = True
    k = series.items.index(item)
    on, off = _nights_on_off(series, k, window)
    others = [i for i in series.items if i != item]
    model = fit_adjusted_model(series, window)
    if model is None or model.column_of(item) is None:
        return EffectResult(
            item,
            Interval(None, None, None),
            None,
            None,
            "inconclusive",
            "randomized",
            "none",
            on,
            off,
            "The experiment has no cramps or no nights on one side yet.",
        )
    if len(model.columns) == 1:
        rr, p_b, p_m = _exact_effect(series, window, k, model.scale)
        method = "exact-gamma-poisson (incomplete beta), experiment nights"
    else:
        col = model.column_of(item)
        assert col is not None
        est, se = model.contrast([col])
        rr, p_b, p_m = _wald_effect(est, se, model.df)
        method = _glm_method(model) + ", experiment nights"
    note = (
        ""
        if len(model.columns) == 1
        else (
            "Other items changed during the experiment; the model adjusts for "
            + ", ".join(o for o in others if model.column_of(o) is not None)
            + "."
        )
    )
    return EffectResult(item, rr, p_b, p_m, verdict(p_b, p_m), "randomized", method, on, off, note)
