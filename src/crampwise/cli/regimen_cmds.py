"""Regimen commands: regimen, took, med."""

from __future__ import annotations

import argparse
from typing import Any

from crampwise import vocab
from crampwise.cli._app import App
from crampwise.cli._parser import command_group
from crampwise.cli._plainsafety import show_new_item_safety
from crampwise.formats.jsonrecords import adherence_json, medication_json, regimen_json

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.records import Medication, RegimenEntry

__all__ = ["register"]


def _shown(item: str, form: str | None = None) -> str:
    """An item as people write it ("magnesium citrate", "vitamin D3", "Diovan HCT"), its
    form added unless the name already says it."""
    from crampwise.knowledge import display_name

    name = display_name(item)
    if form and form.casefold() not in name.casefold():
        name = f"{name} {form}"
    return name


def _times(value: str | None) -> list[str]:
    return [t.strip() for t in (value or "").split(",") if t.strip()]


def _entry_dict(e: RegimenEntry) -> dict[str, Any]:
    return regimen_json(e, compact=False)


def _dose_text(
    dose: float | None, unit: str | None, times: tuple[str, ...], every: str = "day"
) -> str:
    """``200 mg × 2 (morning, bedtime)``; ``50000 IU × 1 (morning), once a week``."""
    if dose is None:
        text = ", ".join(times)
    else:
        text = f"{dose:g} {unit or ''}".strip()
        text = f"{text} × {len(times)} ({', '.join(times)})" if times else text
    if every != "day":
        from crampwise.schedule import describe

        text = f"{text}, {describe(every)}" if text else describe(every)
    return text


def _entry_dose(e: RegimenEntry) -> str:
    return _dose_text(e.dose, e.unit, e.times, e.every)


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
        every=args.every,
    )
    app.saved = f"{entry.item} (regimen entry {entry.id})"
    report_dose(app, reading, entry)
    if args.json:
        app.json(_entry_dict(entry))
    else:
        dose = _entry_dose(entry)
        app.echo(
            f"Started {_shown(entry.item, entry.form)}"
            f"{' — ' + dose if dose else ''} from {entry.start}."
        )
    show_new_item_safety(app, entry.item)
    return 0


def cmd_regimen_stop(args: argparse.Namespace, app: App) -> int:
    """Stop an item (the date is the first day without it)."""
    entry = app.tracker.regimen.stop(args.item, date=args.date, notes=args.note)
    app.saved = f"the stop of {entry.item}"
    if args.json:
        app.json(_entry_dict(entry))
    else:
        app.echo(
            f"Stopped {_shown(entry.item, entry.form)}: taken {entry.start} until {entry.end} "
            "(first day without)."
        )
    return 0


def cmd_regimen_switch(args: argparse.Namespace, app: App) -> int:
    """Change form, dose or times of an ongoing item from a date."""
    from crampwise.cli._labeldose import DoseReading, report_dose
    from crampwise.validate import dose_and_unit

    args.dose, args.unit = dose_and_unit(args.dose, args.unit)  # "99mg", "20 mEq"
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
        every=args.every,
    )
    app.saved = f"the switch of {new.item}"
    report_dose(app, reading, new)
    if args.json:
        app.json({"stopped": _entry_dict(old), "started": _entry_dict(new)})
    else:
        app.echo(
            f"Switched {_shown(new.item)} on {new.start}: "
            f"{old.form or ''} {_entry_dose(old)} → "
            f"{new.form or ''} {_entry_dose(new)}".replace("  ", " ")
        )
    show_new_item_safety(app, new.item)
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
    today = app.tracker.today().isoformat()
    app.table(
        ("id", "item", "kind", "form", "dose", "from", "until"),
        [
            (
                e.id,
                e.item,
                e.kind,
                e.form or "",
                _entry_dose(e) + _next_dose(e, today),
                e.start,
                e.end or "ongoing",
            )
            for e in entries
        ],
    )
    return 0


def _next_dose(e: RegimenEntry, today: str) -> str:
    """`` (due today)`` / `` (next 2026-12-09)`` for an item in force that is not taken
    every day; nothing otherwise."""
    if e.every == "day" or not e.active_on(today):
        return ""
    if e.due_on(today):
        return " (due today)"
    from crampwise.schedule import next_due

    following = next_due(e.every, e.start, today)
    return "" if e.end is not None and following >= e.end else f" (next {following})"


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
        every=args.every,
    )
    app.saved = f"{med.name} (medication {med.id})"
    if args.json:
        app.json(_med_dict(med))
    else:
        dose = _dose_text(med.dose, med.unit, med.times, med.every)
        app.echo(f"Added {_shown(med.name)}{' ' + dose if dose else ''} from {med.start}.")
    show_new_item_safety(app, med.name)
    return 0


def cmd_med_stop(args: argparse.Namespace, app: App) -> int:
    """Stop a medicine."""
    med = app.tracker.regimen.stop_medication(args.name, date=args.date, notes=args.note)
    app.saved = f"the stop of {med.name}"
    if args.json:
        app.json(_med_dict(med))
    else:
        app.echo(f"Stopped {_shown(med.name)} from {med.end}.")
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
            (
                m.id,
                m.name,
                _dose_text(m.dose, m.unit, m.times, m.every),
                m.start,
                m.end or "ongoing",
            )
            for m in meds
        ],
    )
    return 0


# -- registration ----------------------------------------------------------------------------
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


def _every_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--every",
        metavar="SCHEDULE",
        help="how often, counted from the first day: day (default), 'other day', '3 days', "
        "week, '2 weeks', month (--times: the intakes on such a day)",
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the regimen, took and med commands to the top-level parser."""
    reg = command_group(sub, "regimen", common, "supplements, foods, routines and therapies")
    p = reg.add_parser("start", parents=[common], help="start an item")
    p.add_argument("item", help="e.g. magnesium, potassium, calcium, stretching, 'coconut water'")
    p.add_argument("--kind", default="supplement", help=f"one of {', '.join(vocab.REGIMEN_KINDS)}")
    p.add_argument("--form", help="e.g. glycinate, citrate, oxide, carbonate")
    _dose_args(p)
    _every_arg(p)
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
    p = reg.add_parser(
        "switch", parents=[common], help="change form, dose, times or schedule from a date"
    )
    p.add_argument("item")
    p.add_argument("--form", help="new form")
    _dose_args(p)
    _every_arg(p)
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

    med = command_group(sub, "med", common, "prescription medicines")
    p = med.add_parser("add", parents=[common], help="add a medicine")
    p.add_argument("name", help="generic or brand name, e.g. lisinopril")
    _dose_args(p)
    _every_arg(p)
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
