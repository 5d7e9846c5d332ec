"""Typed page contexts, and the functions that build them from the Tracker.

A handler parses, calls the Tracker (or one of the builders here, which only read), and
renders one of these dataclasses. Results that have a JSON contract (analysis, safety,
food, claims) are carried as their ``to_dict()`` documents, so the pages show exactly
what ``--json`` says and keep working as those modules grow.

Every page has ``headline``: one sentence in plain words above the details. Pages fill
it where the domain already gives one; a report that gains its own headline later slots
in there without changing the templates.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from crampwise import vocab
from crampwise.diary import NightStatus
from crampwise.formats.jsonrecords import (
    episode_json,
    lab_json,
    medication_json,
    regimen_json,
    trigger_point_json,
)
from crampwise.records import RegimenEntry
from crampwise.reports import charts
from crampwise.tracker import Tracker
from crampwise.web.memo import analysis_of

__all__ = [
    "NAV",
    "AnalysisPage",
    "DashboardPage",
    "DiaryPage",
    "ErrorPage",
    "FormState",
    "HomePage",
    "ListPage",
    "LogPage",
    "LookupPage",
    "MorePage",
    "NightPage",
    "Page",
    "PairPage",
    "RedFlagsPage",
    "RegimenPage",
    "SafetyPage",
    "analysis_page",
    "dashboard_page",
    "diary_page",
    "home_page",
    "regimen_page",
    "safety_page",
]

_EMPTY = Markup("")  # a chart not drawn (empty diary)

#: The bottom navigation: (key, path, label).
NAV: tuple[tuple[str, str, str], ...] = (
    ("home", "/", "Log"),
    ("dashboard", "/dashboard", "Dashboard"),
    ("diary", "/diary", "Diary"),
    ("regimen", "/regimen", "Regimen"),
    ("more", "/more", "More"),
)


@dataclass
class FormState:
    """What a form shows: the values typed (kept after an error), errors by field, and an
    error that belongs to no one field."""

    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    general: str = ""
    action: tuple[str, str] | None = None  # (link text, href): what would help next

    def value(self, name: str, default: Any = "") -> Any:
        """The value of a field (for templates)."""
        found = self.values.get(name)
        return default if found is None else found

    def has(self, name: str, option: str) -> bool:
        """Whether a multi-value field holds ``option``."""
        found = self.values.get(name)
        if isinstance(found, list | tuple):
            return option in found
        return found == option


@dataclass(frozen=True)
class Page:
    """What every page has."""

    title: str
    nav: str
    headline: str = ""
    notices: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErrorPage(Page):
    status: int = 500
    message: str = ""


@dataclass(frozen=True)
class HomePage(Page):
    """Night mode: one big button, cramp-free last night, backfill, what is waiting."""

    client_id: str = ""
    last_night: str = ""
    last_night_checked: bool = False
    last_night_cramps: int | None = None
    tonight: str = ""
    recent: tuple[dict[str, Any], ...] = ()
    done: str = ""
    done_episode: int | None = None


@dataclass(frozen=True)
class LogPage(Page):
    """The details form: new cramp (backfill) or an existing one's details."""

    form: FormState = field(default_factory=FormState)
    episode_id: int | None = None
    client_id: str = ""
    sides: tuple[str, ...] = vocab.SIDES
    muscles: tuple[str, ...] = vocab.MUSCLES
    reliefs: tuple[str, ...] = vocab.RELIEF_METHODS
    helped: tuple[str, ...] = vocab.RELIEF_HELPED
    bodymap_front: Markup = _EMPTY
    bodymap_back: Markup = _EMPTY
    needs_confirm: bool = False
    needs_then: bool = False


@dataclass(frozen=True)
class NightPage(Page):
    form: FormState = field(default_factory=FormState)
    needs_confirm: bool = False


