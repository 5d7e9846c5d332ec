"""More of the JSON API: the profile, a cramp's after-effects, deleting records, and the
paired devices (these only from the computer that runs crampwise).

The same shapes as the CLI's ``--json``; thin like ``api.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from crampwise.formats.jsonrecords import profile_json
from crampwise.records import Device
from crampwise.tracker import Tracker
from crampwise.web import schemas as s
from crampwise.web.api import ERROR_RESPONSES, RecordId, episode_out, get_tracker
from crampwise.web.settings import is_loopback

__all__ = ["LOCAL_ONLY", "device_json", "is_local", "router"]

router = APIRouter(prefix="/api", responses=ERROR_RESPONSES)
T = Annotated[Tracker, Depends(get_tracker)]

LOCAL_ONLY = (
    "Paired devices can be listed and revoked only on the computer that runs crampwise "
    "(open the app there, at http://127.0.0.1)."
)


def is_local(request: Request) -> bool:
    """Whether the request comes from this computer (not from a phone on the network)."""
    return request.client is not None and is_loopback(request.client.host)


async def _local(request: Request) -> None:  # no I/O: no thread hop
    if not is_local(request):
        raise HTTPException(403, LOCAL_ONLY)


Local = Depends(_local)


def device_json(d: Device) -> dict[str, Any]:
    """A device as ``crampwise devices list --json`` prints it."""
    return {
        "id": d.id,
        "name": d.name,
        "paired_at": d.paired_at,
        "last_seen": d.last_seen,
        "revoked_at": d.revoked_at,
        "active": d.active,
    }


# -- profile -------------------------------------------------------------------------------
@router.patch("/profile", summary="Change profile fields (those left out keep their value)")
def profile_set(t: T, body: s.ProfileIn) -> dict[str, Any]:
    changes = body.model_dump(exclude_none=True)
    return profile_json(t.context.set_profile(**changes), compact=False)


# -- after-effects -------------------------------------------------------------------------
@router.post(
    "/episodes/{episode_id}/after-effects",
    status_code=201,
    summary="Rate soreness or a knot on a day after a cramp",
)
def after_effect(t: T, episode_id: RecordId, body: s.AfterEffectIn) -> dict[str, Any]:
    return episode_out(t, t.diary.add_after_effect(episode_id, body.kind, body.rating, body.date))


# -- deleting ------------------------------------------------------------------------------
#: The path's kind → the Tracker's word for it (as ``crampwise delete KIND ID``).
DELETABLE = {
    "medications": "med",
    "labs": "lab",
    "factors": "factor",
    "trigger-points": "trigger-point",
    "regimen-entries": "regimen",
}
Kind = Literal["medications", "labs", "factors", "trigger-points", "regimen-entries"]


@router.delete("/records/{kind}/{record_id}", summary="Delete a record (needs confirm)")
def delete_record(
    t: T,
    kind: Annotated[Kind, Path()],
    record_id: RecordId,
    confirm: Annotated[bool, Query()] = False,
) -> dict[str, Any]:
    word = DELETABLE[kind]
    if word == "regimen":
        t.regimen.delete_entry(record_id, confirm=confirm)
    else:
        t.context.delete(word, record_id, confirm=confirm)
    return {"deleted": word, "id": record_id}


# -- devices (this computer only) ----------------------------------------------------------
@router.get("/devices", summary="Paired devices (only from this computer)", dependencies=[Local])
def devices(t: T) -> list[dict[str, Any]]:
    return [device_json(d) for d in t.devices.list()]


@router.post(
    "/devices/{device_id}/revoke",
    summary="Shut a paired device out (only from this computer)",
    dependencies=[Local],
)
def revoke(t: T, device_id: RecordId) -> dict[str, Any]:
    device = t.devices.revoke(device_id)
    return {"id": device.id, "name": device.name, "revoked_at": device.revoked_at}


@router.post(
    "/devices/pairing-code",
    status_code=201,
    summary="A new one-time pairing code (only from this computer)",
    dependencies=[Local],
)
def pairing_code(t: T) -> dict[str, Any]:
    return {"code": t.devices.new_pairing_code(), "expires_in_minutes": 15}
