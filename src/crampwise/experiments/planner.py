"""Plan a randomized N-of-1 experiment from the person's own diary.

:func:`make_plan` checks every option where it enters, reads the baseline (cramps a week
and how clustered the weeks are) from the recorded nights of the 12 weeks before the
start (or takes the number given), draws the counterbalanced design from the seed, and
simulates what the trial is likely to conclude - at the chosen period length and at the
length it recommends (the shortest giving an 80 % chance of `benefit` when the item
halves the cramps). Nothing is stored: :class:`~crampwise.experiments.runner.
ExperimentsModule.start` stores a plan.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from typing import Any

import numpy as np

from crampwise import validate as v
from crampwise._record import Record
from crampwise.analysis.crossover import DecisionRule
from crampwise.errors import InputError
from crampwise.experiments.design import MAX_SEED, make_design
from crampwise.experiments.inputs import parse_dose, parse_mcid
from crampwise.experiments.power import (
    DESIGN_TRIALS,
    DesignPower,
    design_power,
    nights_per_arm_needed,
)
from crampwise.records import DiaryData, Experiment, ExperimentPeriod

__all__ = [
    "BASELINE_NIGHTS",
    "TARGET_POWER",
    "Plan",
    "baseline_from_diary",
    "make_plan",
    "short_date",
]

BASELINE_NIGHTS = 84  # the 12 weeks before the start
MIN_BASELINE_NIGHTS = 14
MIN_ANALYSED_NIGHTS = 14  # stats-methods §2.9: block ≥ washout + 2–4 weeks
TARGET_POWER = 0.8
LOW_POWER = 0.2  # below this at RR 0.5 no useful answer is reachable: start refuses
MAX_TOTAL_WEEKS = 156  # the recommendation searches trials of up to three years
DEFAULT_PAIRS = 3  # stats-methods §2.9: at least 3 cycles
DEFAULT_PERIOD_WEEKS = 4
MAX_AHEAD_DAYS = 366


def short_date(day: str | dt.date, today: dt.date | None = None) -> str:
    """``12 May`` (this year) or ``12 May 2027``."""
    d = dt.date.fromisoformat(day) if isinstance(day, str) else day
    if today is not None and d.year == today.year:
        return f"{d.day} {d.strftime('%b')}"
    return f"{d.day} {d.strftime('%b %Y')}"


class Baseline(Record):
    per_week: float
    dispersion: float
    source: str
    low: float | None = None  # 95 % range of the weekly rate (Jeffreys Gamma posterior)
    high: float | None = None
    recorded_share: float = 1.0  # share of nights recorded since the first in the window


def baseline_from_diary(data: DiaryData, before: dt.date) -> Baseline | None:
    """Cramps a week and weekly dispersion from the recorded nights of the 12 weeks before
    ``before``; None with fewer than 14 recorded nights there."""
    first = (before - dt.timedelta(days=BASELINE_NIGHTS)).isoformat()
    last = (before - dt.timedelta(days=1)).isoformat()
    nights = {n.date: n.cramps for n in data.nights if first <= n.date <= last}
    if len(nights) < MIN_BASELINE_NIGHTS:
        return None
    total = sum(nights.values())
    per_week = 7.0 * total / len(nights)
    weeks = []  # complete weeks, counted back from the night before the start
    for w in range(BASELINE_NIGHTS // 7):
        days = [(before - dt.timedelta(days=7 * w + d + 1)).isoformat() for d in range(7)]
        if all(day in nights for day in days):
            weeks.append(sum(nights[day] for day in days))
    dispersion = 1.0
    if len(weeks) >= 4 and np.mean(weeks) > 0:
        mean = float(np.mean(weeks))
        dispersion = max(
            1.0, float(np.sum((np.array(weeks) - mean) ** 2)) / mean / (len(weeks) - 1)
        )
    source = (
        f"{total} cramps on {len(nights)} recorded nights, {short_date(min(nights))} to "
        f"{short_date(max(nights))}"
    )
    from crampwise.analysis.stats import rate_interval

    interval = rate_interval(total, len(nights))
    assert interval is not None  # at least 14 nights
    # nights not recorded are left out of a trial too: the power figures count on the
    # same share being recorded (from the first recorded night, so a diary begun within
    # the 12 weeks is not taken for a gappy one)
    span = (before - dt.date.fromisoformat(min(nights))).days
    return Baseline(
        round(per_week, 3),
        round(min(dispersion, 10.0), 2),
        source,
        round(interval[1], 3),
        round(interval[2], 3),
        round(len(nights) / span, 3),
    )


class Plan(Record):
    """A planned experiment: design, baseline, power and the rule fixed in advance."""

    item: str
    comparator: str | None
    dose: float | None
    unit: str | None
    seed: int
    start: str
    pairs: int
    period_weeks: int
    washout_days: int
    washout_basis: str
    design: tuple[ExperimentPeriod, ...]
    baseline_per_week: float
    baseline_source: str
    baseline_low: float | None
    baseline_high: float | None
    recorded_share: float
    dispersion: float
    power: DesignPower
    recommended_period_weeks: int | None
    power_at_recommended: DesignPower | None
    years_needed: float | None
    rule: DecisionRule
    interim_looks: bool
    warnings: tuple[str, ...]
    today: str

    @property
    def end(self) -> str:
        return self.design[-1].end

    @property
    def total_weeks(self) -> int:
        return self.pairs * 2 * self.period_weeks

    @property
    def feasible(self) -> bool:
        """Whether a useful answer is reachable at the chosen length (see LOW_POWER)."""
        return self.power.rr_0_5 >= LOW_POWER

    def to_experiment(self) -> Experiment:
        return Experiment(
            item=self.item,
            start=self.start,
            design=self.design,
            seed=self.seed,
            comparator=self.comparator,
            dose=self.dose,
            unit=self.unit,
            period_days=7 * self.period_weeks,
            washout_days=self.washout_days,
            mcid=self.rule.mcid,
            p_benefit_min=self.rule.p_benefit_min,
            p_meaningful_min=self.rule.p_meaningful_min,
            interim_looks=self.interim_looks,
            baseline_per_week=self.baseline_per_week,
            dispersion=self.dispersion,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "comparator": self.comparator,
            "dose": self.dose,
            "unit": self.unit,
            "start": self.start,
            "end": self.end,
            "design": [period_dict(p) for p in self.design],
            "seed": self.seed,
            "pairs": self.pairs,
            "period_weeks": self.period_weeks,
            "total_weeks": self.total_weeks,
            "washout_days": self.washout_days,
            "washout_basis": self.washout_basis,
            "baseline_per_week": self.baseline_per_week,
            "baseline_source": self.baseline_source,
            "baseline_interval": None
            if self.baseline_low is None or self.baseline_high is None
            else {"low": self.baseline_low, "high": self.baseline_high},
            "recorded_share": self.recorded_share,
            "dispersion": self.dispersion,
            "power": self.power.to_dict(),
            "recommended_period_weeks": self.recommended_period_weeks,
            "power_at_recommended": None
            if self.power_at_recommended is None
            else self.power_at_recommended.to_dict(),
            "years_needed": None if self.years_needed is None else round(self.years_needed, 1),
            "decision_rule": self.rule.to_dict(),
            "interim_looks": self.interim_looks,
            "feasible": self.feasible,
            "warnings": list(self.warnings),
        }

    def to_text(self) -> str:
        today = dt.date.fromisoformat(self.today)
        name = self.item.replace("-", " ")
        dose = f" {self.dose:g} {self.unit}" if self.dose is not None else ""
        other = f"{self.comparator.replace('-', ' ')} instead" if self.comparator else f"no {name}"
        lines = [
            f"Experiment: {name}{dose} (B) against {other} (A), "
            f"{2 * self.pairs} periods of {self.period_weeks} weeks, "
            f"{short_date(self.start, today)} to {short_date(self.end, today)} "
            f"({self.total_weeks} weeks).",
            f"Order drawn at random from seed {self.seed}: "
            + " ".join(p.condition for p in self.design)
            + f" (washout: the first {self.washout_days} nights after each switch are not "
            "counted).",
            "",
        ]
        for i, p in enumerate(self.design, 1):
            what = f"take {name}{dose}" if p.condition == "B" else f"no {name}"
            if self.comparator:
                what += (
                    f", no {self.comparator}" if p.condition == "B" else f", take {self.comparator}"
                )
            wash = (
                f"  (washout until {short_date(p.washout_until, today)})" if p.washout_until else ""
            )
            lines.append(
                f"  {i}. {short_date(p.start, today):>12} – {short_date(p.end, today):<12} "
                f"{p.condition}: {what}{wash}"
            )
        spread = (
            ""
            if self.baseline_low is None or self.baseline_high is None
            else f"95 % range {self.baseline_low:.2g} to {self.baseline_high:.2g}; "
        )
        recorded = (
            ""
            if self.recorded_share >= 0.95
            else f", counting on {100 * self.recorded_share:.0f} % of nights recorded as before"
        )
        cases = (
            (f"if {name} halves your cramps:", f"{100 * self.power.rr_0_5:.0f} % of trials"),
            ("if it cuts them by a quarter:", f"{100 * self.power.rr_0_75:.0f} %"),
            ("if it does nothing:", f"{100 * self.power.false_benefit:.1f} % (wrongly)"),
        )
        width = max(len(c[0]) for c in cases) + 2
        lines += [
            "",
            f"Your baseline: {self.baseline_per_week:.2g} cramps a week "
            f"({spread}{self.baseline_source}).",
            f"What this trial is likely to conclude ({self.power.trials:,} simulated "
            f"trials{recorded}):",
            *(f"  {case:<{width}}'benefit' in {share}" for case, share in cases),
        ]
        if self.recommended_period_weeks is not None and self.power_at_recommended is not None:
            lines.append(
                f"Recommended: periods of {self.recommended_period_weeks} weeks "
                f"({2 * self.pairs * self.recommended_period_weeks} weeks in all) give "
                f"{100 * self.power_at_recommended.rr_0_5:.0f} % if it halves your cramps."
            )
        lines.append(
            f"Decided in advance: 'benefit' when the chance of any benefit is at least "
            f"{100 * self.rule.p_benefit_min:.0f} % and of at least "
            f"{100 * self.rule.mcid:.0f} % fewer cramps at least "
            f"{100 * self.rule.p_meaningful_min:.0f} %."
        )
        lines += [f"Note: {w}" for w in self.warnings]
        return "\n".join(lines)


def period_dict(p: ExperimentPeriod) -> dict[str, Any]:
    return {
        "start": p.start,
        "end": p.end,
        "condition": p.condition,
        "washout_until": p.washout_until,
    }


def _analysed(design: tuple[ExperimentPeriod, ...]) -> tuple[np.ndarray, np.ndarray]:
    nights, is_b = [], []
    for p in design:
        first = dt.date.fromisoformat(p.start)
        last = dt.date.fromisoformat(p.end)
        counted_from = first
        if p.washout_until is not None:
            counted_from = dt.date.fromisoformat(p.washout_until) + dt.timedelta(days=1)
        nights.append(max(0, (last - counted_from).days + 1))
        is_b.append(p.condition == "B")
    return np.array(nights, dtype=np.float64), np.array(is_b, dtype=np.bool_)


def _power_of(
    seed: int,
    start: dt.date,
    pairs: int,
    weeks: int,
    washout: int,
    first_washout: bool,
    per_week: float,
    dispersion: float,
    rule: DecisionRule,
    trials: int,
    share: float,
    only_half: bool = False,
) -> DesignPower:
    design = make_design(seed, start, pairs, 7 * weeks, washout, first_washout=first_washout)
    nights, is_b = _analysed(design)
    return design_power(
        per_week, nights * share, is_b, dispersion, rule, trials=trials, only_half=only_half
    )


def _recommend(
    seed: int,
    start: dt.date,
    pairs: int,
    washout: int,
    first_washout: bool,
    per_week: float,
    dispersion: float,
    rule: DecisionRule,
    share: float,
) -> int | None:
    """The shortest period (weeks) reaching TARGET_POWER at RR 0.5 (bisection over whole
    weeks; power grows with length), or None when three years are not enough."""
    low = max(1, math.ceil((washout + MIN_ANALYSED_NIGHTS) / 7))
    high = max(low, MAX_TOTAL_WEEKS // (2 * pairs))

    def enough(weeks: int) -> bool:
        found = _power_of(
            seed,
            start,
            pairs,
            weeks,
            washout,
            first_washout,
            per_week,
            dispersion,
            rule,
            DESIGN_TRIALS,  # the same simulated trials as the figure finally shown
            share,
            only_half=True,
        )
        return found.rr_0_5 >= TARGET_POWER

    if not enough(high):
        return None
    while low < high:
        mid = (low + high) // 2
        if enough(mid):
            high = mid
        else:
            low = mid + 1
    return low


def make_plan(
    item: str,
    data: DiaryData,
    today: dt.date,
    *,
    dose: Any = None,
    unit: str | None = None,
    comparator: str | None = None,
    period_weeks: Any = None,
    washout_days: Any = None,
    pairs: Any = None,
    seed: Any = None,
    start: Any = None,
    baseline_per_week: Any = None,
    dispersion: Any = None,
    interim_looks: bool = False,
    mcid: Any = None,
    rule: DecisionRule | None = None,
    earliest: dt.date = v.MIN_DATE,
) -> Plan:
    """Check the options and plan the experiment (see the module docstring)."""
    from crampwise.knowledge.interventions import find_intervention

    found = find_intervention(item, "item")
    vs = None
    if comparator is not None and v.lookup_name(comparator, "comparator") not in (
        "none",
        "nothing",
    ):
        vs = find_intervention(comparator, "comparator")
        if vs.item == found.item:
            raise InputError(
                "comparator",
                f"{vs.item} cannot be compared with itself",
                code="conflict-with-field",
            )
    amount, dose_unit = parse_dose(dose, unit)
    weeks = (
        DEFAULT_PERIOD_WEEKS
        if period_weeks is None
        else v.int_range(period_weeks, "period_weeks", 1, 52)
    )
    n_pairs = DEFAULT_PAIRS if pairs is None else v.int_range(pairs, "pairs", 1, 12)
    washout_given = washout_days is not None
    washout = max(found.washout_days, vs.washout_days if vs else 0)
    basis = f"{found.item}: {found.basis}"
    if washout_given:
        washout = v.int_range(washout_days, "washout_days", 0, 90)
        basis = "given"
    if washout >= 7 * weeks:
        raise InputError(
            "washout_days" if washout_given else "period_weeks",
            f"a {weeks}-week period ({7 * weeks} nights) is not longer than its washout "
            f"({washout} nights); every period needs nights that are counted",
            code="conflict-with-field",
        )
    the_seed = (
        secrets.randbelow(MAX_SEED + 1) if seed is None else v.int_range(seed, "seed", 0, MAX_SEED)
    )
    relative = {"yesterday": -1, "today": 0, "tomorrow": 1}
    if start is None:
        first = today + dt.timedelta(days=1)
    elif isinstance(start, str) and start.strip().lower() in relative:
        first = today + dt.timedelta(days=relative[start.strip().lower()])
    else:
        first = dt.date.fromisoformat(v.iso_date(start, "start", None, earliest))
        if first > today + dt.timedelta(days=MAX_AHEAD_DAYS):
            raise InputError(
                "start",
                f"{first} is more than a year ahead; plan closer to the start",
                code="out-of-range",
            )
    low: float | None = None
    high: float | None = None
    share = 1.0
    if baseline_per_week is not None:
        per_week = v.number(baseline_per_week, "baseline_per_week", 0.0, 50.0)
        if per_week <= 0:
            raise InputError(
                "baseline_per_week",
                "must be above 0: a trial needs cramps to count",
                code="out-of-range",
            )
        source = "given"
        phi = 1.0
        found_base = baseline_from_diary(data, min(first, today))
        if found_base is not None:
            phi, share = found_base.dispersion, found_base.recorded_share
    else:
        found_base = baseline_from_diary(data, min(first, today))
        if found_base is None:
            raise InputError(
                "baseline_per_week",
                f"fewer than {MIN_BASELINE_NIGHTS} nights are recorded in the 12 weeks before "
                f"{first}; record your nights for a few weeks first, or give your usual "
                "number of cramps a week",
                code="required",
            )
        if found_base.per_week <= 0:
            raise InputError(
                "baseline_per_week",
                f"no cramps were recorded in the 12 weeks before {first} "
                f"({found_base.source}); a trial needs cramps to count - give your usual "
                "number a week to plan anyway",
                code="required",
            )
        per_week, phi, source = found_base.per_week, found_base.dispersion, found_base.source
        low, high, share = found_base.low, found_base.high, found_base.recorded_share
    if dispersion is not None:
        phi = v.number(dispersion, "dispersion", 1.0, 20.0)
    the_rule = rule or DecisionRule()
    if mcid is not None:
        the_rule = DecisionRule(parse_mcid(mcid), the_rule.p_benefit_min, the_rule.p_meaningful_min)
    before = _state_before(data, first, found.item, vs.item if vs else None)
    design = make_design(the_seed, first, n_pairs, 7 * weeks, washout, first_washout=True)
    first_washout = before != design[0].condition
    design = make_design(the_seed, first, n_pairs, 7 * weeks, washout, first_washout=first_washout)
    nights, is_b = _analysed(design)
    chosen = design_power(per_week, nights * share, is_b, phi, the_rule)
    recommended = _recommend(
        the_seed, first, n_pairs, washout, first_washout, per_week, phi, the_rule, share
    )
    at_recommended = None
    if recommended is not None:
        at_recommended = _power_of(
            the_seed,
            first,
            n_pairs,
            recommended,
            washout,
            first_washout,
            per_week,
            phi,
            the_rule,
            DESIGN_TRIALS,
            share,
        )
    years = None
    warnings: list[str] = []
    name = found.item.replace("-", " ")
    if recommended is None:
        per_arm = nights_per_arm_needed(per_week, 0.5, phi)
        counted = max(0.3, 1.0 - washout / (7.0 * weeks)) * share
        years = 2.0 * per_arm / counted / 365.25
        warnings.append(
            f"at {per_week:.2g} cramps a week a clear answer (an 80 % chance of 'benefit' if "
            f"{name} halves your cramps) would take about {years:.0f} years"
            if years >= 1.5
            else f"at {per_week:.2g} cramps a week a clear answer would take about "
            f"{12 * years:.0f} months"
        )
    if chosen.rr_0_5 < TARGET_POWER:
        text = (
            f"with {weeks}-week periods there is a {100 * chosen.rr_0_5:.0f} % chance of a "
            f"clear 'benefit' even if {name} halves your cramps"
        )
        if recommended is not None and at_recommended is not None:
            text += (
                f"; {recommended}-week periods ({2 * n_pairs * recommended} weeks in all) "
                f"would give {100 * at_recommended.rr_0_5:.0f} %"
            )
        warnings.append(text)
    if 7 * weeks - washout < MIN_ANALYSED_NIGHTS:
        warnings.append(
            f"only {7 * weeks - washout} nights of each period are counted after the washout; "
            "at least two weeks are advised"
        )
    if chosen.rr_0_5 < LOW_POWER:
        warnings.append(
            "no useful answer is reachable at this length: the trial would almost surely "
            "end 'inconclusive'"
        )
    return Plan(
        item=found.item,
        comparator=vs.item if vs else None,
        dose=amount,
        unit=dose_unit,
        seed=the_seed,
        start=first.isoformat(),
        pairs=n_pairs,
        period_weeks=weeks,
        washout_days=washout,
        washout_basis=basis,
        design=design,
        baseline_per_week=round(per_week, 3),
        baseline_source=source,
        baseline_low=low,
        baseline_high=high,
        recorded_share=share,
        dispersion=round(phi, 2),
        power=chosen,
        recommended_period_weeks=recommended,
        power_at_recommended=at_recommended,
        years_needed=years,
        rule=the_rule,
        interim_looks=bool(interim_looks),
        warnings=tuple(warnings),
        today=today.isoformat(),
    )


def _state_before(data: DiaryData, start: dt.date, item: str, comparator: str | None) -> str | None:
    """The condition in force the night before the start: A, B, or None (neither)."""
    day = (start - dt.timedelta(days=1)).isoformat()
    on = {e.item for e in data.regimen if e.active_on(day)}
    taking_item = item in on
    taking_other = comparator is not None and comparator in on
    if taking_item and not taking_other:
        return "B"
    if not taking_item and (comparator is None or taking_other):
        return "A"
    return None
