"""Insight commands: analyze, safety, nutrition, food, claim (heavy imports stay inside)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any, Protocol

from crampwise._blas import BLAS_THREAD_VARIABLES, single_thread_blas
from crampwise.cli._app import App, confirmable
from crampwise.cli._argv import add_command
from crampwise.cli.analyze_cmds import ANALYZE

__all__ = ["BLAS_THREAD_VARIABLES", "register", "single_thread_blas"]


class _Reportable(Protocol):
    def to_dict(self) -> dict[str, Any]: ...
    def to_text(self) -> str: ...


def _report(app: App, args: argparse.Namespace, result: _Reportable) -> int:
    """Print a result object as JSON (``--json``) or as readable text."""
    if args.json:
        app.json(result.to_dict())
    else:
        app.echo(result.to_text())
    return 0


def _day(app: App, args: argparse.Namespace) -> dt.date:
    """``--date`` in the person's calendar, default today."""
    return dt.date.fromisoformat(app.tracker.day(args.date))


def cmd_safety(args: argparse.Namespace, app: App) -> int:
    """Check regimen, foods, medicines, labs and red flags against the safety rules."""
    report = app.tracker.safety(_day(app, args))
    if args.json:
        app.json(report.to_dict())
        return 0
    from crampwise.cli._plainsafety import safety_text

    app.echo(safety_text(report, args.details))
    if report.questions:
        app.echo("Answer a question with: crampwise red-flags ID yes|no")
    return 0


def cmd_nutrition(args: argparse.Namespace, app: App) -> int:
    """Daily potassium, magnesium, calcium and sodium from foods and supplements."""
    totals = app.tracker.nutrition(_day(app, args))
    if not args.json:
        from crampwise.cli._plainsafety import nutrition_headline

        for line in nutrition_headline(totals):
            app.echo(line)
        app.echo()
    return _report(app, args, totals)


def cmd_food(args: argparse.Namespace, app: App) -> int:
    """Look up a food's potassium, magnesium, calcium and sodium."""
    from crampwise.knowledge.foodreport import (
        compare_foods,
        comparison_to_text,
        food_to_dict,
        food_to_text,
    )
    from crampwise.knowledge.foods import lookup_food

    words = list(args.query)
    if words and words[0] == "compare":
        if len(words) != 3:
            app.fail(
                "food compare: give two foods, e.g. crampwise food compare moringa milk "
                "--nutrient calcium",
                2,
            )
        if args.nutrient is None:  # the four cramp minerals, as people eat the foods
            from crampwise.knowledge.foodcompare import compare_everyday, everyday_to_text

            everyday = compare_everyday(words[1], words[2])
            if args.json:
                app.json(everyday)
            else:
                app.echo(everyday_to_text(everyday))
            return 0
        comparison = compare_foods(words[1], words[2], args.nutrient)
        if args.json:
            app.json(comparison)
        else:
            app.echo(comparison_to_text(comparison))
        return 0
    lookup = lookup_food(" ".join(words))
    if args.json:
        app.json(food_to_dict(lookup))
    else:
        app.echo(food_to_text(lookup))
    return 0


def cmd_claim(args: argparse.Namespace, app: App) -> int:
    """Check a nutrient claim against the food tables."""
    from crampwise.knowledge.claims import check_claim

    return _report(app, args, check_claim(" ".join(args.text)))


