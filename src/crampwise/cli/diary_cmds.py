"""Diary commands: log, night, nights, episodes, edit, delete, after-effect, summary."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING, Any

from crampwise import vocab
from crampwise.cli._app import App, confirmable

if TYPE_CHECKING:
    from crampwise.records import Episode

__all__ = ["register"]


def _split(values: list[str] | None) -> list[str]:
    """Accept both ``--muscle calf --muscle foot`` and ``--muscle calf,foot``."""
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def _reliefs(values: list[str] | None) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for value in _split(values):
        method, _, helped = value.partition(":")
        out.append((method, helped or None))
    return out


def _woke(args: argparse.Namespace) -> bool | None:
    return True if args.woke else False if args.no_woke else None


def episode_dict(app: App, e: Episode) -> dict[str, Any]:
    """An episode as the CLI's JSON shows it (local time in the zone it was logged in)."""
    local = app.tracker.diary.local_time(e)
    return {
        "id": e.id,
        "night": e.night,
        "time": local.strftime("%H:%M") if local else None,
        "approximate": e.approximate,
        "side": e.side,
        "muscles": list(e.muscles),
        "severity": e.severity,
        "duration_min": e.duration_min,
        "waves": e.waves,
        "woke": e.woke,
        "reliefs": [{"method": r.method, "helped": r.helped} for r in e.reliefs],
        "after_effects": [
            {"date": a.date, "kind": a.kind, "rating": a.rating} for a in e.after_effects
        ],
        "notes": e.notes,
    }


def _pretty_night(date: str) -> str:
    return dt.date.fromisoformat(date).strftime("%a %-d %b %Y")


def _episode_line(app: App, e: Episode) -> str:
    local = app.tracker.diary.local_time(e)
    when = ("~" if e.approximate else "") + local.strftime("%H:%M") if local else "time ?"
    parts = [f"#{e.id}", e.night, when]
    if e.side:
        parts.append(e.side)
    if e.muscles:
        parts.append("/".join(e.muscles))
    if e.severity is not None:
        parts.append(f"severity {e.severity}")
    if e.duration_min is not None:
        parts.append(f"{e.duration_min:g} min")
    return "  ".join(parts)


# -- handlers --------------------------------------------------------------------------------
def cmd_log(args: argparse.Namespace, app: App) -> int:
    """Record a cramp (defaults: now, last night)."""
    logged = app.tracker.diary.log_episode(
        at=args.at,
        night=args.night,
        side=args.side,
        muscles=_split(args.muscle),
        severity=args.severity,
        duration_min=args.duration,
        waves=args.waves,
        woke=_woke(args),
        reliefs=_reliefs(args.relief),
        notes=args.note or "",
        client_id=args.client_id,
    )
    if args.json:
        app.json(
            {
                **episode_dict(app, logged.episode),
                "night_total": logged.night_total,
                "duplicate": logged.duplicate,
            }
        )
        return 0
    e = logged.episode
    local = app.tracker.diary.local_time(e)
    when = f" at {'~' if e.approximate else ''}{local:%H:%M}" if local else ""
    verb = "Already logged" if logged.duplicate else "Logged"
    app.echo(
        f"{verb} cramp #{e.id}{when}, night of {_pretty_night(e.night)} "
        f"({logged.night_total} this night)."
    )
    if not logged.duplicate and e.severity is None:
        app.echo(
            app.style(
                f"Add details later: crampwise edit {e.id} --severity 7 --muscle calf --side left",
                "dim",
            )
        )
    return 0


def cmd_night(args: argparse.Namespace, app: App) -> int:
    """Check in a night: cramp-free (--none) or a count (--cramps N)."""
    night = confirmable(
        app,
        lambda ok: app.tracker.diary.record_night(
            args.date,
            cramps=args.cramps,
            none=args.none,
            sleep_quality=args.sleep,
            notes=args.note,
            confirm=ok,
        ),
    )
    if args.json:
        app.json(
            {
                "date": night.date,
                "observed": True,
                "cramps": night.cramps,
                "sleep_quality": night.sleep_quality,
                "notes": night.notes,
            }
        )
        return 0
    what = "no cramps" if night.cramps == 0 else f"{night.cramps} cramp(s)"
    app.echo(f"Night of {_pretty_night(night.date)}: {what}.")
    return 0


