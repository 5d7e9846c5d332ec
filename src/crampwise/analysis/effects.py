"""What each regimen item (and medicine) did, and how strong a verdict the diary allows.

Every effect comes from the one adjusted model (:mod:`crampwise.analysis.model`), with
the one prior N(0, 1²) on each log rate ratio. The decision rule (stats-methods §2.8) is
applied to the main, intention-to-treat estimate on all recorded nights; the verdict is
then held back (issue 10) when

* fewer than 5 cramps fall in the compared nights (sparse) → `inconclusive`;
* the item cannot be told apart from the shared drift (the drift makes its variance more
  than 10 times larger) → `inconclusive`;
* its "on" nights recur in the same season and the time of year explains its on/off
  (R² > 0.5) → at most `inconclusive`;
* `benefit` only: a sensitivity result does not back it — without the weeks before each
  start (regression to the mean), with missing nights counted as cramp-free (when the
  item's on/off nights were recorded unevenly), per protocol (when it was taken on under
  80 % of its nights). "Backs" = still P(RR < 1) ≥ 0.95 there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from crampwise._record import Record
from crampwise.analysis.checks import (
    MissingFinding,
    adherence_share,
    confounded_groups,
    experiment_stats,
    seasonal_cap,
)
from crampwise.analysis.crossover import VERDICTS, rate_ratio_interval
from crampwise.analysis.model import ModelFit
from crampwise.analysis.result import (
    EffectResult,
    Interval,
    JointEffect,
    MedicationEffect,
    Sensitivity,
)
from crampwise.analysis.rtm import Flare
from crampwise.analysis.series import BoolArray, DiarySeries, item_label
from crampwise.analysis.stats import (
    JEFFREYS_SHAPE,
    prob_below,
    rate_ratio_quantile,
    wald_interval,
)

__all__ = [
    "LOW_ADHERENCE",
    "MEANINGFUL_RR",
    "SPARSE_CRAMPS",
    "Fits",
    "compute_effects",
    "effect_columns",
    "estimate",
    "medication_effects",
    "unadjusted",
    "verdict",
]

MEANINGFUL_RR = 0.75  # Cochrane magnesium review's "clinically meaningful" 25 % (§2.8)
SPARSE_CRAMPS = 5
LARGE_COUNTS = 50  # Gamma shapes above which the plain ratio uses the log-normal form
TREND_VIF_MAX = 10.0
TREND_VIF_SAY = 3.0  # an inconclusive item with a drift this entangled says so
SUPPORT_P = 0.90
LOW_ADHERENCE = 0.8
GLM_METHOD = (
    "poisson-glm (log-exposure offset, item and medicine indicators, shared spline trend; "
    "N(0, 1) prior on log rate ratios; Laplace posterior widened for clustered weeks)"
)


def verdict(p_benefit: float, p_meaningful: float) -> str:
    """Decision rule (stats-methods §2.8) on P(RR < 1) and P(RR < 0.75)."""
    if p_meaningful >= 0.8 and p_benefit >= 0.95:
        return "benefit"
    if 1.0 - p_meaningful >= 0.9:
        return "no-meaningful-benefit"
    return "inconclusive"


Columns = list[tuple[tuple[str, ...], BoolArray]]


def effect_columns(series: DiarySeries, use: BoolArray, names: Sequence[str]) -> Columns:
    """Nightly 0/1 columns of items/medicines that vary over ``use``; identical ones merged
    (the caller reports merged items as confounded, never as separate effects)."""
    groups: dict[bytes, tuple[list[str], BoolArray]] = {}
    for name in names:
        col = _column(series, name)
        on = col[use]
        if on.all() or not on.any():
            continue
        groups.setdefault(on.tobytes(), ([], col))[0].append(name)
    return [(tuple(labels), col) for labels, col in groups.values()]


def _column(series: DiarySeries, name: str) -> BoolArray:
    if name in series.items:
        return np.asarray(series.active[:, series.items.index(name)])
    med = series.medication(name)
    assert med is not None
    return med.active


class Estimate(Record):
    rate_ratio: Interval
    p_benefit: float
    p_meaningful: float


def estimate(fit: ModelFit | None, label: str | Sequence[str]) -> Estimate | None:
    """The rate ratio of one effect column (or the sum of several) from a fit."""
    if fit is None:
        return None
    labels = [label] if isinstance(label, str) else list(label)
    cols = {fit.column_of(x) for x in labels}
    if None in cols or not cols:
        return None
    est, se = fit.contrast([c for c in cols if c is not None])
    low, high = wald_interval(est, se, fit.df)
    return Estimate(
        Interval.of((math.exp(est), math.exp(low), math.exp(high))),
        prob_below(0.0, est, se, fit.df),
        prob_below(math.log(MEANINGFUL_RR), est, se, fit.df),
    )


class Fits(Record):
    """The main fit and the sensitivity fits the verdicts are checked against."""

    main: ModelFit | None
    without_flares: dict[str, ModelFit | None]  # per item; None = not estimable
    flares_all_there_was: set[str]  # items whose exclusion would remove every cramp
    flares: list[Flare]
    zero_missing: ModelFit | None
    missing: list[MissingFinding]
    per_protocol: dict[str, ModelFit | None]
    trend_flagged: bool


def _sensitivity(name: str, fit: ModelFit | None, item: str, note_missing: str) -> Sensitivity:
    est = estimate(fit, item)
    if est is None:
        return Sensitivity(name, Interval(None, None, None), None, False, note_missing)
    return Sensitivity(name, est.rate_ratio, est.p_benefit, est.p_benefit >= SUPPORT_P)


def unadjusted(series: DiarySeries, col: BoolArray) -> Interval:
    """The plain on/off rate ratio (what a before/after comparison of the rates shows):
    exact Gamma–Poisson quantiles with the Jeffreys prior per side (§2.3)."""
    use = series.observed
    a_on = JEFFREYS_SHAPE + float(series.counts[col & use].sum())
    a_off = JEFFREYS_SHAPE + float(series.counts[~col & use].sum())
    n_on, n_off = float((col & use).sum()), float((~col & use).sum())
    if n_on == 0 or n_off == 0:
        return Interval(None, None, None)
    if (
        min(a_on, a_off) >= LARGE_COUNTS
    ):  # the normal approximation on the log scale is exact enough
        est = math.log((a_on / n_on) / (a_off / n_off))
        se = math.sqrt(1.0 / a_on + 1.0 / a_off)
        return Interval.of((math.exp(est), math.exp(est - 1.96 * se), math.exp(est + 1.96 * se)))
    return Interval.of(
        tuple(rate_ratio_quantile(p, a_on, n_on, a_off, n_off) for p in (0.5, 0.025, 0.975))  # type: ignore[arg-type]
    )


def _nights_on_off(series: DiarySeries, col: BoolArray, use: BoolArray) -> tuple[int, int]:
    on = int((col & use).sum())
    return on, int(use.sum()) - on


def _held_back(
    series: DiarySeries,
    fits: Fits,
    item: str,
    main: Estimate,
    seasonal: bool,
) -> tuple[str, tuple[Sensitivity, ...], tuple[str, ...]]:
    """The verdict after the checks above, its sensitivity results, and what held it."""
    v = verdict(main.p_benefit, main.p_meaningful)
    reasons: list[str] = []
    sens: list[Sensitivity] = []
    if item in fits.without_flares:
        sens.append(
            _sensitivity(
                "without-weeks-before-starts",
                fits.without_flares[item],
                item,
                "Cannot be estimated: leaving out the weeks before each start leaves no cramps."
                if item in fits.flares_all_there_was
                else "Cannot be estimated: the weeks before the start were all there was to "
                "compare with.",
            )
        )
    if any(f.item == item for f in fits.missing):
        sens.append(
            _sensitivity("missing-as-cramp-free", fits.zero_missing, item, "Cannot be estimated.")
        )
    if item in fits.per_protocol:
        sens.append(
            _sensitivity(
                "per-protocol",
                fits.per_protocol[item],
                item,
                "Cannot be estimated: too few nights taken, or not taken.",
            )
        )
    cramps = float(series.counts[series.observed].sum())
    if cramps < SPARSE_CRAMPS:
        reasons.append("too-few-cramps")
    assert fits.main is not None
    if fits.main.vif_of(item) > TREND_VIF_MAX:
        reasons.append("trend")
    if seasonal:
        reasons.append("seasonal")
    if reasons:
        return "inconclusive", tuple(sens), tuple(reasons)
    if v == "inconclusive" and fits.trend_flagged and fits.main.vif_of(item) >= TREND_VIF_SAY:
        return v, tuple(sens), ("trend",)
    if v == "benefit":
        codes = {
            "without-weeks-before-starts": "regression-to-mean",
            "missing-as-cramp-free": "missing-nights",
            "per-protocol": "low-adherence",
        }
        reasons += [codes[x.name] for x in sens if not x.supports]
        if reasons:
            v = "inconclusive"
    return v, tuple(sens), tuple(reasons)


def compute_effects(series: DiarySeries, fits: Fits) -> list[EffectResult]:
    """One :class:`EffectResult` per regimen item, in the diary's item order."""
    names = [i for i in series.items if i not in series.experiments]
    names += [m.name for m in series.medications]
    groups = confounded_groups(series, names)
    main = fits.main
    if main is not None:  # identical columns are one change, whatever the dates say
        for labels in main.effect_labels:
            if len(labels) > 1:
                for x in labels:
                    groups[x] = tuple(sorted(set(groups.get(x, ())) | set(labels)))
    out: list[EffectResult] = []
    for k, item in enumerate(series.items):
        if item in series.experiments:
            out.append(_randomized_effect(series, item))
            continue
        col = series.active[:, k]
        counts = _nights_on_off(series, col, series.observed)
        share = adherence_share(series, item)
        adherence = None if share is None else share[0] / share[1]
        if item in groups:
            group = groups[item]
            out.append(
                EffectResult(
                    item,
                    Interval(None, None, None),
                    None,
                    None,
                    "not-identifiable",
                    "confounded",
                    "none (not identifiable)",
                    *counts,
                    _not_identifiable_note(series, item, [g for g in group if g != item]),
                    _joint(main, group),
                    adherence=adherence,
                )
            )
            continue
        est = estimate(main, item)
        if est is None:
            note = _no_comparison_note(series, item, counts)
            verdict_ = "not-identifiable" if min(counts) == 0 else "inconclusive"
            evidence = "confounded" if verdict_ == "not-identifiable" else "uncontrolled"
            out.append(
                EffectResult(
                    item,
                    Interval(None, None, None),
                    None,
                    None,
                    verdict_,
                    evidence,
                    "none",
                    *counts,
                    note,
                    adherence=adherence,
                )
            )
            continue
        v, sens, reasons = _held_back(series, fits, item, est, seasonal_cap(series, item))
        out.append(
            EffectResult(
                item,
                est.rate_ratio,
                est.p_benefit,
                est.p_meaningful,
                v,
                "uncontrolled",
                GLM_METHOD,
                *counts,
                sensitivity=sens,
                held_back=reasons,
                adherence=adherence,
                unadjusted=unadjusted(series, col),
            )
        )
    return out