@dataclass(frozen=True)
class DashboardPage(Page):
    summary: dict[str, Any] = field(default_factory=dict)
    calendar: Markup = _EMPTY
    rates: Markup = _EMPTY
    timeline: Markup = _EMPTY
    bodymap_front: Markup = _EMPTY
    bodymap_back: Markup = _EMPTY
    severity: Markup = _EMPTY
    duration: Markup = _EMPTY
    periods: tuple[dict[str, Any], ...] = ()
    warnings: tuple[str, ...] = ()
    more_warnings: int = 0
    streaks: dict[str, Any] = field(default_factory=dict)
    where: tuple[tuple[str, int], ...] = ()
    empty: bool = False


@dataclass(frozen=True)
class DiaryPage(Page):
    month: str = ""
    previous: str | None = None
    next: str | None = None
    nights: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class RegimenPage(Page):
    form: FormState = field(default_factory=FormState)
    ongoing: tuple[dict[str, Any], ...] = ()
    history: tuple[dict[str, Any], ...] = ()
    tonight: tuple[dict[str, Any], ...] = ()
    findings: tuple[dict[str, Any], ...] = ()
    today: str = ""
    kinds: tuple[str, ...] = vocab.REGIMEN_KINDS
    units: tuple[str, ...] = vocab.REGIMEN_UNITS
    times: tuple[str, ...] = vocab.DOSE_TIMES


@dataclass(frozen=True)
class ListPage(Page):
    """Medications, labs, factors, trigger points: records, a form, related findings."""

    kind: str = ""
    form: FormState = field(default_factory=FormState)
    records: tuple[dict[str, Any], ...] = ()
    findings: tuple[dict[str, Any], ...] = ()
    options: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RedFlagsPage(Page):
    questions: tuple[dict[str, Any], ...] = ()
    answered: str = ""
    message: str = ""


@dataclass(frozen=True)
class LookupPage(Page):
    form: FormState = field(default_factory=FormState)
    food: dict[str, Any] | None = None
    claim: dict[str, Any] | None = None


@dataclass(frozen=True)
class SafetyPage(Page):
    report: dict[str, Any] = field(default_factory=dict)
    day: str = ""


@dataclass(frozen=True)
class AnalysisPage(Page):
    result: dict[str, Any] = field(default_factory=dict)
    empty: bool = False


@dataclass(frozen=True)
class MorePage(Page):
    links: tuple[tuple[str, str, str], ...] = ()
    summary: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PairPage(Page):
    form: FormState = field(default_factory=FormState)
    paired: bool = False
    device_name: str = ""


# -- builders ------------------------------------------------------------------------------
def new_client_id() -> str:
    """An id for one submission, so a retried form is stored once."""
    return str(uuid.uuid4())


def episode_view(t: Tracker, e: Any) -> dict[str, Any]:
    """An episode for display: its JSON shape plus a readable line."""
    data = episode_json(e, t.timezone, compact=False)
    parts = []
    if data["time"]:
        parts.append(("~" if data["approximate"] else "") + data["time"])
    if data["side"]:
        parts.append(data["side"])
    if data["muscles"]:
        parts.append(", ".join(data["muscles"]))
    if data["severity"] is not None:
        parts.append(f"severity {data['severity']}")
    if data["duration_min"] is not None:
        parts.append(f"{data['duration_min']:g} min")
    data["line"] = " · ".join(parts) or "no details yet"
    return data


def experiment_tonight(t: Tracker) -> tuple[str, ...]:
    """Tonight's condition of a running experiment, as a notice (none without one)."""
    if not t.experiments.list():
        return ()
    tonight = t.experiments.tonight()
    if tonight.state != "running":
        return ()
    return (f"Experiment: {tonight.instruction} (record it on the Experiments page).",)


def home_page(t: Tracker, done: str = "", done_episode: int | None = None) -> HomePage:
    now = t.now()
    last_night = (now.date() - dt.timedelta(days=1)).isoformat()
    tonight = (now.date() if now.hour >= 12 else now.date() - dt.timedelta(days=1)).isoformat()
    night = t.diary.night(last_night)
    recent = t.diary.episodes(
        (now.date() - dt.timedelta(days=3)).isoformat(), now.date().isoformat()
    )
    return HomePage(
        title="Log a cramp",
        nav="home",
        notices=experiment_tonight(t),
        client_id=new_client_id(),
        last_night=last_night,
        last_night_checked=night is not None,
        last_night_cramps=None if night is None else night.cramps,
        tonight=tonight,
        recent=tuple(episode_view(t, e) for e in reversed(recent[-5:])),
        done=done,
        done_episode=done_episode,
    )