def cmd_red_flags(args: argparse.Namespace, app: App) -> int:
    """List the red-flag questions with your latest answers, or record an answer."""
    context = app.tracker.context
    if args.ask:
        if args.flag is not None:
            app.fail("flag: --ask goes through every question; give no question id with it", 2)
        return _ask_red_flags(args, app)
    if args.flag is not None:
        if args.answer is None or args.answer.strip().lower() not in ("yes", "no"):
            app.fail("answer: give yes or no after the question id", 2)
        present = args.answer.strip().lower() == "yes"
        answer = confirmable(
            app,
            lambda ok: context.answer_red_flag(args.flag, present, date=args.date, confirm=ok),
        )
        app.saved = f"the answer to {answer.flag}"
        if args.json:
            from crampwise.formats.jsonrecords import red_flag_json

            app.json(red_flag_json(answer))
        elif answer.present:
            status = next(s for s in context.red_flag_status() if s.flag == answer.flag)
            app.echo(app.style(status.message, "bold", "red"))
            app.echo("crampwise is not medical advice; it cannot diagnose.")
        else:
            app.echo(f"Recorded: {answer.flag} — no ({answer.date}).")
        return 0
    statuses = context.red_flag_status()
    if args.json:
        app.json(
            [
                {
                    "flag": s.flag,
                    "question": s.question,
                    "urgency": s.urgency,
                    "answer": s.answer,
                    "answered_on": s.answered_on,
                }
                for s in statuses
            ]
        )
        return 0
    app.echo(
        "Red-flag questions (answer them one by one: crampwise red-flags --ask; "
        "or one: crampwise red-flags ID yes|no)"
    )
    for s in statuses:
        state = {None: "not answered", True: "YES", False: "no"}[s.answer]
        app.echo(f"  {s.flag:<34} {state:<13} {s.question}")
    return 0


def _ask_red_flags(args: argparse.Namespace, app: App) -> int:
    """The red-flag questions one by one: y(es), n(o), Enter to skip, q to stop."""
    import sys

    context = app.tracker.context
    statuses = context.red_flag_status()
    app.echo(
        f"{len(statuses)} questions about your cramps. Answer y (yes) or n (no); Enter skips "
        "one, q stops. crampwise is not medical advice; it cannot diagnose."
    )
    answered: list[tuple[str, bool]] = []
    for number, status in enumerate(statuses, 1):
        last = ""
        if status.answer is not None:
            last = f" [last answer: {'yes' if status.answer else 'no'}, {status.answered_on}]"
        while True:
            app.echo(f"{number}/{len(statuses)} {status.question}{last}")
            if sys.stdout is not None:
                sys.stdout.write("  y/n/Enter/q: ")
                sys.stdout.flush()
            line = sys.stdin.readline() if sys.stdin is not None else ""
            reply = line.strip().lower()
            if sys.stdin is not None and not sys.stdin.isatty():
                app.echo(reply)  # what a terminal would have shown as typed
            if not line or reply in ("q", "quit", "stop"):  # end of input: stop here
                app.echo()
                return _asked(app, answered, stopped=number <= len(statuses))
            if reply in ("", "s", "skip"):
                break
            if reply in ("y", "yes", "n", "no"):
                present = reply.startswith("y")
                answer = context.answer_red_flag(status.flag, present, date=args.date, confirm=True)
                app.saved = f"{len(answered) + 1} red-flag answer(s)"
                answered.append((answer.flag, present))
                if present:
                    app.echo(app.style(f"  {status.message}", "bold", "red"))
                break
            app.echo("  Please answer y, n, Enter (skip) or q (stop).")
    return _asked(app, answered, stopped=False)


def _asked(app: App, answered: list[tuple[str, bool]], *, stopped: bool) -> int:
    yes = [flag for flag, present in answered if present]
    said = f"Recorded {len(answered)} answer{'s' if len(answered) != 1 else ''}"
    if stopped:
        said += "; the rest can wait for 'crampwise red-flags --ask'"
    app.echo(said + ".")
    if yes:
        app.echo(
            app.style(
                f"{len(yes)} of your answers mean: see a clinician (listed above). "
                "crampwise cannot diagnose.",
                "bold",
                "red",
            )
        )
    return 0