def cmd_nights(args: argparse.Namespace, app: App) -> int:
    """List nights over the diary's span, missing ones included."""
    statuses = app.tracker.diary.nights(args.start, args.end)
    if args.json:
        app.json([s.to_dict() for s in statuses])
        return 0
    if not statuses:
        app.echo("No nights yet. Record one with 'crampwise night --none' or 'crampwise log'.")
        return 0
    rows = [
        (
            s.date,
            dt.date.fromisoformat(s.date).strftime("%a"),
            s.cramps if s.observed else "missing",
        )
        for s in statuses
    ]
    app.table(("night", "day", "cramps"), rows)
    return 0


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
        changes["muscles"] = _split(args.muscle)
    if args.relief:
        changes["reliefs"] = _reliefs(args.relief)
    if args.note is not None:
        changes["notes"] = args.note
    woke = _woke(args)
    if woke is not None:
        changes["woke"] = woke
    if not changes:
        app.fail("nothing to change; give e.g. --severity 7 or --muscle calf", 2)
    before = app.tracker.diary.episode(args.id)
    app.note(f"before: {_episode_line(app, before)}")
    updated = confirmable(
        app, lambda ok: app.tracker.diary.edit_episode(args.id, confirm=ok, **changes)
    )
    if args.json:
        app.json(episode_dict(app, updated))
    else:
        app.echo(f"after:  {_episode_line(app, updated)}")
    return 0


def cmd_delete(args: argparse.Namespace, app: App) -> int:
    """Delete a record (asks for confirmation, or --yes)."""
    t = app.tracker
    if args.kind == "episode":
        confirmable(app, lambda ok: t.diary.delete_episode(_int_id(app, args.id), confirm=ok))
    elif args.kind == "night":
        confirmable(app, lambda ok: t.diary.delete_night(args.id, confirm=ok))
    elif args.kind == "regimen":
        confirmable(app, lambda ok: t.regimen.delete_entry(_int_id(app, args.id), confirm=ok))
    else:
        confirmable(app, lambda ok: t.context.delete(args.kind, _int_id(app, args.id), confirm=ok))
    app.echo(f"Deleted {args.kind} {args.id}.")
    return 0


def _int_id(app: App, value: str) -> int:
    if not value.isdigit():
        app.fail(f"id: {value!r} is not a record id (a whole number; see the list commands)", 2)
    return int(value)


def cmd_after_effect(args: argparse.Namespace, app: App) -> int:
    """Rate soreness or a knot on a day after a cramp."""
    episode = app.tracker.diary.add_after_effect(args.id, args.kind, args.rating, args.date)
    if args.json:
        app.json(episode_dict(app, episode))
    else:
        app.echo(f"Rated {args.kind} {args.rating}/10 after cramp #{args.id}.")
    return 0


def cmd_summary(args: argparse.Namespace, app: App) -> int:
    """The diary at a glance."""
    s = app.tracker.summary()
    if args.json:
        app.json(s.to_dict())
        return 0
    if s.first_night is None:
        app.echo(
            "The diary is empty. Log a cramp with 'crampwise log' or a quiet night with "
            "'crampwise night --none'; try 'crampwise demo' to see an example."
        )
        return 0
    app.echo(app.style("crampwise summary", "bold"))
    app.echo(
        f"  nights      {s.first_night} → {s.last_night}: {s.nights_observed} observed, "
        f"{s.nights_missing} missing (missing nights are not counted as cramp-free)"
    )
    rate = 7 * s.cramps / s.nights_observed if s.nights_observed else 0.0
    app.echo(
        f"  cramps      {s.cramps} on {s.nights_with_cramps} nights "
        f"(about {rate:.2f} per observed week, averaged over the whole diary)"
    )
    app.echo(
        f"  streaks     current {s.current_streak} cramp-free nights, longest {s.longest_streak}"
    )
    app.echo(app.style("  For rates per period with honest uncertainty: crampwise analyze", "dim"))
    return 0