def log_form_page(
    t: Tracker,
    form: FormState | None = None,
    episode_id: int | None = None,
    *,
    needs_confirm: bool = False,
    needs_then: bool = False,
) -> LogPage:
    return LogPage(
        title="Cramp details" if episode_id else "Log a cramp with details",
        nav="home",
        form=form or FormState(values={"at": "now"}),
        episode_id=episode_id,
        client_id=new_client_id(),
        bodymap_front=charts.bodymap_svg(interactive=True, view="front"),
        bodymap_back=charts.bodymap_svg(interactive=True, view="back"),
        needs_confirm=needs_confirm,
        needs_then=needs_then,
    )


def _bands(periods: list[dict[str, Any]]) -> list[charts.Band]:
    return [
        (
            p["start"],
            p["end"],
            p["rate_per_week"]["estimate"],
            p["rate_per_week"]["low"],
            p["rate_per_week"]["high"],
        )
        for p in periods
    ]


def dashboard_page(t: Tracker) -> DashboardPage:
    snapshot = t.snapshot()  # one read of the diary for the whole page
    statuses = t.diary.nights(stored=snapshot.nights)
    summary = t.summary(snapshot).to_dict()
    if not statuses:
        return DashboardPage(
            title="Dashboard",
            nav="dashboard",
            headline="Nothing recorded yet: log a cramp, or check in a cramp-free night.",
            summary=summary,
            empty=True,
        )
    first, last = statuses[0].date, statuses[-1].date
    result = analysis_of(t, snapshot).to_dict()
    periods = result["periods"]
    episodes = snapshot.episodes
    counts = charts.side_muscle_counts((e.side, e.muscles) for e in episodes)
    where: dict[str, int] = {}
    for (_, muscle), n in counts.items():
        where[muscle] = where.get(muscle, 0) + n
    items = [(e.item, e.start, e.end) for e in snapshot.regimen]
    return DashboardPage(
        title="Dashboard",
        nav="dashboard",
        headline=_dashboard_headline(summary, statuses),
        summary=summary,
        calendar=charts.calendar_svg(statuses),
        rates=charts.rates_svg(_bands(periods), first, last),
        timeline=charts.timeline_svg(items, first, last),
        bodymap_front=charts.bodymap_svg(counts, view="front"),
        bodymap_back=charts.bodymap_svg(counts, view="back"),
        severity=charts.trend_svg(
            [(e.night, float(e.severity)) for e in episodes if e.severity is not None],
            first,
            last,
            "severity",
            10.0,
        ),
        duration=charts.trend_svg(
            [(e.night, float(e.duration_min)) for e in episodes if e.duration_min is not None],
            first,
            last,
            "duration (minutes)",
            3.0,
        ),
        periods=tuple(periods),
        # The first few, in full; the analysis page has them all.
        warnings=tuple(w["message"] for w in result["warnings"][:3]),
        more_warnings=max(0, len(result["warnings"]) - 3),
        streaks=result["streaks"],
        where=tuple(sorted(where.items(), key=lambda kv: -kv[1])),
    )


def _dashboard_headline(summary: dict[str, Any], statuses: list[NightStatus]) -> str:
    recent = [s for s in statuses[-28:] if s.observed]
    cramps = sum(s.cramps or 0 for s in recent)
    if not recent:
        return "No nights checked in during the last four weeks."
    return (
        f"Last four weeks: {cramps} cramp{'s' if cramps != 1 else ''} in {len(recent)} "
        f"checked-in nights; {summary['current_streak']} cramp-free nights in a row now."
    )


