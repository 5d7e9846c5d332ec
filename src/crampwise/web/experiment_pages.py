"""The experiments pages: plan (with the power figures), start, tonight's condition,
"taken", progress, stop and the verdict. Thin: parse, call the Tracker, render.

Planning is a GET form: it stores nothing, so it needs no CSRF token and can be
bookmarked. The plan page's start button posts the plan's exact options, its drawn seed
and start date included, so what starts is what was shown.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampwise.errors import ConflictError, CrampwiseError, InputError
from crampwise.tracker import Tracker
from crampwise.web.api import RecordId, get_tracker
from crampwise.web.experiment_views import (
    PLAN_FIELDS,
    experiment_page,
    experiments_page,
    plan_page,
)
from crampwise.web.forms import Form, failed, read_form
from crampwise.web.render import render
from crampwise.web.views import FormState

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
T = Annotated[Tracker, Depends(get_tracker)]
F = Annotated[Form, Depends(read_form)]
Short = Annotated[str | None, Query(max_length=200)]


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _options(values: dict[str, str | None]) -> dict[str, object]:
    """The planner's options from form values ('' is not given)."""
    out: dict[str, object] = {
        k: (values.get(k) or None) for k in PLAN_FIELDS if k not in ("item", "interim_looks")
    }
    out["interim_looks"] = values.get("interim_looks") in ("1", "on", "yes", "true")
    return out


@router.get("/experiments", response_class=HTMLResponse)
def experiments(request: Request, t: T, done: Short = None) -> Response:
    return render(request, "experiments.html", experiments_page(t, done or ""))


@router.get("/experiments/plan", response_class=HTMLResponse)
def plan(
    request: Request,
    t: T,
    item: Short = None,
    dose: Short = None,
    unit: Short = None,
    comparator: Short = None,
    period_weeks: Short = None,
    pairs: Short = None,
    washout_days: Short = None,
    seed: Short = None,
    start: Short = None,
    baseline_per_week: Short = None,
    dispersion: Short = None,
    interim_looks: Short = None,
) -> Response:
    values = {
        "item": item,
        "dose": dose,
        "unit": unit,
        "comparator": comparator,
        "period_weeks": period_weeks,
        "pairs": pairs,
        "washout_days": washout_days,
        "seed": seed,
        "start": start,
        "baseline_per_week": baseline_per_week,
        "dispersion": dispersion,
        "interim_looks": interim_looks,
    }
    form = FormState(values={k: (v or "").strip() for k, v in values.items()})
    if not (item or "").strip():
        return render(request, "experiment_plan.html", plan_page(t, form))
    try:
        made = t.experiments.plan(item or "", **_options(form.values)).to_dict()
    except InputError as error:
        state = failed(Form(list(form.values.items())), error, PLAN_FIELDS)
        return render(request, "experiment_plan.html", plan_page(t, state), 422)
    return render(request, "experiment_plan.html", plan_page(t, form, plan=made))


@router.post("/experiments/start")
def start(request: Request, t: T, form: F) -> Response:
    values = {k: form.get(k) for k in PLAN_FIELDS}
    try:
        _, exp = t.experiments.start(
            form.get("item") or "",
            stop_regimen=form.flag("stop_regimen"),
            accept_low_power=form.flag("anyway"),
            **_options(values),
        )
    except CrampwiseError as error:
        action = getattr(error, "action", None)
        state = failed(form, error, PLAN_FIELDS)
        state.action = None  # the page offers the choice itself (a checkbox), not a link
        plan = None
        try:  # the plan again, so the figures stay in view beside the question
            plan = t.experiments.plan(form.get("item") or "", **_options(values)).to_dict()
        except CrampwiseError:
            plan = None
        page = plan_page(
            t,
            state,
            plan=plan,
            needs_stop_regimen=action == "stop-regimen-for-experiment",
            needs_anyway=action == "accept-low-power",
        )
        return render(
            request, "experiment_plan.html", page, 409 if isinstance(error, ConflictError) else 422
        )
    return _see(f"/experiments/{exp.id}?started=1")


@router.post("/experiments/took")
def took(request: Request, t: T, form: F) -> Response:
    """Tonight's dose of the experiment taken (or not): recorded like ``crampwise took``."""
    try:
        t.regimen.took(
            form.get("item") or "", date=form.get("date"), taken=form.get("taken") != "no"
        )
    except InputError as error:
        state = failed(form, error, ())  # the buttons have no field: above them
        return render(request, "experiments.html", experiments_page(t, form=state), 422)
    return _see("/experiments?done=" + ("taken" if form.get("taken") != "no" else "skipped"))


@router.get("/experiments/{experiment_id}", response_class=HTMLResponse)
def experiment(request: Request, t: T, experiment_id: RecordId, started: Short = None) -> Response:
    page = experiment_page(t, experiment_id, started=bool(started))
    return render(request, "experiment.html", page)


@router.post("/experiments/{experiment_id}/stop")
def stop(request: Request, t: T, experiment_id: RecordId, form: F) -> Response:
    try:
        t.experiments.stop(
            experiment_id, reason=form.text("stop_reason"), date=form.get("stopped_on")
        )
    except CrampwiseError as error:
        state = failed(form, error, ("stop_reason", "stopped_on"))
        status = 422 if isinstance(error, InputError) else 409
        return render(request, "experiment.html", experiment_page(t, experiment_id, state), status)
    return _see(f"/experiments/{experiment_id}")
