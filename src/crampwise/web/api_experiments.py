"""The experiments part of the JSON API: the same JSON as ``crampwise experiment … --json``.

``plan`` stores nothing (it is a POST only because its options are a body); ``start``
stores the experiment; ``today``, ``status`` and ``result`` read; ``stop`` ends one early.
Doses taken during an experiment are recorded with ``POST /api/adherence`` (as ``took``).
Without an ``id``, status, stop and result act on the current experiment, as the CLI does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from crampwise.tracker import Tracker
from crampwise.web import schemas as s
from crampwise.web.api import ERROR_RESPONSES, MAX_ID, get_tracker

__all__ = ["plan_options", "router"]

router = APIRouter(prefix="/api/experiments", responses=ERROR_RESPONSES, tags=["experiments"])
T = Annotated[Tracker, Depends(get_tracker)]
ExperimentId = Annotated[int | None, Query(ge=1, le=MAX_ID, description="default: the current")]
Number = Annotated[float, Query(ge=0, le=1000)]


def plan_options(body: s.ExperimentPlanIn) -> dict[str, Any]:
    """The planner's options from a request body (the CLI's ``--vs``/``--blocks`` are the
    record's ``comparator``/``pairs``)."""
    return {
        "dose": body.dose,
        "unit": body.unit,
        "comparator": body.comparator,
        "period_weeks": body.period_weeks,
        "washout_days": body.washout_days,
        "pairs": body.pairs,
        "seed": body.seed,
        "start": body.start,
        "baseline_per_week": body.baseline_per_week,
        "dispersion": body.dispersion,
        "interim_looks": body.interim_looks,
    }


@router.get("", summary="Every experiment of the diary (as experiment list)")
def experiments(t: T) -> list[dict[str, Any]]:
    from crampwise.experiments.runner import experiment_state

    today = t.today()
    return [
        {**t.experiments.to_json(e), "state": experiment_state(e, today)}
        for e in t.experiments.list()
    ]


@router.post("/plan", summary="Plan an experiment from your own baseline (stores nothing)")
def plan(t: T, body: s.ExperimentPlanIn) -> dict[str, Any]:
    result: dict[str, Any] = t.experiments.plan(body.item, **plan_options(body)).to_dict()
    return result


@router.get("/power", summary="Chance of each verdict for equal weeks per arm")
def power(
    baseline_per_week: Number,
    rate_ratio: Annotated[float, Query(gt=0, le=10)],
    weeks_per_arm: Annotated[float, Query(gt=0, le=520)],
    dispersion: Annotated[float, Query(ge=0, le=1000)] = 1.0,
) -> dict[str, Any]:
    result: dict[str, Any] = Tracker.experiment_power(
        baseline_per_week, rate_ratio, weeks_per_arm, dispersion
    ).to_dict()
    return result


@router.post("", status_code=201, summary="Plan and start an experiment")
def start(t: T, body: s.ExperimentStartIn) -> dict[str, Any]:
    plan, exp = t.experiments.start(
        body.item,
        stop_regimen=body.stop_regimen,
        accept_low_power=body.anyway,
        **plan_options(body),
    )
    return {"experiment": t.experiments.to_json(exp), "plan": plan.to_dict()}


@router.get("/today", summary="What to do tonight (as experiment today)")
def today(t: T, date: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    result: dict[str, Any] = t.experiments.tonight(date).to_dict()
    return result


@router.get("/status", summary="Progress, counted nights and adherence")
def status(t: T, id: ExperimentId = None) -> dict[str, Any]:
    result: dict[str, Any] = t.experiments.status(id).to_dict()
    return result


@router.post("/stop", summary="Stop an experiment early")
def stop(t: T, body: s.ExperimentStopIn) -> dict[str, Any]:
    exp = t.experiments.stop(body.id, reason=body.reason or "", date=body.date)
    return t.experiments.to_json(exp)


@router.get("/result", summary="The pre-registered verdict (as experiment result)")
def result(t: T, id: ExperimentId = None) -> dict[str, Any]:
    found: dict[str, Any] = t.experiments.result(id).to_dict()
    return found
