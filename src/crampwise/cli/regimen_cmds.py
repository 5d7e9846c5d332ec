"""Regimen and context commands: regimen, took, med, lab, factor, profile, trigger-point."""

from __future__ import annotations

import argparse
from typing import Any

from crampwise import vocab
from crampwise.cli._app import App, confirmable
from crampwise.formats.jsonrecords import (
    adherence_json,
    factor_json,
    lab_json,
    medication_json,
    profile_json,
    regimen_json,
    trigger_point_json,
)

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.records import Medication, RegimenEntry

__all__ = ["register"]


def _times(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


def _factor_value(value: float | bool | str) -> str:
    """2000, yes, heels — as a person would write them."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, float) else value


def _entry_dict(e: RegimenEntry) -> dict[str, Any]:
    return regimen_json(e, compact=False)


def _dose_text(dose: float | None, unit: str | None, times: tuple[str, ...]) -> str:
    if dose is None:
        return ", ".join(times)
    text = f"{dose:g} {unit or ''}".strip()
    return f"{text} × {len(times)} ({', '.join(times)})" if times else text


def _show_safety(app: App, item: str) -> None:
    """After adding an item, show safety findings that involve it (never blocks the write)."""
    from crampwise.cli._plainsafety import finding_text

    findings = app.tracker.safety_for_new_item(item)
    for finding in findings:
        colour = {"urgent": "red", "warning": "red", "caution": "yellow"}.get(finding.severity)
        label = app.style(finding.severity.upper(), "bold", *([colour] if colour else []))
        app.note(f"{label} {finding_text(finding, details=False)}")
    if findings:
        app.note("See all findings: crampwise safety. crampwise is not medical advice.")


# -- regimen ---------------------------------------------------------------------------------
def cmd_regimen_start(args: argparse.Namespace, app: App) -> int:
    """Start a supplement, food, routine or therapy."""
    from crampwise.cli._labeldose import read_dose, report_dose

    reading = read_dose(app, args)
    entry = app.tracker.regimen.start(
        args.item,
        kind=args.kind,
        form=args.form,
        dose=args.dose,
        unit=reading.unit,
        times=_times(args.times),
        date=args.start,
        notes=args.note or "",
        dose_of=reading.dose_of,
    )
    app.saved = f"{entry.item} (regimen entry {entry.id})"
    report_dose(app, reading, entry)
    if args.json:
        app.json(_entry_dict(entry))
    else:
        dose = _dose_text(entry.dose, entry.unit, entry.times)
        app.echo(
            f"Started {entry.item}{' ' + entry.form if entry.form else ''}"
            f"{' — ' + dose if dose else ''} from {entry.start}."
        )
    _show_safety(app, entry.item)
    return 0


def cmd_regimen_stop(args: argparse.Namespace, app: App) -> int:
    """Stop an item (the date is the first day without it)."""
    entry = app.tracker.regimen.stop(args.item, date=args.date, notes=args.note)
    app.saved = f"the stop of {entry.item}"
    if args.json:
        app.json(_entry_dict(entry))
    else:
        app.echo(
            f"Stopped {entry.item}: taken {entry.start} until {entry.end} (first day without)."
        )
    return 0


def cmd_regimen_switch(args: argparse.Namespace, app: App) -> int:
    """Change form, dose or times of an ongoing item from a date."""
    from crampwise.cli._labeldose import DoseReading, report_dose

    reading = DoseReading(args.unit, args.dose_of)
    old, new = app.tracker.regimen.switch(
        args.item,
        form=args.form,
        dose=args.dose,
        unit=args.unit,
        times=_times(args.times) if args.times else None,
        date=args.start,
        notes=args.note,
        dose_of=args.dose_of,
    )
    app.saved = f"the switch of {new.item}"
    report_dose(app, reading, new)
    if args.json:
        app.json({"stopped": _entry_dict(old), "started": _entry_dict(new)})
    else:
        app.echo(
            f"Switched {new.item} on {new.start}: "
            f"{old.form or ''} {_dose_text(old.dose, old.unit, old.times)} → "
            f"{new.form or ''} {_dose_text(new.dose, new.unit, new.times)}".replace("  ", " ")
        )
    _show_safety(app, new.item)
    return 0


def cmd_regimen_list(args: argparse.Namespace, app: App) -> int:
    """List regimen entries (ongoing ones, or --all history)."""
    entries = app.tracker.regimen.entries()
    if not args.all:
        entries = [e for e in entries if e.end is None]
    if args.json:
        app.json([_entry_dict(e) for e in entries])
        return 0
    if not entries:
        app.echo("No regimen items" + ("" if args.all else " ongoing (see --all)") + ".")
        return 0
    app.table(
        ("id", "item", "kind", "form", "dose", "from", "until"),
        [
            (
                e.id,
                e.item,
                e.kind,
                e.form or "",
                _dose_text(e.dose, e.unit, e.times),
                e.start,
                e.end or "ongoing",
            )
            for e in entries
        ],
    )
    return 0


#: A dose time in a sentence: "magnesium at bedtime", "in the morning".
_WHEN = {
    "morning": "in the morning",
    "noon": "at noon",
    "afternoon": "in the afternoon",
    "evening": "in the evening",
    "bedtime": "at bedtime",
    "night": "at night",
}


def cmd_took(args: argparse.Namespace, app: App) -> int:
    """Record that you took (or --missed) an item; ``took bedtime`` / ``took all``: every
    item due then."""
    regimen = app.tracker.regimen
    word = args.item.strip().lower()
    if word == "all" or (word in vocab.DOSE_TIMES and not regimen.current(word)):
        results = regimen.took_due(word, date=args.date, time=args.time, taken=not args.missed)
    else:
        results = [regimen.take(args.item, date=args.date, time=args.time, taken=not args.missed)]
    app.saved = ", ".join(f"the dose of {r.record.item}" for r in results if not r.already)
    app.saved = app.saved or None
    if args.json:
        docs = [{**adherence_json(r.record, compact=False), "already": r.already} for r in results]
        app.json(docs if len(results) > 1 or word == "all" or word in vocab.DOSE_TIMES else docs[0])
        return 0
    for r in results:
        a = r.record
        at = f" {_WHEN.get(a.time, a.time)}" if a.time else ""
        verb = "Took" if a.taken else "Missed"
        if r.every:
            app.echo(
                f"Already recorded: every dose of {a.item} on {a.date} "
                f"({', '.join(r.every)}); not counted twice."
            )
        elif r.already:
            app.echo(
                f"Already recorded: {a.item}{at} on {a.date} ({'taken' if a.taken else 'missed'});"
                " not counted twice."
            )
        elif r.changed:
            app.echo(f"{verb} {a.item}{at} on {a.date} (it was recorded the other way).")
        else:
            app.echo(f"{verb} {a.item}{at} on {a.date}.")
    return 0


# -- medications -----------------------------------------------------------------------------
def _med_dict(m: Medication) -> dict[str, Any]:
    return medication_json(m, compact=False)


def cmd_med_add(args: argparse.Namespace, app: App) -> int:
    """Add a prescription medicine."""
    med = app.tracker.regimen.add_medication(
        args.name,
        dose=args.dose,
        unit=args.unit,
        times=_times(args.times),
        start=args.start,
        notes=args.note or "",
    )
    app.saved = f"{med.name} (medication {med.id})"
    if args.json:
        app.json(_med_dict(med))
    else:
        dose = _dose_text(med.dose, med.unit, med.times)
        app.echo(f"Added {med.name}{' ' + dose if dose else ''} from {med.start}.")
    _show_safety(app, med.name)
    return 0


def cmd_med_stop(args: argparse.Namespace, app: App) -> int:
    """Stop a medicine."""
    med = app.tracker.regimen.stop_medication(args.name, date=args.date, notes=args.note)
    app.saved = f"the stop of {med.name}"
    if args.json:
        app.json(_med_dict(med))
    else:
        app.echo(f"Stopped {med.name} from {med.end}.")
    return 0


def cmd_med_list(args: argparse.Namespace, app: App) -> int:
    """List medicines."""
    meds = app.tracker.regimen.medications()
    if args.json:
        app.json([_med_dict(m) for m in meds])
        return 0
    if not meds:
        app.echo("No medications recorded.")
        return 0
    app.table(
        ("id", "name", "dose", "from", "until"),
        [
            (m.id, m.name, _dose_text(m.dose, m.unit, m.times), m.start, m.end or "ongoing")
            for m in meds
        ],
    )
    return 0


# -- labs, factors, profile ------------------------------------------------------------------
def cmd_lab_add(args: argparse.Namespace, app: App) -> int:
    """Record a lab result."""
    lab = confirmable(
        app,
        lambda ok: app.tracker.context.add_lab(
            args.test,
            args.value,
            args.unit,
            date=args.date,
            range_low=args.low,
            range_high=args.high,
            confirm=ok,
        ),
    )
    app.saved = f"the {lab.test} result"
    if args.json:
        app.json(lab_json(lab, compact=False))
    else:
        app.echo(f"Recorded {lab.test} {lab.value:g} {lab.unit} on {lab.date}.")
    _show_safety(app, lab.test)
    return 0


def cmd_lab_list(args: argparse.Namespace, app: App) -> int:
    """List lab results."""
    labs = app.tracker.context.labs(args.test)
    if args.json:
        app.json([lab_json(lab, compact=False) for lab in labs])
        return 0
    if not labs:
        app.echo("No lab results recorded.")
        return 0
    app.table(
        ("id", "date", "test", "value", "unit", "lab range"),
        [
            (
                lab.id,
                lab.date,
                lab.test,
                f"{lab.value:g}",
                lab.unit,
                f"{lab.range_low:g}–{lab.range_high:g}"
                if lab.range_low is not None and lab.range_high is not None
                else "",
            )
            for lab in labs
        ],
    )
    return 0


def cmd_factor_add(args: argparse.Namespace, app: App) -> int:
    """Record a daily context factor."""
    factor = confirmable(
        app,
        lambda ok: app.tracker.context.add_factor(
            args.name, args.value, args.unit, date=args.date, confirm=ok
        ),
    )
    app.saved = f"{factor.name} on {factor.date}"
    if args.json:
        app.json(factor_json(factor, compact=False))
    else:
        unit = f" {factor.unit}" if factor.unit else ""
        app.echo(f"Recorded {factor.name} = {_factor_value(factor.value)}{unit} on {factor.date}.")
    return 0


def cmd_factor_list(args: argparse.Namespace, app: App) -> int:
    """List daily factors."""
    factors = app.tracker.context.factors(args.start, args.end, args.name)
    if args.json:
        app.json([factor_json(f, compact=False) for f in factors])
        return 0
    if not factors:
        app.echo("No factors recorded. Built-in: " + ", ".join(vocab.BUILTIN_FACTORS))
        return 0
    app.table(
        ("id", "date", "factor", "value", "unit"),
        [(f.id, f.date, f.name, _factor_value(f.value), f.unit or "") for f in factors],
    )
    return 0


def cmd_profile_set(args: argparse.Namespace, app: App) -> int:
    """Set profile fields used by the safety rules."""

    def yes_no(value: str | None) -> bool | None:
        return None if value is None else value == "yes"

    profile = app.tracker.context.set_profile(
        birth_year=args.birth_year,
        sex=args.sex,
        kidney_disease=yes_no(args.kidney_disease),
        timezone=args.timezone,
        bedtime=args.bedtime,
        pregnant=yes_no(args.pregnant),
        breastfeeding=yes_no(args.breastfeeding),
    )
    app.saved = "the profile"
    if args.json:
        app.json(profile_json(profile, compact=False))
    else:
        app.echo("Profile saved.")
    return 0


def cmd_profile_show(args: argparse.Namespace, app: App) -> int:
    """Show the profile."""
    profile = app.tracker.context.profile()
    data = profile_json(profile, compact=False)
    data["timezone_in_use"] = app.tracker.timezone
    if args.json:
        app.json(data)
        return 0
    for key, value in data.items():
        app.echo(f"  {key:<16} {'' if value is None else value}")
    return 0


# -- trigger points --------------------------------------------------------------------------
def _tp_dict(tp: Any) -> dict[str, Any]:
    return trigger_point_json(tp, compact=False)


def cmd_tp_add(args: argparse.Namespace, app: App) -> int:
    """Record a trigger point."""
    tp = app.tracker.context.add_trigger_point(
        args.muscle,
        side=args.side,
        spot=args.spot or "",
        tenderness=args.tenderness,
        date=args.date,
        notes=args.note or "",
    )
    app.saved = f"trigger point #{tp.id}"
    if args.json:
        app.json(_tp_dict(tp))
    else:
        app.echo(f"Trigger point #{tp.id}: {tp.side} {tp.muscle} {tp.spot}".rstrip() + ".")
    return 0


def cmd_tp_rate(args: argparse.Namespace, app: App) -> int:
    """Rate a trigger point's tenderness."""
    tp = confirmable(
        app,
        lambda ok: app.tracker.context.rate_trigger_point(
            args.id, args.tenderness, date=args.date, confirm=ok
        ),
    )
    app.saved = f"the rating of trigger point #{tp.id}"
    if args.json:
        app.json(_tp_dict(tp))
    else:
        app.echo(f"Trigger point #{tp.id} rated {args.tenderness}/10.")
    return 0


def cmd_tp_release(args: argparse.Namespace, app: App) -> int:
    """Mark a trigger point released."""
    tp = app.tracker.context.release_trigger_point(args.id, date=args.date)
    app.saved = f"the release of trigger point #{tp.id}"
    if args.json:
        app.json(_tp_dict(tp))
    else:
        app.echo(f"Trigger point #{tp.id} released on {tp.released}.")
    return 0


def cmd_tp_list(args: argparse.Namespace, app: App) -> int:
    """List trigger points with their tenderness over time."""
    points = app.tracker.context.trigger_points()
    if args.json:
        app.json([_tp_dict(tp) for tp in points])
        return 0
    if not points:
        app.echo("No trigger points recorded.")
        return 0
    app.table(
        ("id", "where", "found", "tenderness over time", "released"),
        [
            (
                tp.id,
                f"{tp.side} {tp.muscle} {tp.spot}".strip(),
                tp.found,
                " → ".join(str(r.tenderness) for r in tp.ratings),
                tp.released or "",
            )
            for tp in points
        ],
    )
    return 0


# -- registration ----------------------------------------------------------------------------
def _group(sub: Any, name: str, common: argparse.ArgumentParser, help_text: str) -> Any:
    parser = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
    return parser.add_subparsers(title="actions", metavar="ACTION", required=True)


def _dose_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dose", help="amount per intake (for minerals: of the mineral itself)")
    p.add_argument(
        "--dose-of",
        choices=("salt", "element"),
        help="salt: --dose is the weight of the salt on the label (595 mg potassium "
        "gluconate), stored as the mineral (99 mg); element: the mineral itself; asked "
        "(or converted) when a dose looks like the salt's weight",
    )
    p.add_argument("--unit", help=f"one of {', '.join(vocab.REGIMEN_UNITS)} (minerals: default mg)")
    p.add_argument(
        "--times", help=f"intakes per day, comma-separated: {', '.join(vocab.DOSE_TIMES)}"
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add regimen and context commands to the top-level parser."""
    reg = _group(sub, "regimen", common, "supplements, foods, routines and therapies")
    p = reg.add_parser("start", parents=[common], help="start an item")
    p.add_argument("item", help="e.g. magnesium, potassium, calcium, stretching, 'coconut water'")
    p.add_argument("--kind", default="supplement", help=f"one of {', '.join(vocab.REGIMEN_KINDS)}")
    p.add_argument("--form", help="e.g. glycinate, citrate, oxide, carbonate")
    _dose_args(p)
    p.add_argument(
        "--start", "--date", dest="start", metavar="DATE", help="first day (default today)"
    )
    p.add_argument("--note", help="free text")
    p.add_argument("--json", action="store_true", help="print the entry as JSON")
    p.set_defaults(handler=cmd_regimen_start)
    p = reg.add_parser("stop", parents=[common], help="stop an item")
    p.add_argument("item")
    p.add_argument("--date", help="first day without it (default today)")
    p.add_argument("--note", help="why it stopped (added to its notes)")
    p.add_argument("--json", action="store_true", help="print the entry as JSON")
    p.set_defaults(handler=cmd_regimen_stop)
    p = reg.add_parser("switch", parents=[common], help="change form, dose or times from a date")
    p.add_argument("item")
    p.add_argument("--form", help="new form")
    _dose_args(p)
    p.add_argument(
        "--start",
        "--date",
        dest="start",
        metavar="DATE",
        help="first day of the new form/dose (default today)",
    )
    p.add_argument("--note", help="free text")
    p.add_argument("--json", action="store_true", help="print both entries as JSON")
    p.set_defaults(handler=cmd_regimen_switch)
    p = reg.add_parser("list", parents=[common], help="list ongoing items (--all: history)")
    p.add_argument("--all", action="store_true", help="include stopped items")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_regimen_list)

    p = sub.add_parser(
        "took",
        parents=[common],
        help="record that you took (or missed) an item; took bedtime / took all: all due",
    )
    p.add_argument(
        "item",
        help="an item, a time of day (bedtime: everything taken at bedtime) or all (every "
        "dose of the day)",
    )
    p.add_argument("--date", help="default today")
    p.add_argument("--time", help=f"which dose: {', '.join(vocab.DOSE_TIMES)}")
    p.add_argument("--missed", action="store_true", help="record a missed dose")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(handler=cmd_took)

    med = _group(sub, "med", common, "prescription medicines")
    p = med.add_parser("add", parents=[common], help="add a medicine")
    p.add_argument("name", help="generic or brand name, e.g. lisinopril")
    _dose_args(p)
    p.add_argument("--start", help="first day (default today)")
    p.add_argument("--note", help="free text")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(handler=cmd_med_add)
    p = med.add_parser("stop", parents=[common], help="stop a medicine")
    p.add_argument("name")
    p.add_argument("--date", help="first day without it (default today)")
    p.add_argument("--note", help="why it stopped (added to its notes)")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(handler=cmd_med_stop)
    p = med.add_parser("list", parents=[common], help="list medicines")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_med_list)

    lab = _group(sub, "lab", common, "lab results")
    p = lab.add_parser("add", parents=[common], help="record a lab result")
    p.add_argument("test", help=f"one of {', '.join(vocab.LAB_TESTS)}")
    p.add_argument("value", help="the number")
    p.add_argument("unit", help="e.g. mmol/L, mg/dL")
    p.add_argument("--date", help="default today")
    p.add_argument("--low", help="the lab's reference range, lower end")
    p.add_argument("--high", help="the lab's reference range, upper end")
    p.add_argument("--yes", action="store_true", help="confirm replacing that day's value")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(handler=cmd_lab_add)
    p = lab.add_parser("list", parents=[common], help="list lab results")
    p.add_argument("--test", help="only this test")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_lab_list)

    factor = _group(sub, "factor", common, "daily context: fluids, heat, exercise, custom …")
    p = factor.add_parser("add", parents=[common], help="record a factor for a day")
    p.add_argument("name", help=f"built-in: {', '.join(vocab.BUILTIN_FACTORS)}; or your own")
    p.add_argument("value", help="a number, yes/no, or text")
    p.add_argument("unit", nargs="?", help="e.g. ml, h, min")
    p.add_argument("--date", help="default today")
    p.add_argument("--yes", action="store_true", help="confirm replacing that day's value")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(handler=cmd_factor_add)
    p = factor.add_parser("list", parents=[common], help="list factors")
    p.add_argument("--from", dest="start", help="first date")
    p.add_argument("--to", dest="end", help="last date")
    p.add_argument("--name", help="only this factor")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_factor_list)

    profile = _group(sub, "profile", common, "who the diary belongs to (for safety rules)")
    p = profile.add_parser("set", parents=[common], help="set profile fields")
    p.add_argument("--birth-year", help="e.g. 1958")
    p.add_argument("--sex", help=f"one of {', '.join(vocab.SEXES)}")
    p.add_argument("--kidney-disease", choices=("yes", "no"), help="chronic kidney disease")
    p.add_argument("--timezone", help="IANA zone, e.g. Europe/Berlin")
    p.add_argument("--pregnant", choices=("yes", "no"), help="pregnant now")
    p.add_argument("--breastfeeding", choices=("yes", "no"), help="breastfeeding now")
    p.add_argument("--bedtime", help="usual bedtime HH:MM, for reminders (default 22:00)")
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(handler=cmd_profile_set)
    p = profile.add_parser("show", parents=[common], help="show the profile")
    p.add_argument("--json", action="store_true", help="print the profile as JSON")
    p.set_defaults(handler=cmd_profile_show)

    tp = _group(sub, "trigger-point", common, "tender spots on a body map, followed over time")
    p = tp.add_parser("add", parents=[common], help="record a trigger point")
    p.add_argument("muscle", help=f"one of {', '.join(vocab.MUSCLES)}")
    p.add_argument("--side", required=True, help=f"one of {', '.join(vocab.SIDES)}")
    p.add_argument("--spot", help="where on the muscle, e.g. 'mid-thigh, 10 cm above knee'")
    p.add_argument("--tenderness", help="0-10 today")
    p.add_argument("--date", help="default today")
    p.add_argument("--note", help="free text")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(handler=cmd_tp_add)
    p = tp.add_parser("rate", parents=[common], help="rate tenderness 0-10")
    p.add_argument("id", type=int)
    p.add_argument("tenderness")
    p.add_argument("--date", help="default today")
    p.add_argument("--yes", action="store_true", help="confirm replacing that day's value")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(handler=cmd_tp_rate)
    p = tp.add_parser("release", parents=[common], help="mark released (no longer tender)")
    p.add_argument("id", type=int)
    p.add_argument("--date", help="default today")
    p.add_argument("--json", action="store_true", help="print the record as JSON")
    p.set_defaults(handler=cmd_tp_release)
    p = tp.add_parser("list", parents=[common], help="list trigger points")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_tp_list)
