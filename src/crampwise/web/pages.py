"""The HTML pages: parse the form, call the Tracker, render a page context.

Forms post back to the page they came from; on success the browser is redirected
(303, so reloading never sends twice), on a bad value the form comes back with the
message next to the field and what was typed kept.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crampwise.errors import ConfirmationRequired, CrampwiseError, InputError
from crampwise.tracker import Tracker
from crampwise.web import views
from crampwise.web.api import MAX_ID, RecordId, get_tracker
from crampwise.web.forms import Form, failed, read_form
from crampwise.web.guard import DEVICE_COOKIE
from crampwise.web.render import render
from crampwise.web.views import FormState

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
T = Annotated[Tracker, Depends(get_tracker)]
F = Annotated[Form, Depends(read_form)]
Short = Annotated[str | None, Query(max_length=200)]

LOG_FIELDS = (
    "at",
    "night",
    "side",
    "muscles",
    "severity",
    "duration_min",
    "waves",
    "woke",
    "reliefs",
    "notes",
    "emptied_night",
)


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _woke(form: Form) -> bool | None:
    return {"yes": True, "no": False}.get(form.get("woke") or "")


def _reliefs(form: Form) -> list[tuple[str, str | None]]:
    return [(m, form.get(f"helped_{m}")) for m in form.many("reliefs")]


# -- night mode ----------------------------------------------------------------------------
@router.get("/", response_class=HTMLResponse)
def home(request: Request, t: T, done: Short = None, episode: int | None = None) -> Response:
    return render(request, "home.html", views.home_page(t, done or "", episode))


@router.post("/log/now")
def log_now(request: Request, t: T, form: F) -> Response:
    """The big button without JavaScript (the script posts to the API instead)."""
    logged = t.diary.log_episode(client_id=form.get("client_id"), find_near=False)
    return _see(f"/?done=logged&episode={logged.episode.id}")


@router.post("/night/none")
def night_none(request: Request, t: T, form: F) -> Response:
    try:
        t.diary.record_night(form.get("date"), none=True)
    except ConfirmationRequired as question:
        page = views.NightPage(
            title="Check in a night",
            nav="home",
            form=FormState(values={"date": form.get("date"), "none": "1"}, general=str(question)),
            needs_confirm=True,
        )
        return render(request, "night.html", page, 409)
    return _see("/?done=checked")


@router.get("/log", response_class=HTMLResponse)
def log_form(request: Request, t: T) -> Response:
    return render(request, "log.html", views.log_form_page(t))


@router.post("/log")
def log_submit(request: Request, t: T, form: F) -> Response:
    try:
        logged = t.diary.log_episode(
            at=form.get("at_text") or form.get("at"),
            night=form.get("night"),
            side=form.get("side"),
            muscles=form.many("muscles"),
            severity=form.get("severity") if form.flag("severity_set") else None,
            duration_min=form.get("duration_min"),
            waves=form.get("waves"),
            woke=_woke(form),
            reliefs=_reliefs(form),
            notes=form.text("notes"),
            client_id=form.get("client_id"),
            find_near=False,
        )
    except InputError as error:
        return render(
            request, "log.html", views.log_form_page(t, failed(form, error, LOG_FIELDS)), 422
        )
    return _see(f"/?done=logged&episode={logged.episode.id}")


@router.get("/episodes/{episode_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, t: T, episode_id: RecordId) -> Response:
    e = views.episode_view(t, t.diary.episode(episode_id))
    values = {
        "side": e["side"],
        "muscles": e["muscles"],
        "severity": e["severity"],
        "duration_min": e["duration_min"],
        "waves": e["waves"],
        "woke": {True: "yes", False: "no"}.get(e["woke"], ""),
        "reliefs": [r["method"] for r in e["reliefs"]],
        "notes": e["notes"],
        "line": e["line"],
        "night": e["night"],
    }
    for r in e["reliefs"]:
        values[f"helped_{r['method']}"] = r["helped"] or ""
    return render(request, "log.html", views.log_form_page(t, FormState(values=values), episode_id))


@router.post("/episodes/{episode_id}/edit")
def edit_submit(request: Request, t: T, episode_id: RecordId, form: F) -> Response:
    # Only what the form holds changes: an empty field keeps what was recorded.
    given: dict[str, object] = {
        "side": form.get("side"),
        "muscles": form.many("muscles"),
        "severity": form.get("severity") if form.flag("severity_set") else None,
        "duration_min": form.get("duration_min"),
        "waves": form.get("waves"),
        "woke": _woke(form),
        "reliefs": _reliefs(form),
        "notes": form.text("notes"),
    }
    changes = {k: v for k, v in given.items() if v not in (None, "", [])}
    if form.get("at"):
        changes["at"] = form.get("at")
        changes["night"] = form.get("night")
    try:
        t.diary.edit_episode(
            episode_id,
            confirm=form.flag("confirm"),
            emptied_night=form.get("emptied_night"),
            **changes,
        )
    except ConfirmationRequired as question:
        state = form.state()
        state.general = str(question)
        page = views.log_form_page(t, state, episode_id, needs_confirm=True)
        return render(request, "log.html", page, 409)
    except InputError as error:
        state = failed(form, error, LOG_FIELDS)
        page = views.log_form_page(t, state, episode_id, needs_then=error.field == "emptied_night")
        return render(request, "log.html", page, 422)
    return _see(f"/?done=saved&episode={episode_id}")


@router.get("/night", response_class=HTMLResponse)
def night_form(request: Request, t: T) -> Response:
    last = (t.today() - dt.timedelta(days=1)).isoformat()
    page = views.NightPage(
        title="Check in a night", nav="home", form=FormState(values={"date": last})
    )
    return render(request, "night.html", page)


@router.post("/night")
def night_submit(request: Request, t: T, form: F) -> Response:
    none = form.get("outcome") == "none"
    try:
        t.diary.record_night(
            form.get("date"),
            none=none,
            cramps=None if none else form.get("cramps"),
            sleep_quality=form.get("sleep_quality"),
            notes=form.get("notes"),
            confirm=form.flag("confirm"),
        )
    except ConfirmationRequired as question:
        state = form.state()
        state.general = str(question)
        page = views.NightPage(title="Check in a night", nav="home", form=state, needs_confirm=True)
        return render(request, "night.html", page, 409)
    except InputError as error:
        state = failed(form, error, ("date", "cramps", "sleep_quality", "notes"))
        page = views.NightPage(title="Check in a night", nav="home", form=state)
        return render(request, "night.html", page, 422)
    return _see("/?done=checked")


# -- reading -------------------------------------------------------------------------------
@router.get("/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, t: T) -> Response:
    return render(request, "dashboard.html", views.dashboard_page(t))


@router.get("/diary", response_class=HTMLResponse)
def diary(
    request: Request, t: T, month: Annotated[str | None, Query(max_length=7)] = None
) -> Response:
    return render(request, "diary.html", views.diary_page(t, month))


@router.get("/analysis", response_class=HTMLResponse)
def analysis(request: Request, t: T) -> Response:
    return render(request, "analysis.html", views.analysis_page(t))


@router.get("/safety", response_class=HTMLResponse)
def safety(request: Request, t: T, date: Short = None) -> Response:
    day = dt.date.fromisoformat(t.day(date)) if date else None
    return render(request, "safety.html", views.safety_page(t, day))


@router.get("/more", response_class=HTMLResponse)
def more(request: Request, t: T) -> Response:
    return render(request, "more.html", views.more_page(t))


@router.get("/report.pdf")
def report_pdf(request: Request, t: T, start: Short = None, end: Short = None) -> Response:
    """The doctor report, as the CLI's ``report --pdf`` writes it, for download."""
    data = t.report_pdf(start, end)
    name = f"crampwise-report-{t.today().isoformat()}.pdf"
    return Response(
        data,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


@router.get("/offline", response_class=HTMLResponse)
def offline(request: Request) -> Response:
    page = views.Page(title="Offline", nav="home", headline="You are offline.")
    return render(request, "offline.html", page)


# -- regimen -------------------------------------------------------------------------------
@router.get("/regimen", response_class=HTMLResponse)
def regimen(request: Request, t: T) -> Response:
    return render(request, "regimen.html", views.regimen_page(t))


_REGIMEN_FIELDS = ("item", "kind", "form", "dose", "unit", "times", "every", "date", "notes")


def _regimen_error(request: Request, t: T, form: Form, error: CrampwiseError) -> Response:
    page = views.regimen_page(t, failed(form, error, _REGIMEN_FIELDS))
    return render(request, "regimen.html", page, 422 if isinstance(error, InputError) else 409)


@router.post("/regimen")
def regimen_submit(request: Request, t: T, form: F) -> Response:
    action = form.get("action") or "start"
    item = form.get("item") or ""
    try:
        if action == "stop":
            t.regimen.stop(item, date=form.get("date"))
        elif action == "switch":
            t.regimen.switch(
                item,
                form=form.get("form"),
                dose=form.get("dose"),
                unit=form.get("unit"),
                times=form.many("times") or None,
                every=form.get("every"),
                date=form.get("date"),
            )
        elif action == "took":
            t.regimen.took(item, time=form.get("time"), taken=form.get("taken") != "no")
        else:
            t.regimen.start(
                item,
                kind=form.get("kind") or "supplement",
                form=form.get("form"),
                dose=form.get("dose"),
                unit=form.get("unit"),
                times=form.many("times"),
                every=form.get("every"),
                date=form.get("date"),
                notes=form.text("notes"),
            )
    except CrampwiseError as error:  # the form again, with the message where it belongs
        return _regimen_error(request, t, form, error)
    return _see("/regimen")


# -- medications, labs, factors, trigger points --------------------------------------------
_LIST_FIELDS = {
    "medications": ("name", "dose", "unit", "times", "every", "start", "notes"),
    "labs": ("test", "value", "unit", "date", "range_low", "range_high"),
    "factors": ("name", "value", "unit", "date"),
    "trigger-points": ("muscle", "side", "spot", "tenderness", "date", "notes"),
}


def _list(request: Request, t: Tracker, kind: str) -> Response:
    return render(request, "list.html", views.list_page(t, kind))


@router.get("/medications", response_class=HTMLResponse)
def medications(request: Request, t: T) -> Response:
    return _list(request, t, "medications")


@router.get("/labs", response_class=HTMLResponse)
def labs(request: Request, t: T) -> Response:
    return _list(request, t, "labs")


@router.get("/factors", response_class=HTMLResponse)
def factors(request: Request, t: T) -> Response:
    return _list(request, t, "factors")


@router.get("/trigger-points", response_class=HTMLResponse)
def trigger_points(request: Request, t: T) -> Response:
    return _list(request, t, "trigger-points")


def _record_id(text: str | None) -> int:
    """A record id from a form (ValueError when it cannot be one)."""
    value = int(text or "")
    if not 1 <= value <= MAX_ID:
        raise ValueError(text)
    return value


def _save(t: Tracker, kind: str, form: Form) -> None:
    action = form.get("action") or "add"
    if kind == "medications":
        if action == "stop":
            t.regimen.stop_medication(form.get("name") or "", date=form.get("date"))
        else:
            t.regimen.add_medication(
                form.get("name") or "",
                dose=form.get("dose"),
                unit=form.get("unit"),
                times=form.many("times"),
                every=form.get("every"),
                start=form.get("start"),
                notes=form.text("notes"),
            )
    elif kind == "labs":
        t.context.add_lab(
            form.get("test") or "",
            form.get("value") or "",
            form.get("unit") or "",
            date=form.get("date"),
            range_low=form.get("range_low"),
            range_high=form.get("range_high"),
            confirm=form.flag("confirm"),
        )
    elif kind == "factors":
        t.context.add_factor(
            form.get("name") or "",
            form.get("value") or "",
            form.get("unit"),
            date=form.get("date"),
            confirm=form.flag("confirm"),
        )
    elif action == "rate":
        t.context.rate_trigger_point(
            _record_id(form.get("id")), form.get("tenderness") or "", confirm=form.flag("confirm")
        )
    elif action == "release":
        t.context.release_trigger_point(_record_id(form.get("id")))
    else:
        t.context.add_trigger_point(
            form.get("muscle") or "",
            side=form.get("side") or "",
            spot=form.get("spot") or "",
            tenderness=form.get("tenderness"),
            date=form.get("date"),
            notes=form.text("notes"),
        )


def _submit(request: Request, t: Tracker, kind: str, form: Form) -> Response:
    try:
        _save(t, kind, form)
    except CrampwiseError as error:  # first: an InputError is a ValueError too
        state = failed(form, error, _LIST_FIELDS[kind])
        if isinstance(error, ConfirmationRequired):
            state.values["needs_confirm"] = "1"
        status = 422 if isinstance(error, InputError) else 409
        return render(request, "list.html", views.list_page(t, kind, state), status)
    except ValueError:  # an id that is not a number (only a hand-made form sends one)
        state = form.state()
        state.general = "That record does not exist."
        return render(request, "list.html", views.list_page(t, kind, state), 422)
    return _see(f"/{kind}")


@router.post("/medications")
def medications_submit(request: Request, t: T, form: F) -> Response:
    return _submit(request, t, "medications", form)


@router.post("/labs")
def labs_submit(request: Request, t: T, form: F) -> Response:
    return _submit(request, t, "labs", form)


@router.post("/factors")
def factors_submit(request: Request, t: T, form: F) -> Response:
    return _submit(request, t, "factors", form)


@router.post("/trigger-points")
def trigger_points_submit(request: Request, t: T, form: F) -> Response:
    return _submit(request, t, "trigger-points", form)


# -- red flags, look-ups -------------------------------------------------------------------
@router.get("/red-flags", response_class=HTMLResponse)
def red_flags(request: Request, t: T) -> Response:
    return render(request, "red_flags.html", views.red_flags_page(t))


@router.post("/red-flags")
def red_flags_submit(request: Request, t: T, form: F) -> Response:
    answer = t.context.answer_red_flag(form.get("flag") or "", form.get("present") == "yes")
    if answer.present:
        from crampwise.knowledge import red_flags as questions

        message = questions()[answer.flag].message
        page = views.red_flags_page(t, answer.flag, message)
        return render(request, "red_flags.html", page)
    return _see("/red-flags")


@router.get("/lookup", response_class=HTMLResponse)
def lookup(
    request: Request, food: Short = None, claim: Annotated[str | None, Query(max_length=500)] = None
) -> Response:
    state = FormState(values={"food": food or "", "claim": claim or ""})
    found_food = found_claim = None
    if food and food.strip():
        from crampwise.knowledge.foodreport import food_to_dict
        from crampwise.knowledge.foods import lookup_food

        try:
            found_food = food_to_dict(lookup_food(food))
        except InputError as error:
            state.errors["food"] = error.detail
    if claim and claim.strip():
        from crampwise.knowledge.claims import check_claim

        try:
            found_claim = check_claim(claim).to_dict()
        except InputError as error:
            state.errors["claim"] = error.detail
    page = views.LookupPage(
        title="Food and claim look-up", nav="more", form=state, food=found_food, claim=found_claim
    )
    return render(request, "lookup.html", page)


# -- pairing -------------------------------------------------------------------------------
@router.get("/pair", response_class=HTMLResponse)
def pair_form(request: Request, code: Short = None) -> Response:
    page = views.PairPage(
        title="Pair this device",
        nav="",
        form=FormState(values={"code": code or "", "name": "phone"}),
    )
    return render(request, "pair.html", page)


@router.post("/pair")
def pair_submit(request: Request, t: T, form: F) -> Response:
    try:
        device, token = t.devices.pair(form.get("code") or "", form.get("name") or "phone")
    except InputError as error:
        page = views.PairPage(
            title="Pair this device", nav="", form=failed(form, error, ("code", "name"))
        )
        return render(request, "pair.html", page, 422)
    page = views.PairPage(title="Paired", nav="", paired=True, device_name=device.name)
    response = render(request, "pair.html", page)
    settings = request.app.state.settings
    response.set_cookie(
        DEVICE_COOKIE,
        token,
        max_age=400 * 24 * 3600,  # the longest browsers keep a cookie
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return response


@router.get("/api/", include_in_schema=False)
def api_index() -> Response:
    return _see("/api/openapi.json")
