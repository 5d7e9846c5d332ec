"""The verdict of an experiment, computed by the rule fixed before it started.

:func:`experiment_result` collects, period by period, the recorded nights outside the
washout and their cramps, and applies :func:`crampwise.analysis.crossover.crossover`:
the primary result (exact Gamma–Poisson, or divided by the dispersion), the block-effect
(trend-adjusted) model beside it, the period effect, and the verdict (``inconclusive``
when the two models disagree). Nights are analysed as assigned (intention to treat); the
nights taken as assigned give the per-protocol sensitivity result.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np

from crampwise._record import Record
from crampwise.analysis.crossover import (
    VERDICTS,
    CrossoverStats,
    DecisionRule,
    crossover,
    rate_ratio_interval,
)
from crampwise.analysis.result import DISCLAIMER, Interval
from crampwise.analysis.stats import rate_interval
from crampwise.errors import ConflictError
from crampwise.experiments.design import is_counterbalanced, is_randomized
from crampwise.experiments.planner import short_date
from crampwise.records import DiaryData, Experiment

__all__ = [
    "Adherence",
    "ConditionSummary",
    "ExperimentResult",
    "ModelSummary",
    "PeriodEffect",
    "experiment_result",
    "night_table",
]

LOW_ADHERENCE = 0.8
MORE_WEEKS_MAX = 104


def _num(x: float | None) -> float | None:
    if x is None or not math.isfinite(x):
        return None
    return float(x)


class ConditionSummary(Record):
    label: str
    item: str | None
    nights: int
    cramps: int
    rate_per_week: Interval

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "item": self.item,
            "nights": self.nights,
            "cramps": self.cramps,
            "rate_per_week": self.rate_per_week.to_dict(),
        }


class ModelSummary(Record):
    """A rate ratio B/A with its probabilities and the verdict the rule gives it."""

    rate_ratio: Interval
    p_benefit: float | None
    p_meaningful: float | None
    verdict: str
    nights: int
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "rate_ratio": self.rate_ratio.to_dict(),
            "p_benefit": _num(self.p_benefit),
            "p_meaningful": _num(self.p_meaningful),
            "verdict": self.verdict,
            "nights": self.nights,
            "note": self.note,
        }


class PeriodEffect(Record):
    detected: bool
    ratio_per_block: float | None
    low: float | None
    high: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "detected": self.detected,
            "ratio_per_block": _num(self.ratio_per_block),
            "low": _num(self.low),
            "high": _num(self.high),
        }


class Adherence(Record):
    """Nights taken as assigned: B nights with the item taken, A nights without it."""

    on_assignment: int
    off_assignment: int
    unknown: int

    @property
    def share(self) -> float | None:
        known = self.on_assignment + self.off_assignment
        return None if known == 0 else self.on_assignment / known

    def to_dict(self) -> dict[str, Any]:
        share = self.share
        return {
            "on_assignment": self.on_assignment,
            "off_assignment": self.off_assignment,
            "unknown": self.unknown,
            "percent": None if share is None else round(100.0 * share, 1),
        }


class ExperimentResult(Record):
    """``crampwise experiment result`` (``to_dict`` is its ``--json``)."""

    experiment_id: int | None
    item: str
    comparator: str | None
    status: str
    final: bool
    evidence: str
    conditions: dict[str, ConditionSummary]
    washout_nights_excluded: int
    missing_nights: int
    dispersion: float
    method: str
    rate_ratio: Interval
    p_benefit: float | None
    p_meaningful: float | None
    verdict: str
    held_back: tuple[str, ...]
    period_effect: PeriodEffect
    per_protocol: ModelSummary | None
    trend_adjusted: ModelSummary
    more_weeks_needed: int | None
    adherence: Adherence
    rule: DecisionRule
    warnings: tuple[str, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment_id": self.experiment_id,
            "item": self.item,
            "comparator": self.comparator,
            "status": self.status,
            "final": self.final,
            "evidence": self.evidence,
            "conditions": {k: c.to_dict() for k, c in self.conditions.items()},
            "washout_nights_excluded": self.washout_nights_excluded,
            "missing_nights": self.missing_nights,
            "dispersion": _num(self.dispersion),
            "method": self.method,
            "rate_ratio": self.rate_ratio.to_dict(),
            "p_benefit": _num(self.p_benefit),
            "p_meaningful": _num(self.p_meaningful),
            "verdict": self.verdict,
            "held_back": list(self.held_back),
            "period_effect": self.period_effect.to_dict(),
            "per_protocol": None if self.per_protocol is None else self.per_protocol.to_dict(),
            "trend_adjusted": self.trend_adjusted.to_dict(),
            "more_weeks_needed": self.more_weeks_needed,
            "adherence": self.adherence.to_dict(),
            "decision_rule": self.rule.to_dict(),
            "warnings": list(self.warnings),
            "summary": self.summary,
            "disclaimer": DISCLAIMER,
        }

    def to_text(self) -> str:
        a, b = self.conditions["A"], self.conditions["B"]
        lines = [self.summary, ""]
        for key, c in (("A", a), ("B", b)):
            r = c.rate_per_week
            rate = (
                "no nights yet"
                if r.estimate is None
                else f"about {r.estimate:.2g} a week (95 % range {r.low:.2g} to {r.high:.2g})"
            )
            lines.append(f"  {key} ({c.label}): {c.cramps} cramps on {c.nights} nights, {rate}")
        lines.append(
            f"  washout nights not counted: {self.washout_nights_excluded}; "
            f"nights not recorded: {self.missing_nights}"
        )
        share = self.adherence.share
        if share is not None:
            lines.append(f"  taken as assigned on {100 * share:.0f} % of the nights we know of")
        t = self.trend_adjusted.rate_ratio
        if t.estimate is not None:
            lines.append(
                f"  allowing for a steady change over the periods: rate ratio {t.estimate:.2f} "
                f"({t.low:.2f} to {t.high:.2f}), verdict {self.trend_adjusted.verdict}"
            )
        pp = self.per_protocol
        if pp is not None and pp.rate_ratio.estimate is not None:
            lines.append(
                f"  nights taken as assigned only (per protocol, {pp.nights} nights): rate "
                f"ratio {pp.rate_ratio.estimate:.2f} ({pp.rate_ratio.low:.2f} to "
                f"{pp.rate_ratio.high:.2f}), verdict {pp.verdict}"
            )
        if self.more_weeks_needed:
            lines.append(
                f"  about {self.more_weeks_needed} more weeks would more likely than not settle it"
            )
        if self.warnings:
            lines += ["", *self.warnings]
        lines += ["", DISCLAIMER]
        return "\n".join(lines)


class NightTable(Record):
    """Per-night view of an experiment: period, analysed, observed, cramps, adherence."""

    dates: tuple[str, ...]
    period: np.ndarray  # period index per night
    analysed: np.ndarray  # outside the washout
    observed: np.ndarray
    cramps: np.ndarray
    on_assignment: np.ndarray  # 1 on, 0 off, -1 unknown


def night_table(exp: Experiment, data: DiaryData, until: dt.date) -> NightTable:
    """Every night of the experiment up to ``until`` (and its last night)."""
    last = min(dt.date.fromisoformat(exp.last_night), until)
    first = dt.date.fromisoformat(exp.start)
    n = max(0, (last - first).days + 1)
    dates = tuple((first + dt.timedelta(days=i)).isoformat() for i in range(n))
    cramps_by = {night.date: night.cramps for night in data.nights}
    taken: dict[tuple[str, str], bool] = {}
    for a in data.adherence:
        key = (a.date, a.item)
        taken[key] = taken.get(key, True) and a.taken  # every recorded dose of the day
    period = np.full(n, -1, dtype=np.int64)
    analysed = np.zeros(n, dtype=np.bool_)
    for k, p in enumerate(exp.design):
        for i, day in enumerate(dates):
            if p.start <= day <= p.end:
                period[i] = k
                analysed[i] = p.washout_until is None or day > p.washout_until
    observed = np.array([d in cramps_by for d in dates], dtype=np.bool_)
    cramps = np.array([cramps_by.get(d, 0) for d in dates], dtype=np.float64)
    on = np.full(n, -1, dtype=np.int64)
    for i, day in enumerate(dates):
        if period[i] < 0:
            continue
        is_b = exp.design[period[i]].condition == "B"
        item = taken.get((day, exp.item))
        other = None if exp.comparator is None else taken.get((day, exp.comparator))
        if is_b:
            if item is None:
                continue
            on[i] = int(item and not other)
        elif item:
            on[i] = 0
        elif exp.comparator is not None:
            if other is not None:
                on[i] = int(other)
        elif item is not None or observed[i]:
            on[i] = 1
    return NightTable(dates, period, analysed, observed, cramps, on)


def _totals(table: NightTable, periods: int, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    counts = np.zeros(periods)
    nights = np.zeros(periods)
    use = mask & table.analysed & table.observed & (table.period >= 0)
    np.add.at(counts, table.period[use], table.cramps[use])
    np.add.at(nights, table.period[use], 1.0)
    return counts, nights


def _model(stats: CrossoverStats, nights: int, note: str = "") -> ModelSummary:
    interval = rate_ratio_interval(
        float(stats.cramps_a[0]),
        float(stats.nights_a[0]),
        float(stats.cramps_b[0]),
        float(stats.nights_b[0]),
        float(stats.dispersion[0]),
    )
    p_b = float(stats.p_benefit[0])
    return ModelSummary(
        Interval.of(interval),
        None if math.isnan(p_b) else p_b,
        None if math.isnan(p_b) else float(stats.p_meaningful[0]),
        VERDICTS[int(stats.verdict[0])],
        nights,
        note,
    )


def _more_weeks(stats: CrossoverStats, rule: DecisionRule, analysed_share: float) -> int | None:
    """Posterior-predictive: more weeks (calendar, both conditions) after which a clear
    verdict is more likely than not; 0 when the verdict is already clear."""
    if int(stats.verdict[0]) != 0:
        return 0
    if stats.nights_a[0] <= 0 or stats.nights_b[0] <= 0:
        return None
    from crampwise.experiments.power import scipy_specials

    sp = scipy_specials()
    rng = np.random.default_rng(7)
    trials = 2000
    phi = float(stats.dispersion[0])
    s_a, s_b = float(stats.cramps_a[0]), float(stats.cramps_b[0])
    n_a, n_b = float(stats.nights_a[0]), float(stats.nights_b[0])
    lam_a = rng.gamma(0.5 + s_a / phi, phi / n_a, trials)
    lam_b = rng.gamma(0.5 + s_b / phi, phi / n_b, trials)
    for weeks in range(4, MORE_WEEKS_MAX + 1, 4):
        extra = 7.0 * weeks * analysed_share / 2.0
        add_a = rng.poisson(lam_a * extra)
        add_b = rng.poisson(lam_b * extra)
        counts = np.column_stack([s_a + add_a, s_b + add_b])
        nights = np.tile([n_a + extra, n_b + extra], (trials, 1))
        a_b, a_a = 0.5 + counts[:, 1] / phi, 0.5 + counts[:, 0] / phi
        q = nights[:, 1] / nights[:, 0]
        p_any = sp.betainc(a_b, a_a, q / (1 + q))
        cut = (1.0 - rule.mcid) * q
        p_mean = sp.betainc(a_b, a_a, cut / (1 + cut))
        clear = ((p_mean >= rule.p_meaningful_min) & (p_any >= rule.p_benefit_min)) | (
            1.0 - p_mean >= 0.9
        )
        if float(np.mean(clear)) >= 0.5:
            return weeks
    return None


def experiment_result(
    exp: Experiment,
    data: DiaryData,
    today: dt.date,
    *,
    interim: bool = False,
    predict: bool = True,
) -> ExperimentResult:
    """The verdict (see the module docstring). Raises when no pair of periods is over.

    ``predict`` False skips the posterior-predictive "more weeks" simulation (pooling
    many trials needs only the counts)."""
    until = today - dt.timedelta(days=1)  # tonight has not happened yet
    finished = [
        i for i, p in enumerate(exp.design) if p.end <= min(until.isoformat(), exp.last_night)
    ]
    pairs_done = sum(1 for i in range(1, len(exp.design), 2) if i in finished)
    if pairs_done == 0:
        first_pair_end = exp.design[min(1, len(exp.design) - 1)].end
        raise ConflictError(
            f"no pair of periods has finished yet (the first ends on the night of "
            f"{first_pair_end}); a result needs nights with and without "
            f"{exp.item.replace('-', ' ')}"
        )
    final = exp.status == "stopped" or exp.last_night <= until.isoformat()
    table = night_table(exp, data, until)
    periods = len(exp.design)
    is_b = np.array([p.condition == "B" for p in exp.design])
    rule = DecisionRule(exp.mcid, exp.p_benefit_min, exp.p_meaningful_min)
    everything = np.ones(len(table.dates), dtype=np.bool_)
    counts, nights = _totals(table, periods, everything)
    stats = crossover(counts, nights, is_b, rule)
    per_protocol = None
    on = table.on_assignment == 1
    if (table.on_assignment >= 0).any():
        pp_counts, pp_nights = _totals(table, periods, on)
        pp = crossover(pp_counts, pp_nights, is_b, rule)
        per_protocol = _model(
            pp, int(pp_nights.sum()), "nights taken as assigned only (others left out)"
        )
    main = _model(stats, int(nights.sum()))
    beta, se = float(stats.trend_log_rr[0]), float(stats.trend_se[0])
    trend = ModelSummary(
        Interval.of((math.exp(beta), math.exp(beta - 1.96 * se), math.exp(beta + 1.96 * se))),
        float(stats.trend_p_benefit[0]),
        float(stats.trend_p_meaningful[0]),
        VERDICTS[int(stats.trend_verdict[0])],
        int(nights.sum()),
        "Poisson model of the period totals with the period order as a log-linear term "
        "(N(0, 1) prior on the log rate ratio)",
    )
    gamma, gse = float(stats.period_log_ratio[0]), float(stats.period_se[0])
    period_effect = PeriodEffect(
        bool(stats.period_effect[0]),
        math.exp(gamma),
        math.exp(gamma - 1.96 * gse),
        math.exp(gamma + 1.96 * gse),
    )
    dispersion = float(stats.dispersion[0])
    method = "exact-gamma-poisson" if dispersion == 1.0 else "overdispersion-adjusted"
    randomized = is_randomized(exp)
    held_back: list[str] = []
    if bool(stats.sparse[0]):
        held_back.append("too-few-cramps")
    if bool(stats.disagree[0]):
        held_back.append("models-disagree")
    verdict = VERDICTS[int(stats.verdict[0])]
    in_window = table.period >= 0
    washout = int((in_window & ~table.analysed).sum())
    missing = int((in_window & table.analysed & ~table.observed).sum())
    adherence = Adherence(
        int((table.on_assignment == 1).sum()),
        int((table.on_assignment == 0).sum()),
        int(((table.on_assignment < 0) & in_window).sum()),
    )
    planned = sum(
        (dt.date.fromisoformat(p.end) - dt.date.fromisoformat(p.start)).days + 1 for p in exp.design
    )
    analysed_share = max(0.3, 1.0 - exp.washout_days * _switches(exp) / max(planned, 1))
    more = _more_weeks(stats, rule, analysed_share) if predict else None
    name = exp.item.replace("-", " ")
    conditions = {
        "A": _condition(
            f"{exp.comparator.replace('-', ' ')} instead" if exp.comparator else f"no {name}",
            exp.comparator,
            stats.cramps_a[0],
            stats.nights_a[0],
        ),
        "B": _condition(name, exp.item, stats.cramps_b[0], stats.nights_b[0]),
    }
    warnings = _warnings(
        exp,
        today,
        randomized,
        final,
        interim,
        period_effect,
        adherence,
        stats,
        missing,
        int(in_window.sum()),
    )
    summary = _summary(exp, verdict, main, randomized, final, more)
    return ExperimentResult(
        experiment_id=exp.id,
        item=exp.item,
        comparator=exp.comparator,
        status=exp.status,
        final=final,
        evidence="randomized" if randomized else "uncontrolled",
        conditions=conditions,
        washout_nights_excluded=washout,
        missing_nights=missing,
        dispersion=dispersion,
        method=method,
        rate_ratio=main.rate_ratio,
        p_benefit=main.p_benefit,
        p_meaningful=main.p_meaningful,
        verdict=verdict,
        held_back=tuple(held_back),
        period_effect=period_effect,
        per_protocol=per_protocol,
        trend_adjusted=trend,
        more_weeks_needed=more,
        adherence=adherence,
        rule=rule,
        warnings=tuple(warnings),
        summary=summary,
    )


def _switches(exp: Experiment) -> int:
    return sum(1 for p in exp.design if p.washout_until is not None)


def _condition(label: str, item: str | None, cramps: float, nights: float) -> ConditionSummary:
    return ConditionSummary(
        label, item, int(nights), int(cramps), Interval.of(rate_interval(cramps, nights))
    )


def _warnings(
    exp: Experiment,
    today: dt.date,
    randomized: bool,
    final: bool,
    interim: bool,
    period: PeriodEffect,
    adherence: Adherence,
    stats: CrossoverStats,
    missing: int,
    window: int,
) -> list[str]:
    name = exp.item.replace("-", " ")
    out = []
    if not randomized:
        why = (
            "its periods were entered in a fixed order, not drawn from a recorded seed"
            if exp.seed is None
            else "its order does not follow from its seed"
            if is_counterbalanced(exp.design)
            else "not every pair of periods holds both conditions"
        )
        out.append(
            f"Uncontrolled: {why}, so cramps fading or flaring over the months can look like "
            f"an effect of {name}; it is compared like any before/after change."
        )
    if not final:
        out.append(
            f"Interim look: the experiment runs until {short_date(exp.end, today)}. Looking at "
            "the result again and again raises the chance of a false 'benefit'; the "
            "pre-registered verdict is the one at the end."
            if interim or exp.interim_looks
            else f"Not final: the experiment runs until {short_date(exp.end, today)}."
        )
    if exp.status == "stopped":
        reason = f" ({exp.stop_reason})" if exp.stop_reason else ""
        out.append(
            f"Stopped early on {short_date(exp.stopped_on or exp.end, today)}{reason}: only "
            "the nights before the stop are counted."
        )
    if period.detected and period.ratio_per_block is not None:
        out.append(
            f"Period effect: later periods had fewer cramps whatever you took (about "
            f"{100 * (1 - period.ratio_per_block):.0f} % fewer per period). Crossover trials "
            "of cramp treatments saw the same: everyone improved over time. The balanced "
            "order keeps the comparison fair, but the improvement itself proves nothing."
        )
    share = adherence.share
    if share is not None and share < LOW_ADHERENCE:
        out.append(
            f"Taken as assigned on only {100 * share:.0f} % of the nights we know of; the "
            "main result counts nights as assigned, the per-protocol one only nights taken "
            "as assigned."
        )
    if window and missing / window > 0.2:
        out.append(
            f"{missing} of the experiment's counted nights were not recorded; they are left "
            "out, never counted as cramp-free."
        )
    if bool(stats.disagree[0]):
        out.append(
            "The plain comparison and the one allowing for a steady change over the periods "
            "disagree, so the verdict is 'inconclusive'."
        )
    if bool(stats.sparse[0]):
        out.append("Fewer than 5 cramps were recorded in the counted nights: too few to judge.")
    return out


def _summary(
    exp: Experiment,
    verdict: str,
    main: ModelSummary,
    randomized: bool,
    final: bool,
    more: int | None,
) -> str:
    name = exp.item.replace("-", " ")
    cap = name[:1].upper() + name[1:]
    rr = main.rate_ratio
    kind = "randomized trial" if randomized else "uncontrolled comparison"
    where = "" if final else ", so far"
    if rr.estimate is None or main.p_benefit is None:
        return f"{cap} ({kind}{where}): no nights to compare yet."
    pct = 100.0 * (1.0 - rr.estimate)
    change = f"{pct:.0f} % fewer cramps" if pct >= 0 else f"{-pct:.0f} % more cramps"
    numbers = (
        f"{change} with it (95 % range: rate ratio {rr.low:.2f} to {rr.high:.2f}); chance "
        f"of any benefit {100 * main.p_benefit:.0f} %, of at least "
        f"{100 * exp.mcid:.0f} % fewer {100 * (main.p_meaningful or 0):.0f} %"
    )
    if verdict == "benefit":
        head = "likely helped" if randomized else "fewer cramps with it, but not proof"
    elif verdict == "no-meaningful-benefit":
        head = "no worthwhile benefit"
    else:
        head = "cannot tell yet"
    tail = ""
    if verdict == "inconclusive" and more:
        tail = f" About {more} more weeks would more likely than not settle it."
    elif verdict == "inconclusive" and more is None:
        tail = " Even two more years would probably not settle it."
    return f"{cap}: {head} ({kind}{where}): {numbers}.{tail}"
