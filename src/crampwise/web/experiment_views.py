"""Page contexts of the experiments pages, built from the Tracker (reading only).

The documents are the CLI's ``--json`` (``Plan.to_dict()``, ``Tonight.to_dict()``,
``Status.to_dict()``, ``ExperimentResult.to_dict()``), so the pages show what the CLI
says; the few sentences here only put the power figures into words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crampwise.errors import ConflictError, NotFoundError
from crampwise.tracker import Tracker
from crampwise.web.views import FormState, Page

__all__ = [
    "PLAN_FIELDS",
    "ExperimentPage",
    "ExperimentsPage",
    "PlanPage",
    "experiment_page",
    "experiments_page",
    "plan_page",
    "power_lines",
]

#: The plan form's fields (the planner's own names for them).
PLAN_FIELDS = (
    "item",
    "dose",
    "unit",
    "comparator",
    "period_weeks",
    "pairs",
    "washout_days",
    "seed",
    "start",
    "baseline_per_week",
    "dispersion",
    "interim_looks",
)


@dataclass(frozen=True)
class ExperimentsPage(Page):
    """Tonight's condition, the current experiment's progress, every experiment."""

    tonight: dict[str, Any] | None = None
    status: dict[str, Any] | None = None
    experiments: tuple[dict[str, Any], ...] = ()
    done: str = ""
    form: FormState = field(default_factory=FormState)


@dataclass(frozen=True)
class PlanPage(Page):
    """The plan form; with an item, the plan and its power figures, and a start button."""

    form: FormState = field(default_factory=FormState)
    plan: dict[str, Any] | None = None
    power: tuple[str, ...] = ()
    needs_stop_regimen: bool = False
    needs_anyway: bool = False


@dataclass(frozen=True)
class ExperimentPage(Page):
    """One experiment: progress and adherence, then the verdict when there is one."""

    experiment_id: int = 0
    status: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] | None = None
    result_note: str = ""
    form: FormState = field(default_factory=FormState)
    started: bool = False


def _pct(p: float | None) -> str:
    return "?" if p is None else f"{100 * p:.0f} %"


def power_lines(plan: dict[str, Any]) -> tuple[str, ...]:
    """The plan's power figures in words (from ``Plan.to_dict()``)."""
    item = str(plan["item"]).replace("-", " ")
    power = plan["power"]
    lines = [
        f"If {item} really halves your cramps: {_pct(power['rr_0_5'])} chance that this plan "
        f"ends with a clear 'benefit' ({_pct(power['inconclusive_at_0_5'])} that it stays "
        "inconclusive).",
        f"If it cuts them by a quarter: {_pct(power['rr_0_75'])} chance of a clear 'benefit'.",
        f"If it does nothing: {_pct(power['false_benefit'])} chance of a false 'benefit'.",
    ]
    better = plan.get("power_at_recommended")
    weeks = plan.get("recommended_period_weeks")
    if better and weeks and weeks != plan["period_weeks"]:
        lines.append(
            f"With {weeks}-week periods the chance of a clear 'benefit' (if it halves them) "
            f"would be {_pct(better['rr_0_5'])}."
        )
    lines.append(f"Each figure comes from {power['trials']:,} simulated trials of this plan.")
    return tuple(lines)


def experiments_page(t: Tracker, done: str = "", form: FormState | None = None) -> ExperimentsPage:
    found = t.experiments.list()
    listed = tuple(t.experiments.to_json(e) for e in reversed(found))
    if not found:
        return ExperimentsPage(
            title="Experiments",
            nav="more",
            headline="No experiment yet. A randomized N-of-1 trial tells whether something "
            "really helps you: plan one below (planning stores nothing).",
            done=done,
            form=form or FormState(),
        )
    tonight = t.experiments.tonight().to_dict()
    status = t.experiments.status().to_dict()
    return ExperimentsPage(
        title="Experiments",
        nav="more",
        headline=str(tonight["instruction"])[:1].upper() + str(tonight["instruction"])[1:] + ".",
        tonight=tonight,
        status=status,
        experiments=listed,
        done=done,
        form=form or FormState(),
    )


def plan_page(
    t: Tracker,
    form: FormState,
    *,
    plan: dict[str, Any] | None = None,
    needs_stop_regimen: bool = False,
    needs_anyway: bool = False,
) -> PlanPage:
    headline = ""
    if plan is not None:
        weeks = plan["total_weeks"]
        headline = (
            f"{str(plan['item']).replace('-', ' ').capitalize()}: {len(plan['design'])} "
            f"periods of {plan['period_weeks']} weeks in a random order, {weeks} weeks in all "
            f"({plan['start']} to {plan['end']}). Nothing is stored until you start it."
        )
    return PlanPage(
        title="Plan an experiment",
        nav="more",
        headline=headline,
        form=form,
        plan=plan,
        power=power_lines(plan) if plan is not None else (),
        needs_stop_regimen=needs_stop_regimen,
        needs_anyway=needs_anyway,
    )


def experiment_page(
    t: Tracker, experiment_id: int, form: FormState | None = None, *, started: bool = False
) -> ExperimentPage:
    status = t.experiments.status(experiment_id).to_dict()
    result = None
    note = ""
    try:
        result = t.experiments.result(experiment_id).to_dict()
    except ConflictError as waiting:  # the plan allows no look before the end
        note = str(waiting)
    except NotFoundError:  # pragma: no cover - status found it a moment ago
        note = "This experiment has no result."
    item = str(status["item"]).replace("-", " ")
    done, total = status["progress"]["nights_done"], status["progress"]["nights_total"]
    headline = (
        result["summary"]
        if result is not None
        else f"The {item} experiment is {status['state']}: night {done} of {total}."
    )
    return ExperimentPage(
        title=f"Experiment {experiment_id}: {item}",
        nav="more",
        headline=headline,
        experiment_id=experiment_id,
        status=status,
        result=result,
        result_note=note,
        form=form or FormState(),
        started=started,
    )
