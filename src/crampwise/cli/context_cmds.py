"""Context commands: lab, factor, profile, trigger-point (what surrounds the nights)."""

from __future__ import annotations

import argparse
from typing import Any

from crampwise import vocab
from crampwise.cli._app import App, confirmable
from crampwise.cli._parser import command_group
from crampwise.cli._plainsafety import show_new_item_safety
from crampwise.formats.jsonrecords import (
    factor_json,
    lab_json,
    profile_json,
    trigger_point_json,
)

__all__ = ["register"]


def _factor_value(value: float | bool | str) -> str:
    """2000, yes, heels — as a person would write them."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return f"{value:g}" if isinstance(value, float) else value


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
    name = _lab_name(lab.test)
    app.saved = f"the {name} result"
    if args.json:
        app.json(lab_json(lab, compact=False))
    else:
        app.echo(f"Recorded {name} {lab.value:g} {lab.unit} on {lab.date}.")
    show_new_item_safety(app, lab.test)
    return 0


def _lab_name(test: str) -> str:
    """The test as people say it ("25-hydroxyvitamin D", not the key ``vitamin-d``)."""
    from crampwise.knowledge import labs

    known = labs().get(test)
    return known.name if known is not None else test


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


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the lab, factor, profile and trigger-point commands to the top-level parser."""
    lab = command_group(sub, "lab", common, "lab results")
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

    factor = command_group(sub, "factor", common, "daily context: fluids, heat, exercise, custom …")
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

    profile = command_group(sub, "profile", common, "who the diary belongs to (for safety rules)")
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

    tp = command_group(
        sub, "trigger-point", common, "tender spots on a body map, followed over time"
    )
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
