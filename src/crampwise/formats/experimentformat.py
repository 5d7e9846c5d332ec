"""The optional ``experiments`` section of ``crampwise-diary`` v1 (docs/format.md).

Each experiment names its item, its first night and its design (periods with ``start``,
``end`` inclusive, ``condition`` A or B, ``washout_until``); the rest is optional. A
``seed`` must reproduce the design (crampwise's published draw, ``experiments.design``):
a design that does not follow from its seed is refused, so evidence called randomized
always is. A design without a seed is kept as entered and analysed as uncontrolled.
Experiments may not overlap in time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crampwise import validate as v
from crampwise.errors import ImportFormatError
from crampwise.records import Experiment, ExperimentPeriod

__all__ = ["experiments_overlap", "parse_experiment", "parse_experiments"]

_KEYS = (
    "comparator",
    "dose",
    "unit",
    "period_days",
    "washout_days",
    "seed",
    "decision_rule",
    "interim_looks",
    "baseline_per_week",
    "dispersion",
    "status",
    "stopped_on",
    "stop_reason",
    "notes",
)
MAX_PERIODS = 48
MAX_AHEAD_DAYS = 366


def _obj(raw: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    if not isinstance(raw, dict):
        raise ImportFormatError(path, f"must be an object, got {type(raw).__name__}")
    allowed = required + optional
    for key in raw:
        if key not in allowed:
            raise ImportFormatError(f"{path}.{key}", f"unknown key; allowed: {', '.join(allowed)}")
    for key in required:
        if key not in raw:
            raise ImportFormatError(f"{path}.{key}", "is required")


def _date(value: Any, path: str, latest: dt.date) -> str:
    text = v.iso_date(value, path)
    if dt.date.fromisoformat(text) > latest:
        raise ImportFormatError(path, f"{text} is more than a year ahead", code="out-of-range")
    return text


def _period(raw: Any, path: str, latest: dt.date) -> ExperimentPeriod:
    _obj(raw, path, ("start", "end", "condition"), ("washout_until",))
    start = _date(raw["start"], f"{path}.start", latest)
    end = _date(raw["end"], f"{path}.end", latest)
    if end < start:
        raise ImportFormatError(
            f"{path}.end", f"{end} is before the period's start {start}", code="conflict-with-field"
        )
    condition = v.choice(raw["condition"], f"{path}.condition", ("A", "B"))
    washout = raw.get("washout_until")
    if washout is not None:
        washout = _date(washout, f"{path}.washout_until", latest)
        if not start <= washout < end:
            raise ImportFormatError(
                f"{path}.washout_until",
                f"{washout} must be from the period's start {start} to before its end {end} "
                "(a period needs nights that are counted)",
                code="out-of-range",
            )
    return ExperimentPeriod(start, end, condition, washout)


def _number(value: Any, path: str, low: float, high: float) -> float:
    return v.number(value, path, low, high)


def parse_experiment(raw: Any, path: str, today: dt.date) -> Experiment:
    """One experiment, checked (JSON paths in errors start with ``path``)."""
    from crampwise.experiments.design import MAX_SEED, design_matches_seed, draw_order

    latest = today + dt.timedelta(days=MAX_AHEAD_DAYS)
    _obj(raw, path, ("item", "start", "design"), _KEYS)
    item = v.item_name(raw["item"], f"{path}.item")
    comparator = raw.get("comparator")
    if comparator is not None:
        comparator = v.item_name(comparator, f"{path}.comparator")
        if comparator == item:
            raise ImportFormatError(
                f"{path}.comparator",
                f"{item} cannot be compared with itself",
                code="conflict-with-field",
            )
    start = _date(raw["start"], f"{path}.start", latest)
    periods_raw = raw["design"]
    if not isinstance(periods_raw, list) or not periods_raw:
        raise ImportFormatError(f"{path}.design", "must be a non-empty list of periods")
    if len(periods_raw) > MAX_PERIODS:
        raise ImportFormatError(
            f"{path}.design",
            f"has {len(periods_raw)} periods; at most {MAX_PERIODS}",
            code="too-long",
        )
    design = tuple(_period(p, f"{path}.design[{j}]", latest) for j, p in enumerate(periods_raw))
    if design[0].start != start:
        raise ImportFormatError(
            f"{path}.design[0].start",
            f"{design[0].start} is not the experiment's start {start}",
            code="conflict-with-field",
        )
    for j in range(1, len(design)):
        follows = dt.date.fromisoformat(design[j - 1].end) + dt.timedelta(days=1)
        if design[j].start != follows.isoformat():
            raise ImportFormatError(
                f"{path}.design[{j}].start",
                f"{design[j].start} does not follow the previous period (which ends on "
                f"{design[j - 1].end}); periods follow each other night by night",
                code="conflict-with-field",
            )
    if {p.condition for p in design} != {"A", "B"}:
        raise ImportFormatError(
            f"{path}.design", "needs periods of both conditions (A and B)", code="required"
        )
    first_days = (
        dt.date.fromisoformat(design[0].end) - dt.date.fromisoformat(design[0].start)
    ).days + 1
    period_days = v.int_range(raw.get("period_days", first_days), f"{path}.period_days", 1, 366)
    washout_days = v.int_range(raw.get("washout_days", 0), f"{path}.washout_days", 0, 90)
    rule = raw.get("decision_rule") or {}
    _obj(rule, f"{path}.decision_rule", (), ("mcid", "p_benefit_min", "p_meaningful_min"))
    mcid = _number(rule.get("mcid", 0.25), f"{path}.decision_rule.mcid", 0.01, 0.9)
    p_benefit = _number(
        rule.get("p_benefit_min", 0.95), f"{path}.decision_rule.p_benefit_min", 0.5, 0.999
    )
    p_meaningful = _number(
        rule.get("p_meaningful_min", 0.8), f"{path}.decision_rule.p_meaningful_min", 0.5, 0.999
    )
    interim = raw.get("interim_looks", False)
    if not isinstance(interim, bool):
        raise ImportFormatError(f"{path}.interim_looks", f"{interim!r} is not true/false")
    status = v.choice(raw.get("status", "active"), f"{path}.status", ("active", "stopped"))
    stopped_on = raw.get("stopped_on")
    end = design[-1].end
    if status == "stopped":
        if stopped_on is None:
            raise ImportFormatError(
                f"{path}.stopped_on", "is required when the status is stopped", code="required"
            )
        stopped_on = _date(stopped_on, f"{path}.stopped_on", latest)
        after_end = (dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat()
        if not start <= stopped_on <= after_end:
            raise ImportFormatError(
                f"{path}.stopped_on",
                f"{stopped_on} is outside the experiment ({start} to {end})",
                code="out-of-range",
            )
    elif stopped_on is not None:
        raise ImportFormatError(
            f"{path}.stopped_on", "is given but the status is active", code="conflict-with-field"
        )
    seed = raw.get("seed")
    dose = raw.get("dose")
    unit = raw.get("unit")
    if dose is not None:
        from crampwise import vocab

        dose = v.number(dose, f"{path}.dose", 0.0, 100_000.0)
        unit = v.choice(unit, f"{path}.unit", vocab.REGIMEN_UNITS)
    elif unit is not None:
        raise ImportFormatError(f"{path}.dose", "a unit is given without a dose", code="required")
    baseline = raw.get("baseline_per_week")
    dispersion = raw.get("dispersion")
    exp = Experiment(
        item=item,
        start=start,
        design=design,
        seed=None if seed is None else v.int_range(seed, f"{path}.seed", 0, MAX_SEED),
        comparator=comparator,
        dose=dose,
        unit=unit,
        period_days=period_days,
        washout_days=washout_days,
        mcid=mcid,
        p_benefit_min=p_benefit,
        p_meaningful_min=p_meaningful,
        interim_looks=interim,
        baseline_per_week=None
        if baseline is None
        else v.number(baseline, f"{path}.baseline_per_week", 0.0, 50.0),
        dispersion=None
        if dispersion is None
        else v.number(dispersion, f"{path}.dispersion", 1.0, 20.0),
        status=status,
        stopped_on=stopped_on,
        stop_reason=v.text(raw.get("stop_reason"), f"{path}.stop_reason", 500),
        notes=v.text(raw.get("notes"), f"{path}.notes"),
    )
    if exp.seed is not None and not design_matches_seed(exp):
        drawn = draw_order(exp.seed, max(1, len(design) // 2))
        given = "".join(p.condition for p in design)
        raise ImportFormatError(
            f"{path}.seed",
            f"{exp.seed} does not reproduce the stored design (the seed gives {drawn} with "
            f"{period_days}-night periods and {washout_days} washout nights after each switch; "
            f"the design has {given}); correct the seed or the design, or leave the seed out "
            "for an order entered by hand (then it counts as uncontrolled)",
            code="conflict-with-field",
        )
    return exp


def experiments_overlap(a: Experiment, b: Experiment) -> bool:
    """Whether two experiments share a night (from the start to the last night)."""
    return a.start <= b.last_night and b.start <= a.last_night


def parse_experiments(doc: dict[str, Any], today: dt.date) -> list[Experiment]:
    """The document's ``experiments`` section (empty when absent)."""
    raw = doc.get("experiments", [])
    if not isinstance(raw, list):
        raise ImportFormatError("experiments", f"must be a list, got {type(raw).__name__}")
    out: list[Experiment] = []
    for i, item in enumerate(raw):
        exp = parse_experiment(item, f"experiments[{i}]", today)
        for j, other in enumerate(out):
            if experiments_overlap(exp, other):
                raise ImportFormatError(
                    f"experiments[{i}].start",
                    f"{exp.item} from {exp.start} overlaps experiments[{j}] ({other.item}, "
                    f"{other.start} to {other.last_night}); one experiment at a time",
                    code="conflict-with-field",
                )
        out.append(exp)
    return out