def medication_effects(series: DiarySeries, fits: Fits) -> list[MedicationEffect]:
    names = [i for i in series.items if i not in series.experiments]
    names += [m.name for m in series.medications]
    groups = confounded_groups(series, names)
    out: list[MedicationEffect] = []
    for med in series.medications:
        counts = _nights_on_off(series, med.active, series.observed)
        est = None if med.name in groups else estimate(fits.main, med.name)
        out.append(
            MedicationEffect(
                med.name,
                med.cramp_note,
                Interval(None, None, None) if est is None else est.rate_ratio,
                None if est is None else 1.0 - est.p_benefit,
                med.name not in groups and min(counts) > 0,
                *counts,
            )
        )
    return out


def _joint(model: ModelFit | None, group: tuple[str, ...]) -> JointEffect | None:
    if len(group) < 2:
        return None
    est = estimate(model, group)
    if est is None:
        return None
    return JointEffect(group, est.rate_ratio, est.p_benefit, est.p_meaningful)


def _cap(text: str) -> str:
    return str(text[:1].upper() + text[1:])


def _no_comparison_note(series: DiarySeries, item: str, counts: tuple[int, int]) -> str:
    name = _cap(item_label(item))
    if counts[0] == 0:
        return f"{name} was not in use on any recorded night, so there is nothing to compare."
    if counts[1] == 0:
        return f"{name} was in use on every recorded night, so there is nothing to compare."
    if float(series.counts[series.observed].sum()) <= 0:
        return "No cramps were recorded, so there is nothing to compare."
    return f"{name} has no recorded nights on one side to compare."