# -- registration ----------------------------------------------------------------------------
def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the diary commands to the top-level parser."""
    p = sub.add_parser(
        "log",
        parents=[common],
        help="record a cramp (defaults: now, last night)",
        description="Record a cramp. With no options: now, in the night now "
        "belongs to. Add details now or later with 'crampwise edit'.",
    )
    p.add_argument("--at", help="when: 3am, 03:10, 'around 03:10', '30 min ago' (default now)")
    p.add_argument(
        "--night", help="the night (YYYY-MM-DD, the evening it began; default: derived from --at)"
    )
    p.add_argument("--side", help=f"one of {', '.join(vocab.SIDES)}")
    p.add_argument(
        "--muscle",
        action="append",
        metavar="MUSCLE",
        help=f"muscle(s), repeat or comma-separate: {', '.join(vocab.MUSCLES)}",
    )
    p.add_argument("--severity", help="0-10")
    p.add_argument("--duration", help="minutes: 3, 3m, 90s")
    p.add_argument("--waves", help="how many waves (1 or more)")
    p.add_argument("--woke", action="store_true", help="it woke you up")
    p.add_argument("--no-woke", action="store_true", help="it did not wake you")
    p.add_argument(
        "--relief",
        action="append",
        metavar="METHOD[:HELPED]",
        help=f"what you tried and how it helped ({'/'.join(vocab.RELIEF_HELPED)}); "
        f"methods: {', '.join(vocab.RELIEF_METHODS)}",
    )
    p.add_argument("--note", help="free text")
    p.add_argument("--client-id", help="idempotency key: a retried submission is stored once")
    p.add_argument("--json", action="store_true", help="print the stored episode as JSON")
    p.set_defaults(handler=cmd_log)

    p = sub.add_parser(
        "night",
        parents=[common],
        help="check in a night: --none or --cramps N",
        description="Check in a night. A cramp-free night is data: record it.",
    )
    p.add_argument("date", nargs="?", help="YYYY-MM-DD, today or yesterday (default: last night)")
    p.add_argument("--none", action="store_true", help="no cramps this night")
    p.add_argument("--cramps", help="the night's total number of cramps (without details)")
    p.add_argument("--sleep", help="sleep quality 0-10")
    p.add_argument("--note", help="free text")
    p.add_argument("--yes", action="store_true", help="confirm overwriting a different count")
    p.add_argument("--json", action="store_true", help="print the night as JSON")
    p.set_defaults(handler=cmd_night)

    p = sub.add_parser("nights", parents=[common], help="list nights, missing ones included")
    p.add_argument("--from", dest="start", help="first night (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", help="last night (YYYY-MM-DD)")
    p.add_argument(
        "--json",
        action="store_true",
        help='print [{"date", "observed", "cramps"}] (missing: cramps null)',
    )
    p.set_defaults(handler=cmd_nights)

    p = sub.add_parser("episodes", parents=[common], help="list cramps with their details")
    p.add_argument("--from", dest="start", help="first night (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", help="last night (YYYY-MM-DD)")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_episodes)

    p = sub.add_parser("edit", parents=[common], help="change an episode's details")
    p.add_argument("id", type=int, help="episode id (see 'crampwise episodes')")
    for flag in ("--at", "--night", "--side", "--severity", "--duration", "--waves", "--note"):
        p.add_argument(flag, help=f"new {flag[2:]}")
    p.add_argument("--muscle", action="append", help="new muscle list (replaces the old one)")
    p.add_argument("--relief", action="append", help="new relief list, METHOD[:HELPED]")
    p.add_argument("--woke", action="store_true", help="it woke you up")
    p.add_argument("--no-woke", action="store_true", help="it did not wake you")
    p.add_argument("--yes", action="store_true", help="confirm without asking")
    p.add_argument("--json", action="store_true", help="print the edited episode as JSON")
    p.set_defaults(handler=cmd_edit)

    p = sub.add_parser("delete", parents=[common], help="delete a record (asks first)")
    p.add_argument(
        "kind",
        choices=("episode", "night", "regimen", "med", "lab", "factor", "trigger-point"),
        help="what to delete",
    )
    p.add_argument("id", help="its id (a date for a night)")
    p.add_argument("--yes", action="store_true", help="confirm without asking")
    p.set_defaults(handler=cmd_delete)

    p = sub.add_parser(
        "after-effect", parents=[common], help="rate soreness or a knot on a day after a cramp"
    )
    p.add_argument("id", type=int, help="episode id")
    p.add_argument("kind", help=f"one of {', '.join(vocab.AFTER_EFFECT_KINDS)}")
    p.add_argument("rating", help="0-10")
    p.add_argument("--date", help="the day rated (default today)")
    p.add_argument("--json", action="store_true", help="print the episode as JSON")
    p.set_defaults(handler=cmd_after_effect)

    p = sub.add_parser("summary", parents=[common], help="the diary at a glance")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.set_defaults(handler=cmd_summary)
