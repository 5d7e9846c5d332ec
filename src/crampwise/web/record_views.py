"""Page contexts of the profile, devices, nutrition, after-effects and delete pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from crampwise import vocab
from crampwise.formats.jsonrecords import (
    factor_json,
    lab_json,
    medication_json,
    profile_json,
    regimen_json,
    trigger_point_json,
)
from crampwise.tracker import Tracker
from crampwise.web.views import FormState, Page, episode_view

__all__ = [
    "PROFILE_FIELDS",
    "RECORD_KINDS",
    "AfterEffectsPage",
    "DeletePage",
    "DevicesPage",
    "NutritionPage",
    "ProfilePage",
    "after_effects_page",
    "delete_episode_page",
    "delete_record_page",
    "devices_page",
    "nutrition_page",
    "profile_page",
]

PROFILE_FIELDS = (
    "birth_year",
    "sex",
    "kidney_disease",
    "timezone",
    "bedtime",
    "pregnant",
    "breastfeeding",
)

#: Deletable records: the path's kind → (the Tracker's word, what a person calls it,
#: the page to go back to).
RECORD_KINDS: dict[str, tuple[str, str, str]] = {
    "medications": ("med", "medicine", "/medications"),
    "labs": ("lab", "lab result", "/labs"),
    "factors": ("factor", "factor", "/factors"),
    "trigger-points": ("trigger-point", "trigger point", "/trigger-points"),
    "regimen-entries": ("regimen", "regimen entry", "/regimen"),
}


@dataclass(frozen=True)
class ProfilePage(Page):
    form: FormState = field(default_factory=FormState)
    timezone_in_use: str = ""
    timezone_warning: str = ""
    sexes: tuple[str, ...] = vocab.SEXES
    saved: bool = False


@dataclass(frozen=True)
class DevicesPage(Page):
    devices: tuple[dict[str, Any], ...] = ()
    local: bool = True
    code: str = ""


@dataclass(frozen=True)
class NutritionPage(Page):
    report: dict[str, Any] = field(default_factory=dict)
    day: str = ""


@dataclass(frozen=True)
class AfterEffectsPage(Page):
    episode: dict[str, Any] = field(default_factory=dict)
    form: FormState = field(default_factory=FormState)
    kinds: tuple[str, ...] = vocab.AFTER_EFFECT_KINDS


@dataclass(frozen=True)
class DeletePage(Page):
    """Are you sure? (and, for a night's only cramp, what the night becomes)."""

    what: str = ""
    action: str = ""
    back: str = ""
    ask_night: str = ""  # the night whose only cramp this is
    form: FormState = field(default_factory=FormState)


def _yes_no(flag: bool | None) -> str:
    return {True: "yes", False: "no"}.get(flag, "") if flag is not None else ""


def profile_page(t: Tracker, form: FormState | None = None, *, saved: bool = False) -> ProfilePage:
    if form is None:
        stored = profile_json(t.context.profile(), compact=False)
        values = {
            k: _yes_no(v) if isinstance(v, bool) else ("" if v is None else str(v))
            for k, v in stored.items()
        }
        form = FormState(values=values)
    return ProfilePage(
        title="Profile",
        nav="more",
        headline="Age, sex, kidney disease and pregnancy change the safe limits; the time "
        "zone places each cramp in its night.",
        form=form,
        timezone_in_use=t.timezone,
        timezone_warning=t.timezone_warning or "",
        saved=saved,
    )


def devices_page(t: Tracker, *, local: bool, code: str = "") -> DevicesPage:
    devices = tuple(
        {
            "id": d.id,
            "name": d.name,
            "paired_at": d.paired_at,
            "last_seen": d.last_seen,
            "revoked_at": d.revoked_at,
            "active": d.active,
        }
        for d in (t.devices.list() if local else [])
    )
    active = sum(1 for d in devices if d["active"])
    headline = (
        f"{active} paired device{'s' if active != 1 else ''} can open this diary from the network."
        if local
        else "Paired devices are managed on the computer that runs crampwise."
    )
    return DevicesPage(
        title="Paired devices",
        nav="more",
        headline=headline,
        devices=devices,
        local=local,
        code=code,
    )


def nutrition_page(t: Tracker, day: dt.date | None = None) -> NutritionPage:
    report = t.nutrition(day).to_dict()
    over = [n["name"] for n in report["nutrients"].values() if n["over_upper_limit"]]
    headline = (
        f"Over the upper limit on {report['date']}: {', '.join(over)}."
        if over
        else f"Potassium, magnesium, calcium and sodium from your regimen on {report['date']}."
    )
    return NutritionPage(
        title="Nutrition", nav="more", headline=headline, report=report, day=report["date"]
    )


def after_effects_page(
    t: Tracker, episode_id: int, form: FormState | None = None
) -> AfterEffectsPage:
    episode = episode_view(t, t.diary.episode(episode_id))
    return AfterEffectsPage(
        title="After the cramp",
        nav="diary",
        headline=f"Cramp #{episode_id}, night of {episode['night']}: {episode['line']}. Rate "
        "soreness or a knot on the days after (0 = none, 10 = worst).",
        episode=episode,
        form=form or FormState(values={"date": t.today().isoformat(), "kind": "soreness"}),
    )


def delete_episode_page(t: Tracker, episode_id: int, form: FormState | None = None) -> DeletePage:
    episode = episode_view(t, t.diary.episode(episode_id))
    night = t.diary.night(episode["night"])
    only = night is not None and night.cramps == 1
    return DeletePage(
        title="Delete a cramp",
        nav="diary",
        what=f"cramp #{episode_id} (night of {episode['night']}: {episode['line']})",
        action=f"/episodes/{episode_id}/delete",
        back=f"/episodes/{episode_id}/edit",
        ask_night=episode["night"] if only else "",
        form=form or FormState(),
    )


def _record(t: Tracker, kind: str, record_id: int) -> dict[str, Any] | None:
    if kind == "medications":
        found: list[dict[str, Any]] = [
            medication_json(m, compact=False) for m in t.regimen.medications()
        ]
    elif kind == "labs":
        found = [lab_json(x, compact=False) for x in t.context.labs()]
    elif kind == "factors":
        found = [factor_json(f, compact=False) for f in t.context.factors()]
    elif kind == "trigger-points":
        found = [trigger_point_json(tp, compact=False) for tp in t.context.trigger_points()]
    else:
        found = [regimen_json(e, compact=False) for e in t.regimen.entries()]
    return next((r for r in found if r.get("id") == record_id), None)


def _describe(kind: str, r: dict[str, Any]) -> str:
    if kind == "medications":
        return f"{r['name']} (since {r['start']})"
    if kind == "labs":
        return f"{r['test']} {r['value']:g} {r['unit']} on {r['date']}"
    if kind == "factors":
        return f"{r['name']} {r['value']} {r.get('unit') or ''} on {r['date']}".replace("  ", " ")
    if kind == "trigger-points":
        return f"{r['side']} {r['muscle']} (found {r['found']})"
    return f"{r['item']} from {r['start']}"


def delete_record_page(
    t: Tracker, kind: str, record_id: int, form: FormState | None = None
) -> DeletePage | None:
    """The confirmation page of a record, or None when there is no such record."""
    found = _record(t, kind, record_id)
    if found is None:
        return None
    _, word, back = RECORD_KINDS[kind]
    return DeletePage(
        title=f"Delete a {word}",
        nav="more",
        what=f"the {word} {_describe(kind, found)}",
        action=f"/delete/{kind}/{record_id}",
        back=back,
        form=form or FormState(),
    )
