"""The JSON API under ``/api/``: the same JSON shapes as the CLI's ``--json``.

Every handler is thin - parse, call the Tracker, shape with ``formats.jsonrecords`` - and
synchronous: FastAPI runs it in a worker thread, where the Tracker's units of work live
(one per thread). Errors become JSON in one place (``app.py``: 422 with the field's
path, 409 for conflicts and questions, 404, 503).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from crampwise.diary import LoggedEpisode
from crampwise.formats.jsonrecords import (
    adherence_json,
    episode_json,
    factor_json,
    lab_json,
    medication_json,
    profile_json,
    red_flag_json,
    regimen_json,
    trigger_point_json,
)
from crampwise.tracker import Tracker
from crampwise.web import schemas as s
from crampwise.web.inputs import date_range, instant_to_at, reliefs_from, split_names
from crampwise.web.writer import Writer

W = TypeVar("W")

__all__ = [
    "ERROR_RESPONSES",
    "MAX_ID",
    "RecordId",
    "episode_out",
    "get_tracker",
    "logged",
    "router",
    "run_write",
]

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "this device is not paired with the diary"},
    404: {"description": "no such record"},
    409: {"description": "conflicts with what is stored, or needs confirm"},
    413: {"description": "request body too large"},
    422: {"description": "a value is not allowed (detail: loc, msg, type)"},
    503: {"description": "the database cannot be used right now; nothing was saved"},
}

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)


async def get_tracker(request: Request) -> Tracker:
    """The app's Tracker (opened at start-up; shared by the worker threads).

    ``async`` because it does no I/O: FastAPI runs a plain ``def`` dependency in a worker
    thread, one more thread hand-off on every request."""
    tracker: Tracker = request.app.state.tracker
    return tracker


T = Annotated[Tracker, Depends(get_tracker)]
#: Record ids are database integers: anything larger cannot name a record.
MAX_ID = 2**31 - 1
RecordId = Annotated[int, Path(ge=1, le=MAX_ID)]
From = Annotated[str | None, Query(alias="from", max_length=40, description="first night")]
To = Annotated[str | None, Query(alias="to", max_length=40, description="last night")]


def episode_out(t: Tracker, e: Any) -> dict[str, Any]:
    """An episode as ``crampwise episodes --json`` shows it."""
    return episode_json(e, t.timezone, compact=False)


_episode = episode_out


async def run_write(request: Request, write: Callable[[], W]) -> W:
    """``write()`` on the app's writer thread (SQLite: answered once committed, see
    ``web/writer.py``), else in a worker thread (PostgreSQL)."""
    writer: Writer | None = request.app.state.writer
    if writer is None:
        return await run_in_threadpool(write)
    result: W = await writer.run(write)
    return result


def _log(t: Tracker, body: s.EpisodeIn) -> LoggedEpisode:
    at, night = body.at, body.night
    if body.occurred_at is not None:
        night, at = instant_to_at(t, body.occurred_at, body.approximate)
    return t.diary.log_episode(
        at=at,
        night=night,
        side=body.side,
        muscles=split_names(body.muscles),
        severity=body.severity,
        duration_min=body.duration_min,
        waves=body.waves,
        woke=body.woke,
        reliefs=reliefs_from(body.reliefs),
        notes=body.notes or "",
        client_id=body.client_id,
        find_near=False,  # not shown by the API; a retry is caught by its client id
    )


# -- diary ---------------------------------------------------------------------------------
@router.get("/nights", summary="Nights of the diary's span, missing ones included")
def nights(t: T, start: From = None, end: To = None) -> list[dict[str, Any]]:
    return [n.to_dict() for n in t.diary.nights(*date_range(t, start, end))]


@router.post("/nights", summary="Check in a night (cramp-free or a count)")
def check_in(t: T, body: s.NightIn) -> dict[str, Any]:
    night = t.diary.record_night(
        body.date,
        cramps=body.cramps,
        none=body.none,
        sleep_quality=body.sleep_quality,
        notes=body.notes,
        confirm=body.confirm,
    )
    return {
        "date": night.date,
        "observed": True,
        "cramps": night.cramps,
        "sleep_quality": night.sleep_quality,
        "notes": night.notes,
    }


@router.get("/episodes", summary="Cramps with their details")
def episodes(t: T, start: From = None, end: To = None) -> list[dict[str, Any]]:
    return [_episode(t, e) for e in t.diary.episodes(*date_range(t, start, end))]


@router.get("/episodes/{episode_id}", summary="One cramp")
def episode(t: T, episode_id: RecordId) -> dict[str, Any]:
    return _episode(t, t.diary.episode(episode_id))


@router.post(
    "/episodes",
    status_code=201,
    response_model=dict[str, Any],
    summary="Log a cramp (stored once per client_id)",
)
async def log_episode(request: Request, t: T, body: s.EpisodeIn) -> Response:
    return await logged(request, t, body)


async def logged(request: Request, t: Tracker, body: s.EpisodeIn) -> Response:
    """Log ``body`` and answer it: the route above and ``web/fastlane.py`` share this."""
    logged = await run_write(request, lambda: _log(t, body))
    # The JSON answer built here: the hot path of the API (one call per cramp, from every
    # phone's offline queue) skips FastAPI's second pass over an already plain dict.
    return JSONResponse(
        {
            **_episode(t, logged.episode),
            "night_total": logged.night_total,
            "duplicate": logged.duplicate,
        },
        status_code=200 if logged.duplicate else 201,
    )


@router.patch("/episodes/{episode_id}", summary="Change a cramp's details")
def edit_episode(t: T, episode_id: RecordId, body: s.EpisodeEdit) -> dict[str, Any]:
    given = body.model_dump(exclude_unset=True, exclude={"confirm", "emptied_night"})
    if "reliefs" in given:
        given["reliefs"] = reliefs_from(body.reliefs)
    if "muscles" in given:
        given["muscles"] = split_names(body.muscles)
    if "notes" in given and given["notes"] is None:
        given["notes"] = ""
    updated = t.diary.edit_episode(
        episode_id, confirm=body.confirm, emptied_night=body.emptied_night, **given
    )
    return _episode(t, updated)


@router.delete("/episodes/{episode_id}", summary="Delete a cramp (needs confirm)")
def delete_episode(
    t: T,
    episode_id: RecordId,
    confirm: bool = False,
    emptied_night: Annotated[str | None, Query(max_length=20)] = None,
) -> dict[str, Any]:
    gone = t.diary.delete_episode(episode_id, confirm=confirm, emptied_night=emptied_night)
    return _episode(t, gone)


@router.get("/summary", summary="The diary at a glance")
def summary(t: T) -> dict[str, Any]:
    return t.summary().to_dict()


# -- insight -------------------------------------------------------------------------------
@router.get("/analysis", summary="Rates per period, effects, warnings (as crampwise analyze)")
def analysis(t: T) -> dict[str, Any]:
    from crampwise.plainreport import analysis_json
    from crampwise.web.memo import analysis_of

    return analysis_json(analysis_of(t))


@router.get("/safety", summary="Safety findings (as crampwise safety)")
def safety(t: T, date: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    import datetime as dt

    day = dt.date.fromisoformat(t.day(date)) if date else None
    return t.safety(day).to_dict()


@router.get("/nutrition", summary="Daily K/Mg/Ca/Na vs RDA and upper limit")
def nutrition(t: T, date: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    import datetime as dt

    day = dt.date.fromisoformat(t.day(date)) if date else None
    result: dict[str, Any] = t.nutrition(day).to_dict()
    return result


@router.get("/food", summary="A food's potassium, magnesium, calcium and sodium")
def food(q: Annotated[str, Query(min_length=1, max_length=200)]) -> dict[str, Any]:
    from crampwise.knowledge.foodreport import food_to_dict
    from crampwise.knowledge.foods import lookup_food

    result: dict[str, Any] = food_to_dict(lookup_food(q))
    return result


@router.get("/claim", summary="Check a nutrient claim against the food tables")
def claim(text: Annotated[str, Query(min_length=1, max_length=500)]) -> dict[str, Any]:
    from crampwise.knowledge.claims import check_claim

    result: dict[str, Any] = check_claim(text).to_dict()
    return result


# -- regimen and medicines -----------------------------------------------------------------
@router.get("/regimen", summary="Regimen entries (ongoing, or all with all=true)")
def regimen(t: T, all: bool = False) -> list[dict[str, Any]]:
    entries = t.regimen.entries()
    return [regimen_json(e, compact=False) for e in entries if all or e.end is None]


@router.post("/regimen", status_code=201, summary="Start an item")
def regimen_start(t: T, body: s.RegimenIn) -> dict[str, Any]:
    entry = t.regimen.start(
        body.item,
        kind=body.kind,
        form=body.form,
        dose=body.dose,
        unit=body.unit,
        times=split_names(body.times),
        every=body.every,
        date=body.date,
        notes=body.notes,
    )
    return regimen_json(entry, compact=False)


@router.post("/regimen/{item}/stop", summary="Stop an item")
def regimen_stop(
    t: T, item: Annotated[str, Path(max_length=200)], body: s.StopIn
) -> dict[str, Any]:
    return regimen_json(t.regimen.stop(item, date=body.date), compact=False)


@router.post("/regimen/{item}/switch", summary="Change form, dose, times or schedule from a date")
def regimen_switch(
    t: T, item: Annotated[str, Path(max_length=200)], body: s.RegimenSwitchIn
) -> dict[str, Any]:
    old, new = t.regimen.switch(
        item,
        form=body.form,
        dose=body.dose,
        unit=body.unit,
        times=None if body.times is None else split_names(body.times),
        every=body.every,
        date=body.date,
        notes=body.notes,
    )
    return {
        "stopped": regimen_json(old, compact=False),
        "started": regimen_json(new, compact=False),
    }


@router.post("/adherence", status_code=201, summary="Record that an item was taken or missed")
def took(t: T, body: s.AdherenceIn) -> dict[str, Any]:
    record = t.regimen.took(body.item, date=body.date, time=body.time, taken=body.taken)
    return adherence_json(record, compact=False)


@router.get("/medications", summary="Prescription medicines")
def medications(t: T) -> list[dict[str, Any]]:
    return [medication_json(m, compact=False) for m in t.regimen.medications()]


@router.post("/medications", status_code=201, summary="Add a medicine")
def medication_add(t: T, body: s.MedicationIn) -> dict[str, Any]:
    med = t.regimen.add_medication(
        body.name,
        dose=body.dose,
        unit=body.unit,
        times=split_names(body.times),
        every=body.every,
        start=body.start,
        notes=body.notes,
    )
    return medication_json(med, compact=False)


@router.post("/medications/{name}/stop", summary="Stop a medicine")
def medication_stop(
    t: T, name: Annotated[str, Path(max_length=200)], body: s.StopIn
) -> dict[str, Any]:
    return medication_json(t.regimen.stop_medication(name, date=body.date), compact=False)


# -- context -------------------------------------------------------------------------------
@router.get("/profile", summary="The profile")
def profile(t: T) -> dict[str, Any]:
    return profile_json(t.context.profile(), compact=False)


@router.get("/labs", summary="Lab results")
def labs(t: T) -> list[dict[str, Any]]:
    return [lab_json(x, compact=False) for x in t.context.labs()]


@router.post("/labs", status_code=201, summary="Record a lab result")
def lab_add(t: T, body: s.LabIn) -> dict[str, Any]:
    lab = t.context.add_lab(
        body.test,
        body.value,
        body.unit,
        date=body.date,
        range_low=body.range_low,
        range_high=body.range_high,
        confirm=body.confirm,
    )
    return lab_json(lab, compact=False)


@router.get("/factors", summary="Daily context factors")
def factors(t: T, start: From = None, end: To = None) -> list[dict[str, Any]]:
    return [factor_json(f, compact=False) for f in t.context.factors(*date_range(t, start, end))]


@router.post("/factors", status_code=201, summary="Record a factor for a day")
def factor_add(t: T, body: s.FactorIn) -> dict[str, Any]:
    factor = t.context.add_factor(
        body.name, body.value, body.unit, date=body.date, confirm=body.confirm
    )
    return factor_json(factor, compact=False)


@router.get("/trigger-points", summary="Trigger points with tenderness over time")
def trigger_points(t: T) -> list[dict[str, Any]]:
    return [trigger_point_json(tp, compact=False) for tp in t.context.trigger_points()]


@router.post("/trigger-points", status_code=201, summary="Record a trigger point")
def trigger_point_add(t: T, body: s.TriggerPointIn) -> dict[str, Any]:
    tp = t.context.add_trigger_point(
        body.muscle,
        side=body.side,
        spot=body.spot,
        tenderness=body.tenderness,
        date=body.date,
        notes=body.notes,
    )
    return trigger_point_json(tp, compact=False)


@router.post("/trigger-points/{tp_id}/ratings", summary="Rate a trigger point's tenderness")
def trigger_point_rate(t: T, tp_id: RecordId, body: s.TriggerPointRatingIn) -> dict[str, Any]:
    tp = t.context.rate_trigger_point(tp_id, body.tenderness, date=body.date, confirm=body.confirm)
    return trigger_point_json(tp, compact=False)


@router.post("/trigger-points/{tp_id}/release", summary="Mark a trigger point released")
def trigger_point_release(t: T, tp_id: RecordId, body: s.StopIn) -> dict[str, Any]:
    return trigger_point_json(t.context.release_trigger_point(tp_id, date=body.date), compact=False)


@router.get("/red-flags", summary="Red-flag questions with the latest answers")
def red_flags(t: T) -> list[dict[str, Any]]:
    from crampwise.knowledge import red_flags as questions

    latest = {a.flag: a for a in t.context.red_flags()}
    return [
        {
            "flag": q.id,
            "question": q.question,
            "urgency": q.urgency,
            "answer": None if q.id not in latest else latest[q.id].present,
            "answered_on": latest[q.id].date if q.id in latest else None,
        }
        for q in questions().values()
    ]


@router.post("/red-flags/{flag}", status_code=201, summary="Answer a red-flag question")
def red_flag_answer(
    t: T, flag: Annotated[str, Path(max_length=200)], body: s.RedFlagIn
) -> dict[str, Any]:
    return red_flag_json(t.context.answer_red_flag(flag, body.present, date=body.date))