def diary_page(t: Tracker, month: str | None) -> DiaryPage:
    statuses = t.diary.nights()
    if not statuses:
        return DiaryPage(title="Diary", nav="diary", headline="The diary is empty.")
    months = sorted({s.date[:7] for s in statuses})
    chosen = month if month in months else months[-1]
    index = months.index(chosen)
    first_day = dt.date.fromisoformat(f"{chosen}-01")
    start = first_day.isoformat()
    end = ((first_day + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)).isoformat()
    by_night: dict[str, list[dict[str, Any]]] = {}
    for e in t.diary.episodes(start, end):
        by_night.setdefault(e.night, []).append(episode_view(t, e))
    nights = tuple(
        {
            "date": s.date,
            "weekday": dt.date.fromisoformat(s.date).strftime("%a %-d %b"),
            "observed": s.observed,
            "cramps": s.cramps,
            "episodes": by_night.get(s.date, []),
        }
        for s in reversed(statuses)
        if s.date[:7] == chosen
    )
    return DiaryPage(
        title="Diary",
        nav="diary",
        month=dt.date.fromisoformat(start).strftime("%B %Y"),
        previous=months[index - 1] if index > 0 else None,
        next=months[index + 1] if index + 1 < len(months) else None,
        nights=nights,
    )


def _findings_about(t: Tracker, names: set[str]) -> tuple[dict[str, Any], ...]:
    report = t.safety().to_dict()
    wanted = {n.casefold() for n in names}
    return tuple(
        f for f in report["findings"] if any(i.strip().casefold() in wanted for i in f["items"])
    )


def _with_schedule(row: dict[str, Any], every: str) -> dict[str, Any]:
    """A record as the API gives it, with its schedule in words ("once a week"; empty for
    every day)."""
    from crampwise.schedule import describe

    return {**row, "schedule": "" if every == "day" else describe(every)}


def _regimen_row(e: RegimenEntry, today: str | None = None) -> dict[str, Any]:
    """An entry with its schedule in words and, for one in force ``today`` that is not
    taken every day, the next day it is due."""
    from crampwise.schedule import next_due

    row = _with_schedule(regimen_json(e, compact=False), e.every)
    daily = e.every == "day"
    row["next_due"] = None if daily or today is None else next_due(e.every, e.start, today)
    return row


def regimen_page(t: Tracker, form: FormState | None = None) -> RegimenPage:
    today = t.today().isoformat()
    entries = t.regimen.entries()
    ongoing = [e for e in entries if e.active_on(today)]
    taken = {(a.item, a.time): a.taken for a in t.regimen.adherence() if a.date == today}
    tonight = tuple(
        {
            "item": e.item,
            "time": time,
            "dose": "" if e.dose is None else f"{e.dose:g} {e.unit or ''}".strip(),
            "taken": taken.get((e.item, time)),
        }
        for e in ongoing
        if e.due_on(today)  # a weekly item is listed on its own day only
        for time in (e.times or ("",))
    )
    return RegimenPage(
        title="Regimen",
        nav="regimen",
        notices=experiment_tonight(t),
        form=form or FormState(values={"kind": "supplement", "date": today}),
        ongoing=tuple(_regimen_row(e, today) for e in ongoing),
        history=tuple(_regimen_row(e) for e in reversed(entries)),
        tonight=tonight,
        findings=_findings_about(t, {e.item for e in entries}),
        today=today,
    )


def list_page(t: Tracker, kind: str, form: FormState | None = None) -> ListPage:
    """Medications, labs, factors or trigger points."""
    options: dict[str, tuple[str, ...]] = {}
    findings: tuple[dict[str, Any], ...] = ()
    if kind == "medications":
        meds = t.regimen.medications()
        records = tuple(_with_schedule(medication_json(m, compact=False), m.every) for m in meds)
        findings = _findings_about(t, {m.name for m in meds})
        options = {"units": vocab.REGIMEN_UNITS, "times": vocab.DOSE_TIMES}
        title = "Medications"
    elif kind == "labs":
        records = tuple(lab_json(x, compact=False) for x in reversed(t.context.labs()))
        findings = tuple(
            f
            for f in t.safety().to_dict()["findings"]
            if "lab" in f["code"] or f["code"].startswith("serum")
        )
        options = {
            "tests": tuple(vocab.LAB_TESTS),
            "units": tuple(sorted({u for us in vocab.LAB_TESTS.values() for u in us})),
        }
        title = "Lab results"
    elif kind == "factors":
        from crampwise.formats.jsonrecords import factor_json

        records = tuple(factor_json(f, compact=False) for f in reversed(t.context.factors()[-60:]))
        options = {"names": tuple(vocab.BUILTIN_FACTORS)}
        title = "Daily factors"
    else:
        records = tuple(trigger_point_json(tp, compact=False) for tp in t.context.trigger_points())
        options = {"muscles": vocab.MUSCLES, "sides": vocab.SIDES}
        title = "Trigger points"
    return ListPage(
        title=title,
        nav="more",
        kind=kind,
        form=form or FormState(values={"date": t.today().isoformat()}),
        records=records,
        findings=findings,
        options=options,
    )


