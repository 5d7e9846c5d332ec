"""Diary commands: nights, episodes, edit, delete, after-effect, summary; registers all.

``log`` and ``night`` live in ``hot_cmds`` (the fast path imports only that module).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any, TypeVar

from crampwise import vocab
from crampwise.cli._app import App, confirmable
from crampwise.cli._argv import add_command
from crampwise.cli.hot_cmds import (
    LOG,
    NIGHT,
    command_prefix,
    episode_dict,
    split_list,
    split_reliefs,
    woke_flag,
)
from crampwise.errors import ConfirmationRequired, InputError
from crampwise.nights import RATE_MIN_NIGHTS
from crampwise.timeparse import repeated_hour

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from collections.abc import Callable

    from crampwise.nights import Summary, Unchecked
    from crampwise.records import Episode
    from crampwise.weeks import Week

__all__ = ["cmd_checkin", "register", "with_emptied_night"]

T = TypeVar("T")


def _episode_line(app: App, e: Episode) -> str:
    local = app.tracker.diary.local_time(e)
    when = "time ?"
    if local is not None:  # the zone only where the clocks repeat an hour: which 01:30
        zone = f" {local.tzname()}" if repeated_hour(local) else ""
        when = f"{'~' if e.approximate else ''}{local:%H:%M}{zone}"
    parts = [f"#{e.id}", e.night, when]
    if e.side:
        parts.append(e.side)
    if e.muscles:
        parts.append("/".join(e.muscles))
    if e.severity is not None:
        parts.append(f"severity {e.severity}")
    if e.duration_min is not None:
        parts.append(f"{e.duration_min:g} min")
    if e.waves is not None:
        parts.append(f"{e.waves} wave{'s' if e.waves != 1 else ''}")
    if e.woke is not None:
        parts.append("woke" if e.woke else "did not wake")
    if e.reliefs:
        tried = ", ".join(
            f"{r.method} ({_HELPED.get(r.helped, r.helped)})" if r.helped else r.method
            for r in e.reliefs
        )
        parts.append(f"tried {tried}")
    if e.notes:
        parts.append(f"“{e.notes}”" if len(e.notes) <= 40 else f"“{e.notes[:40]}…”")
    return "  ".join(parts)


_HELPED = {"a-lot": "helped a lot", "somewhat": "helped somewhat", "not": "did not help"}


# -- handlers --------------------------------------------------------------------------------
def _day_text(date: str) -> str:
    day = dt.date.fromisoformat(date)
    return f"{day:%a} {day.day} {day:%b %Y}"


def _unchecked_lines(app: App, unchecked: Unchecked) -> list[str]:
    """The nights not checked in since the last entry, and the one command for them."""
    prefix = command_prefix(app.args)
    if unchecked.nights == 1:
        return [
            f"Last night ({_day_text(unchecked.first)}) is not checked in yet.",
            f"  No cramps?  {prefix} night --none",
            f"  Cramps?     {prefix} log --night {unchecked.first}   "
            f"(or {prefix} night --cramps N)",
        ]
    return [
        f"{unchecked.nights} nights since your last entry are not checked in: "
        f"{_day_text(unchecked.first)} – {_day_text(unchecked.last)}.",
        f"  All without cramps?  {prefix} night --none --from {unchecked.first} "
        f"--to {unchecked.last}",
        f"  A night with cramps? first {prefix} night DATE --cramps N (or log --night DATE),"
        " then the command above for the rest",
    ]


def cmd_nights(args: argparse.Namespace, app: App) -> int:
    """List nights over the diary's span, missing ones included (and the nights since
    the last entry that are not checked in yet)."""
    if args.json:  # the diary's own span (scripts): summary --json has "unchecked"
        app.json([s.to_dict() for s in app.tracker.diary.nights(args.start, args.end)])
        return 0
    statuses = app.tracker.diary.nights(args.start, args.end, to_last_night=True)
    if not statuses:
        app.echo("No nights yet. Record one with 'crampwise night --none' or 'crampwise log'.")
        return 0
    unchecked = app.tracker.diary.unchecked()
    pending = "not checked in"
    if args.list or len(statuses) <= 31:
        rows = [
            (
                s.date,
                dt.date.fromisoformat(s.date).strftime("%a"),
                s.cramps
                if s.observed
                else pending
                if unchecked is not None and s.date >= unchecked.first
                else "missing",
            )
            for s in statuses
        ]
        app.table(("night", "day", "cramps"), rows)
    else:
        _calendar(app, app.tracker.calendar(args.start, args.end, to_last_night=True))
    if unchecked is not None:
        app.echo()
        for line in _unchecked_lines(app, unchecked):
            app.echo(line)
    return 0


_CELL = {"outside": " ", "missing": "?"}


def _calendar(app: App, weeks: list[Week]) -> None:
    """One line per week: · cramp-free, a digit per cramp count, ? missing; and what
    started (+) or stopped (-) in the regimen that week."""
    rows = []
    for week in weeks:
        cells = [
            _CELL.get(d.status) or ("·" if not d.cramps else str(min(d.cramps, 9)))
            for d in week.days
        ]
        changes = [f"+{item}" for item in week.started] + [f"-{item}" for item in week.stopped]
        rows.append(
            (week.monday, " ".join(cells), week.cramps, week.nights_observed, " ".join(changes))
        )
    app.table(("week of", "M T W T F S S", "cramps", "nights", "regimen"), rows)
    app.echo(
        app.style(
            "· no cramps   1–9 cramps that night   ? missing (not counted as zero)   "
            "+started -stopped",
            "dim",
        )
    )


def cmd_episodes(args: argparse.Namespace, app: App) -> int:
    """List episodes (cramps with details)."""
    episodes = app.tracker.diary.episodes(args.start, args.end)
    if args.json:
        app.json([episode_dict(app, e) for e in episodes])
        return 0
    if not episodes:
        app.echo("No episodes recorded.")
        return 0
    for e in episodes:
        app.echo(_episode_line(app, e))
    return 0


def cmd_edit(args: argparse.Namespace, app: App) -> int:
    """Change an episode's details."""
    changes: dict[str, Any] = {}
    for name in ("at", "night", "side", "severity", "waves"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.duration is not None:
        changes["duration_min"] = args.duration
    if args.muscle:
        changes["muscles"] = split_list(args.muscle)
    if args.relief:
        changes["reliefs"] = split_reliefs(args.relief)
    if args.note is not None:
        changes["notes"] = args.note
    woke = woke_flag(args)
    if woke is not None:
        changes["woke"] = woke
    if not changes:
        app.fail("nothing to change; give e.g. --severity 7 or --muscle calf", 2)
    args.id = _episode_id(app, args.id)
    before = app.tracker.diary.episode(args.id)
    updated = confirmable(
        app,
        lambda ok: with_emptied_night(
            app,
            lambda then: app.tracker.diary.edit_episode(
                args.id, confirm=ok, emptied_night=then, **changes
            ),
        ),
    )
    app.saved = f"the change to cramp #{args.id}"
    if args.json:
        app.json(episode_dict(app, updated))
    else:  # both lines only once the edit is stored: an error stays one line
        app.note(f"before: {_episode_line(app, before)}")
        app.echo(f"after:  {_episode_line(app, updated)}")
    return 0


def cmd_delete(args: argparse.Namespace, app: App) -> int:
    """Delete a record (asks for confirmation, or --yes)."""
    t = app.tracker
    if args.kind == "episode":
        episode_id = _episode_id(app, args.id)
        args.id = str(episode_id)
        confirmable(
            app,
            lambda ok: with_emptied_night(
                app,
                lambda then: t.diary.delete_episode(episode_id, confirm=ok, emptied_night=then),
            ),
        )
    elif args.kind == "night":
        confirmable(app, lambda ok: t.diary.delete_night(args.id, confirm=ok))
    elif args.kind == "regimen":
        confirmable(app, lambda ok: t.regimen.delete_entry(_int_id(app, args.id), confirm=ok))
    else:
        confirmable(app, lambda ok: t.context.delete(args.kind, _int_id(app, args.id), confirm=ok))
    app.saved = f"the deletion of {args.kind} {args.id}"
    app.echo(f"Deleted {args.kind} {args.id}.")
    return 0


_THEN_HELP = (
    "when this is its night's only cramp: was the night otherwise cramp-free, or is it "
    "unknown (missing)? Asked when not given"
)


def with_emptied_night(app: App, action: Callable[[str | None], T]) -> T:
    """Run ``action(then)``; when a night would lose its only cramp and ``--then`` was not
    given, ask on a terminal (else the error says to give ``--then``)."""
    try:
        return action(app.args.then)
    except InputError as error:
        if error.field != "emptied_night" or not sys.stdin.isatty():
            raise
        sys.stderr.write(f"{error.detail} [c/m] ")
        sys.stderr.flush()
        answer = sys.stdin.readline().strip().lower()
        then = {"c": "cramp-free", "m": "missing"}.get(answer[:1])
        if then is None:
            raise ConfirmationRequired("cancelled; nothing was changed") from None
        return action(then)


def _int_id(app: App, value: str) -> int:
    from crampwise.validate import record_id, shown

    if not value.strip().isdigit():
        app.fail(
            f"id: {shown(value)} is not a record id (a whole number; see the list commands)", 2
        )
    return record_id(value)


def _episode_id(app: App, value: str | None) -> int:
    """An episode id as typed; ``last`` (or nothing) is the cramp logged last."""
    if value is None or value.strip().lower() in ("last", "latest"):
        latest = app.tracker.diary.latest_episode()
        if latest is None or latest.id is None:
            app.fail("there is no cramp in the diary yet; log one with 'crampwise log'", 1)
        return latest.id
    return _int_id(app, value)


def cmd_after_effect(args: argparse.Namespace, app: App) -> int:
    """Rate soreness or a knot on a day after a cramp."""
    args.id = _episode_id(app, args.id)
    episode = app.tracker.diary.add_after_effect(args.id, args.kind, args.rating, args.date)
    app.saved = f"the {args.kind} rating"
    if args.json:
        app.json(episode_dict(app, episode))
    else:
        app.echo(f"Rated {args.kind} {args.rating}/10 after cramp #{args.id}.")
    return 0


def _streak_text(s: Summary) -> str:
    """Streaks in words; a streak never runs across nights not checked in."""
    if s.last_night is None:
        return ""
    if s.current_streak:
        nights = f"{s.current_streak} night{'s' if s.current_streak > 1 else ''}"
        now = f"{nights} without cramps, up to {_day_text(s.last_night)}"
        if s.unchecked is not None:
            now += " (the nights since are not checked in)"
    else:
        now = f"none: the last night in the diary ({_day_text(s.last_night)}) had cramps"
    if not s.longest_streak:
        return f"cramp-free streak: {now}; no night without cramps yet"
    return f"cramp-free streak: {now}; longest {s.longest_streak}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _headline(s: Summary) -> str:
    """The summary in one plain sentence."""
    if s.nights_observed < RATE_MIN_NIGHTS:
        return (
            f"{s.nights_observed} night{'s' if s.nights_observed != 1 else ''} checked in "
            f"so far: too early to tell how often cramps come. Keep checking in every night; "
            f"{s.nights_needed} more night{'s' if s.nights_needed != 1 else ''} are needed "
            "for a weekly rate."
        )
    assert s.cramps_per_week is not None
    between = ""
    if s.cramps_per_week_low is not None and s.cramps_per_week_high is not None:
        between = f", between {_rate(s.cramps_per_week_low)} and {_rate(s.cramps_per_week_high)}"
    return (
        f"About {_rate(s.cramps_per_week)} cramps a week over the whole diary{between} "
        f"({s.cramps} on {s.nights_observed} nights checked in). Whether something helped: "
        "crampwise analyze."
    )


def _rate(x: float) -> str:
    if x == 0:
        return "0"
    return "under 0.01" if x < 0.01 else f"{x:.1f}" if x >= 1 else f"{x:.2f}"


def cmd_summary(args: argparse.Namespace, app: App) -> int:
    """The diary at a glance: what is not checked in yet, then the numbers."""
    s = app.tracker.summary()
    if args.json:
        app.json(s.to_dict())
        return 0
    if s.first_night is None:
        _empty_diary(app)
        return 0
    app.echo(app.style(_headline(s), "bold"))
    if s.unchecked is not None:
        for line in _unchecked_lines(app, s.unchecked):
            app.echo(line)
    app.echo()
    app.echo(
        f"  nights      {s.first_night} → {s.last_night}: {s.nights_observed} checked in, "
        f"{s.nights_missing} missing (missing nights are not counted as cramp-free)"
    )
    app.echo(
        f"  cramps      {_count(s.cramps, 'cramp')} on {_count(s.nights_with_cramps, 'night')}"
    )
    app.echo(f"  streaks     {_streak_text(s)}")
    return 0


def _empty_diary(app: App) -> None:
    app.echo(
        "The diary is empty. At night: 'crampwise log' (a cramp, now; add words like "
        "'calf left 8'). In the morning after a quiet night: 'crampwise night --none'. "
        "See an example: 'crampwise demo'."
    )
    import os

    from crampwise.demo import demo_database_path

    demo = demo_database_path()
    if os.path.exists(demo) and app.tracker.database_url != f"sqlite:///{demo}":
        app.echo(f"The demo story is in its own diary: crampwise --db {demo} summary")


def cmd_checkin(args: argparse.Namespace, app: App) -> int:
    """``crampwise`` alone: the morning check-in - the nights not checked in since the
    last entry and the one command that checks them in."""
    diary = app.tracker.diary
    unchecked = diary.unchecked()
    if unchecked is None and app.tracker.is_empty():
        _empty_diary(app)
    elif unchecked is None:
        last = diary.nights()[-1]
        cramps = "no cramps" if not last.cramps else _count(last.cramps, "cramp")
        cw = command_prefix(args)  # with the --db given, so the commands reach this diary
        app.echo(
            f"Every night up to last night is checked in (last: {_day_text(last.date)}, "
            f"{cramps}). Log a cramp: {cw} log; the diary at a glance: {cw} summary."
        )
    else:
        for line in _unchecked_lines(app, unchecked):
            app.echo(line)
    app.echo(app.style("All commands: crampwise --help", "dim"))
    return 0


# -- registration ----------------------------------------------------------------------------
def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the diary commands to the top-level parser."""
    add_command(sub, common, LOG)
    add_command(sub, common, NIGHT)

    p = sub.add_parser("nights", parents=[common], help="list nights, missing ones included")
    p.add_argument("--from", dest="start", help="first night (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", help="last night (YYYY-MM-DD)")
    p.add_argument(
        "--list",
        action="store_true",
        help="one line per night (default for up to 31 nights; longer: a calendar)",
    )
    p.add_argument(
        "--json",
        action="store_true",
        help='print [{"date", "observed", "cramps"}] over the diary\'s span (missing: cramps '
        "null; the nights since the last entry: summary --json, unchecked)",
    )
    p.set_defaults(handler=cmd_nights)

    p = sub.add_parser("episodes", parents=[common], help="list cramps with their details")
    p.add_argument("--from", dest="start", help="first night (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", help="last night (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_episodes)

    p = sub.add_parser(
        "edit",
        parents=[common],
        help="change a cramp's details (the last one logged unless an id is given)",
    )
    p.add_argument(
        "id", nargs="?", help="episode id (see 'crampwise episodes'), or last (the default)"
    )
    p.add_argument("--at", help="the time it happened: 3am, 03:10, 'around 03:10'")
    p.add_argument("--night", help="move it to another night (YYYY-MM-DD)")
    p.add_argument("--side", help=f"one of {', '.join(vocab.SIDES)}")
    p.add_argument("--severity", help="0-10")
    p.add_argument("--duration", help="minutes: 3, 3m, 90s")
    p.add_argument("--waves", help="how many waves (1 or more)")
    p.add_argument("--note", help="free text (replaces the old note)")
    p.add_argument("--muscle", action="append", help="new muscle list (replaces the old one)")
    p.add_argument("--relief", action="append", help="new relief list, METHOD[:HELPED]")
    p.add_argument("--woke", action="store_true", help="it woke you up")
    p.add_argument("--no-woke", action="store_true", help="it did not wake you")
    p.add_argument("--yes", action="store_true", help="confirm without asking")
    p.add_argument("--then", help=_THEN_HELP, metavar="cramp-free|missing")
    p.add_argument("--json", action="store_true", help="print the edited episode as JSON")
    p.set_defaults(handler=cmd_edit)

    p = sub.add_parser("delete", parents=[common], help="delete a record (asks first)")
    p.add_argument(
        "kind",
        choices=("episode", "night", "regimen", "med", "lab", "factor", "trigger-point"),
        help="what to delete",
    )
    p.add_argument("id", help="its id (a date for a night; last: the cramp logged last)")
    p.add_argument("--yes", action="store_true", help="confirm without asking")
    p.add_argument("--then", help=_THEN_HELP, metavar="cramp-free|missing")
    p.set_defaults(handler=cmd_delete)

    p = sub.add_parser(
        "after-effect", parents=[common], help="rate soreness or a knot on a day after a cramp"
    )
    p.add_argument("id", help="episode id, or last (the cramp logged last)")
    p.add_argument("kind", help=f"one of {', '.join(vocab.AFTER_EFFECT_KINDS)}")
    p.add_argument("rating", help="0-10")
    p.add_argument("--date", help="the day rated (default today)")
    p.add_argument("--json", action="store_true", help="print the episode as JSON")
    p.set_defaults(handler=cmd_after_effect)

    p = sub.add_parser("summary", parents=[common], help="the diary at a glance")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=cmd_summary)