def _not_identifiable_note(series: DiarySeries, item: str, others: Sequence[str]) -> str:
    name = _cap(item_label(item))
    if others:
        labels = []
        for o in others:
            med = series.medication(o)
            labels.append(f"the medicine {o}" if med is not None else item_label(o))
        together = ", ".join(labels[:-1]) + (" and " if len(labels) > 1 else "") + labels[-1]
        return (
            f"{name} started or stopped within two weeks of {together} (or with no recorded "
            "nights between), so their effects cannot be told apart."
        )
    return f"Every start or stop of {item_label(item)} came with another change."


def _randomized_effect(series: DiarySeries, item: str) -> EffectResult:
    """Effect from the experiment's own blocks: the pre-registered crossover rule
    (:mod:`crampwise.analysis.crossover`, the same as ``crampwise experiment result``) on
    the recorded nights outside each block's washout. Evidence is ``randomized`` only when
    the order came from a recorded seed and is counterbalanced."""
    blocks = series.experiments[item]
    randomized = all(b.randomized for b in blocks)
    evidence = "randomized" if randomized else "uncontrolled"
    counted = np.zeros(series.n, dtype=np.bool_)
    for blk in blocks:
        counted[blk.start + min(blk.washout, blk.end - blk.start) : blk.end] = True
    use = counted & series.observed
    k = series.items.index(item)
    counts = _nights_on_off(series, series.active[:, k], use)
    stats = experiment_stats(series, item)
    note = (
        ""
        if randomized
        else (
            "The blocks were entered in a fixed order (no recorded random seed, or not "
            "counterbalanced), so this is an uncontrolled comparison."
        )
    )
    others = [i for i in series.items if i != item] + [m.name for m in series.medications]
    moved = [item_label(x) for labels, _ in effect_columns(series, use, others) for x in labels]
    if moved:
        note = (note + " " if note else "") + (
            f"Other changes during the experiment ({', '.join(moved)}) are not adjusted for."
        )
    if stats is None or float(stats.nights_a[0]) <= 0 or float(stats.nights_b[0]) <= 0:
        return EffectResult(
            item,
            Interval(None, None, None),
            None,
            None,
            "inconclusive",
            evidence,
            "none",
            *counts,
            (note + " " if note else "") + "No recorded nights on one side yet.",
        )
    phi = float(stats.dispersion[0])
    interval = rate_ratio_interval(
        float(stats.cramps_a[0]),
        float(stats.nights_a[0]),
        float(stats.cramps_b[0]),
        float(stats.nights_b[0]),
        phi,
    )
    verdict_ = VERDICTS[int(stats.verdict[0])]
    reasons: list[str] = []
    if bool(stats.sparse[0]):
        reasons.append("too-few-cramps")
    if bool(stats.disagree[0]):
        reasons.append("models-disagree")
    beta, se = float(stats.trend_log_rr[0]), float(stats.trend_se[0])
    sens = [
        Sensitivity(
            "trend-adjusted",
            Interval.of((math.exp(beta), math.exp(beta - 1.96 * se), math.exp(beta + 1.96 * se))),
            float(stats.trend_p_benefit[0]),
            int(stats.trend_verdict[0]) == 1,
            "block-effect model: the blocks' order as a log-linear term",
        )
    ]
    rec = series.adherence.get(item)
    if rec is not None:
        took = rec.recorded & rec.taken
        on_assignment = np.where(series.active[:, k], took, ~took)
        pp = experiment_stats(series, item, on_assignment)
        if pp is not None and float(pp.nights_a[0]) > 0 and float(pp.nights_b[0]) > 0:
            pp_rr = rate_ratio_interval(
                float(pp.cramps_a[0]),
                float(pp.nights_a[0]),
                float(pp.cramps_b[0]),
                float(pp.nights_b[0]),
                float(pp.dispersion[0]),
            )
            sens.append(
                Sensitivity(
                    "per-protocol",
                    Interval.of(pp_rr),
                    float(pp.p_benefit[0]),
                    int(pp.verdict[0]) == 1,
                    "nights taken as assigned only",
                )
            )
    method = "exact-gamma-poisson" if phi == 1.0 else "overdispersion-adjusted"
    return EffectResult(
        item,
        Interval.of(interval),
        float(stats.p_benefit[0]),
        float(stats.p_meaningful[0]),
        verdict_,
        evidence,
        f"{method} (Jeffreys Gamma(0.5, 0) per condition), experiment nights outside washouts",
        *counts,
        note,
        sensitivity=tuple(sens),
        held_back=tuple(reasons),
    )