def cmd_drug(args: argparse.Namespace, app: App) -> int:
    """Is a medicine linked with leg cramps? (generic or brand name)"""
    from crampwise.knowledge.lookups import drug_report, drug_report_text

    report = drug_report(" ".join(args.name))
    if args.json:
        app.json(report)
    elif args.details:
        app.echo(drug_report_text(report))
    else:
        from crampwise.knowledge.evidencewords import drug_report_plain

        app.echo(drug_report_plain(report))
        app.echo("The evidence, its numbers and sources: add --details.")
    return 0


def cmd_stretches(args: argparse.Namespace, app: App) -> int:
    """Stretches per muscle, with short instructions."""
    from crampwise.knowledge.lookups import stretch_report, stretch_report_text

    rows = stretch_report(args.muscle)
    if args.json:
        app.json(rows)
    else:
        app.echo(stretch_report_text(rows, args.muscle))
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the insight commands to the top-level parser."""
    add_command(sub, common, ANALYZE)

    p = sub.add_parser(
        "safety",
        parents=[common],
        help="check limits, interactions, cramp-associated drugs, labs, red flags",
    )
    p.add_argument("--date", help="check the regimen as it was on this day (default today)")
    p.add_argument(
        "--details",
        action="store_true",
        help="the evidence behind each finding: grades, ratios with their ranges, sources",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"findings": [{"code", "severity", "message", "items", "sources"}]}',
    )
    p.set_defaults(handler=cmd_safety)

    p = sub.add_parser(
        "nutrition",
        parents=[common],
        help="daily K/Mg/Ca/Na from foods and supplements vs RDA and upper limit",
    )
    p.add_argument("--date", help="the day (default today)")
    p.add_argument("--json", action="store_true", help="print the totals as JSON")
    p.set_defaults(handler=cmd_nutrition)

    p = sub.add_parser(
        "food",
        parents=[common],
        help="nutrients of a food (USDA SR28, IFCT 2017); 'food compare A B'",
        description='Look up a food: crampwise food "coconut water". Compare two (a '
        "medium banana against a cup of coconut water): crampwise food compare banana "
        '"coconut water"; one mineral in detail: --nutrient calcium.',
    )
    p.add_argument("query", nargs="+", help="a food name, or: compare FOOD_A FOOD_B")
    p.add_argument(
        "--nutrient",
        help="for compare: one of potassium, magnesium, calcium, sodium in detail (default: "
        "all four, for a portion of each as people eat it)",
    )
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_food)

    p = sub.add_parser(
        "claim",
        parents=[common],
        help="check a claim like 'moringa has 4 times the calcium of milk' (or ask: 'does "
        "moringa have 4x more calcium than milk?')",
    )
    p.add_argument("text", nargs="+", help="the claim or the question, quoted")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"claim", "verdict", "answer": [...], "evidence": [...]}',
    )
    p.set_defaults(handler=cmd_claim)

    p = sub.add_parser(
        "red-flags",
        parents=[common],
        help="red-flag questions (reasons to see a clinician); --ask goes through them",
    )
    p.add_argument("flag", nargs="?", help="question id, e.g. leg-swelling")
    p.add_argument("answer", nargs="?", help="yes or no")
    p.add_argument("--date", help="the day answered (default today)")
    p.add_argument(
        "--ask",
        action="store_true",
        help="go through the questions one by one (y/n, Enter skips, q stops)",
    )
    p.add_argument("--yes", action="store_true", help="confirm changing that day's answer")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_red_flags)

    p = sub.add_parser(
        "drug",
        parents=[common],
        help="is a medicine linked with leg cramps? (generic or brand name, with evidence)",
    )
    p.add_argument("name", nargs="+", help="e.g. furosemide, Lasix, atorvastatin")
    p.add_argument(
        "--details",
        action="store_true",
        help="the evidence: its grade, the ratio with its 95 %% range, the sources",
    )
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_drug)

    p = sub.add_parser(
        "stretches", parents=[common], help="stretches per muscle, with short instructions"
    )
    p.add_argument("muscle", nargs="?", help="e.g. inner-thigh, calf, hamstring (default: all)")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_stretches)
