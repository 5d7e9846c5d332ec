"""Pages for the profile, paired devices, nutrition, a cramp's after-effects, and deleting
a cramp or a record (always after a confirmation page). Thin: parse, call the Tracker,
render; a bad value comes back next to its field.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampwise.errors import CrampwiseError, InputError
from crampwise.tracker import Tracker
from crampwise.web.api import RecordId, get_tracker
from crampwise.web.api_records import LOCAL_ONLY, is_local
from crampwise.web.forms import Form, failed, read_form
from crampwise.web.record_views import (
    PROFILE_FIELDS,
    RECORD_KINDS,
    after_effects_page,
    delete_episode_page,
    delete_record_page,
    devices_page,
    nutrition_page,
    profile_page,
)
from crampwise.web.render import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
T = Annotated[Tracker, Depends(get_tracker)]
F = Annotated[Form, Depends(read_form)]
Short = Annotated[str | None, Query(max_length=200)]


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _flag(form: Form, name: str) -> bool | None:
    return {"yes": True, "no": False}.get(form.get(name) or "")


# -- profile -------------------------------------------------------------------------------
@router.get("/profile", response_class=HTMLResponse)
def profile(request: Request, t: T, saved: Short = None) -> Response:
    return render(request, "profile.html", profile_page(t, saved=bool(saved)))


@router.post("/profile")
def profile_submit(request: Request, t: T, form: F) -> Response:
    # A field left empty keeps what is stored (the profile never forgets by accident).
    try:
        t.context.set_profile(
            birth_year=form.get("birth_year"),
            sex=form.get("sex"),
            kidney_disease=_flag(form, "kidney_disease"),
            timezone=form.get("timezone"),
            bedtime=form.get("bedtime"),
            pregnant=_flag(form, "pregnant"),
            breastfeeding=_flag(form, "breastfeeding"),
        )
    except InputError as error:
        page = profile_page(t, failed(form, error, PROFILE_FIELDS))
        return render(request, "profile.html", page, 422)
    return _see("/profile?saved=1")


# -- devices (this computer only) ----------------------------------------------------------
def _local_only(request: Request) -> None:
    if not is_local(request):
        raise HTTPException(403, LOCAL_ONLY)


@router.get("/devices", response_class=HTMLResponse)
def devices(request: Request, t: T) -> Response:
    local = is_local(request)
    return render(request, "devices.html", devices_page(t, local=local), 200 if local else 403)


@router.post("/devices/pair")
def devices_pair(request: Request, t: T, form: F) -> Response:
    _local_only(request)
    code = t.devices.new_pairing_code()
    return render(request, "devices.html", devices_page(t, local=True, code=code))


@router.post("/devices/{device_id}/revoke")
def devices_revoke(request: Request, t: T, device_id: RecordId, form: F) -> Response:
    _local_only(request)
    t.devices.revoke(device_id)
    return _see("/devices")


# -- nutrition -----------------------------------------------------------------------------
@router.get("/nutrition", response_class=HTMLResponse)
def nutrition(request: Request, t: T, date: Short = None) -> Response:
    day = dt.date.fromisoformat(t.day(date)) if date else None
    return render(request, "nutrition.html", nutrition_page(t, day))


# -- a cramp's after-effects ---------------------------------------------------------------
@router.get("/episodes/{episode_id}/after-effects", response_class=HTMLResponse)
def after_effects(request: Request, t: T, episode_id: RecordId) -> Response:
    return render(request, "after_effects.html", after_effects_page(t, episode_id))


@router.post("/episodes/{episode_id}/after-effects")
def after_effects_submit(request: Request, t: T, episode_id: RecordId, form: F) -> Response:
    try:
        t.diary.add_after_effect(
            episode_id, form.get("kind") or "", form.get("rating") or "", form.get("date")
        )
    except InputError as error:
        state = failed(form, error, ("kind", "rating", "date"))
        return render(request, "after_effects.html", after_effects_page(t, episode_id, state), 422)
    return _see(f"/episodes/{episode_id}/after-effects")


# -- deleting ------------------------------------------------------------------------------
@router.get("/episodes/{episode_id}/delete", response_class=HTMLResponse)
def delete_episode(request: Request, t: T, episode_id: RecordId) -> Response:
    return render(request, "delete.html", delete_episode_page(t, episode_id))


@router.post("/episodes/{episode_id}/delete")
def delete_episode_submit(request: Request, t: T, episode_id: RecordId, form: F) -> Response:
    # This page is the question: sending it is the confirmation.
    try:
        t.diary.delete_episode(episode_id, confirm=True, emptied_night=form.get("emptied_night"))
    except InputError as error:
        state = failed(form, error, ("emptied_night",))
        return render(request, "delete.html", delete_episode_page(t, episode_id, state), 422)
    return _see("/?done=deleted")


async def _kind(kind: str) -> str:  # no I/O: no thread hop
    if kind not in RECORD_KINDS:
        raise HTTPException(404, "There is no such kind of record.")
    return kind


@router.get("/delete/{kind}/{record_id}", response_class=HTMLResponse)
def delete_record(
    request: Request, t: T, kind: Annotated[str, Depends(_kind)], record_id: RecordId
) -> Response:
    page = delete_record_page(t, kind, record_id)
    if page is None:
        raise HTTPException(404, "That record does not exist.")
    return render(request, "delete.html", page)


@router.post("/delete/{kind}/{record_id}")
def delete_record_submit(
    request: Request, t: T, kind: Annotated[str, Depends(_kind)], record_id: RecordId, form: F
) -> Response:
    word, _, back = RECORD_KINDS[kind]
    try:
        if word == "regimen":
            t.regimen.delete_entry(record_id, confirm=True)
        else:
            t.context.delete(word, record_id, confirm=True)
    except CrampwiseError as error:
        page = delete_record_page(t, kind, record_id, failed(form, error, ()))
        if page is None:
            raise
        return render(request, "delete.html", page, 409)
    return _see(back)