def red_flags_page(t: Tracker, answered: str = "", message: str = "") -> RedFlagsPage:
    from crampwise.knowledge import red_flags

    latest = {a.flag: a for a in t.context.red_flags()}
    questions = tuple(
        {
            "flag": q.id,
            "question": q.question,
            "urgency": q.urgency,
            "answer": None if q.id not in latest else latest[q.id].present,
            "answered_on": latest[q.id].date if q.id in latest else None,
            "message": q.message,
        }
        for q in red_flags().values()
    )
    yes = [q for q in questions if q["answer"]]
    headline = (
        f"You answered yes to {len(yes)} question{'s' if len(yes) != 1 else ''}: "
        "please see a clinician about it."
        if yes
        else "These questions tell when leg cramps need a clinician's look."
    )
    return RedFlagsPage(
        title="Red flags",
        nav="more",
        headline=headline,
        questions=questions,
        answered=answered,
        message=message,
    )


def safety_page(t: Tracker, day: dt.date | None = None) -> SafetyPage:
    report = t.safety(day).to_dict()
    n = len(report["findings"])
    headline = (
        f"{n} thing{'s' if n != 1 else ''} to know about your regimen and medicines "
        f"on {report['date']}."
        if n
        else f"No safety findings on {report['date']} (which does not mean safe)."
    )
    return SafetyPage(
        title="Safety", nav="more", headline=headline, report=report, day=report["date"]
    )


def analysis_page(t: Tracker) -> AnalysisPage:
    if not t.diary.nights():
        return AnalysisPage(
            title="Analysis", nav="more", headline="Nothing to analyse yet.", empty=True
        )
    # No headline yet: the report's own plain-words headline (a later issue) goes there;
    # the page opens with what the diary can and cannot say.
    return AnalysisPage(title="Analysis", nav="more", result=analysis_of(t).to_dict())


MORE_LINKS: tuple[tuple[str, str, str], ...] = (
    ("/report.pdf", "Doctor report (PDF)", "two pages for your clinician: rates, medicines, labs"),
    ("/calendar", "Bedtime reminders", "in your phone's calendar, with an alarm"),
    ("/analysis", "Analysis", "what your diary can and cannot show"),
    ("/experiments", "Experiments", "find out for sure: tonight's condition, plan, result"),
    ("/safety", "Safety", "limits, interactions, cramp-associated medicines"),
    ("/medications", "Medications", "prescription medicines"),
    ("/labs", "Lab results", "potassium, magnesium, calcium …"),
    ("/factors", "Daily factors", "fluids, heat, time on feet …"),
    ("/trigger-points", "Trigger points", "tender spots and how they change"),
    ("/red-flags", "Red flags", "when to see a clinician"),
    ("/lookup", "Food and claim look-up", "nutrients of foods; check a claim"),
    ("/nutrition", "Nutrition", "daily potassium, magnesium, calcium, sodium vs limits"),
    ("/profile", "Profile", "age, sex, kidneys, pregnancy, time zone, bedtime"),
    ("/devices", "Paired devices", "phones that can open the diary (this computer only)"),
    ("/night", "Check in a night", "cramp-free or a count, for any past night"),
    ("/log", "Log with details", "backfill a cramp from last night"),
)


def more_page(t: Tracker) -> MorePage:
    return MorePage(title="More", nav="more", links=MORE_LINKS, summary=t.summary().to_dict())
