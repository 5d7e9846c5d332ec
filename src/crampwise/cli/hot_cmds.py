"""The commands typed at 3 a.m.: ``log`` (a cramp) and ``night`` (a check-in).

Apart from the rest of the diary commands so that ``crampwise log`` imports nothing else
of the CLI: these commands are described as :class:`~crampwise.cli._argv.Command` specs,
which the fast path parses without argparse (argparse still renders their help and the
docs, and judges anything unusual).
"""

from __future__ import annotations

import datetime as dt

from crampwise import vocab
from crampwise.cli._app import App, confirmable
from crampwise.cli._argv import Command, Opt
from crampwise.timeparse import repeated_hour

TYPE_CHECKING = False  # mypy treats any name TYPE_CHECKING as true; no typing import
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from crampwise.records import Episode

__all__ = [
    "COMMANDS",
    "LOG",
    "NIGHT",
    "clock_text",
    "episode_dict",
    "split_list",
    "split_reliefs",
    "woke_flag",
]


def split_list(values: list[str] | None, field: str = "muscles") -> list[str]:
    """Accept both ``--muscle calf --muscle foot`` and ``--muscle calf,foot``; an empty
    value is an error, as for every option (not silently nothing)."""
    out: list[str] = []
    for value in values or []:
        parts = [part.strip() for part in value.split(",") if part.strip()]
        if not parts:
            from crampwise.errors import InputError

            raise InputError(field, "is empty; give at least one value", code="required")
        out.extend(parts)
    return out


def split_reliefs(values: list[str] | None) -> list[tuple[str, str | None]]:
    """``--relief stretch:a-lot`` → ``("stretch", "a-lot")`` (the rating is optional)."""
    out: list[tuple[str, str | None]] = []
    for value in split_list(values, "reliefs"):
        method, _, helped = value.partition(":")
        out.append((method, helped or None))
    return out


def woke_flag(args: argparse.Namespace) -> bool | None:
    """``--woke`` / ``--no-woke`` / neither (unknown)."""
    if args.woke and args.no_woke:
        from crampwise.errors import InputError

        raise InputError("woke", "give --woke or --no-woke, not both", code="conflict-with-field")
    return True if args.woke else False if args.no_woke else None


def episode_dict(app: App, e: Episode) -> dict[str, Any]:
    """An episode as ``--json`` shows it: the diary format's episode shape, every key
    present, with its id (local time in the zone it was logged in)."""
    from crampwise.formats.jsonrecords import episode_json  # only for --json: off the hot path

    return episode_json(e, app.tracker.timezone, compact=False)


def _pretty_night(date: str) -> str:
    day = dt.date.fromisoformat(date)
    return f"{day:%a} {day.day} {day:%b %Y}"  # not %-d: glibc only


def clock_text(local: dt.datetime, approximate: bool = False) -> str:
    """``03:10``, ``~03:10``; in an hour the clocks repeat, which of the two it is."""
    text = f"{'~' if approximate else ''}{local:%H:%M}"
    if not repeated_hour(local):
        return text
    other = local.replace(fold=1 - local.fold).tzname()
    which = "second" if local.fold else "first"
    return (
        f"{text} {local.tzname()} (the {which} {local:%H:%M} that night: the clocks went "
        f"back; for the other one type '{local:%H:%M} {other}')"
    )


# -- handlers --------------------------------------------------------------------------------
def cmd_log(args: argparse.Namespace, app: App) -> int:
    """Record a cramp (defaults: now, last night)."""
    logged = app.tracker.diary.log_episode(
        at=args.at,
        night=args.night,
        side=args.side,
        muscles=split_list(args.muscle),
        severity=args.severity,
        duration_min=args.duration,
        waves=args.waves,
        woke=woke_flag(args),
        reliefs=split_reliefs(args.relief),
        notes=args.note or "",
        client_id=args.client_id,
    )
    app.saved = f"cramp #{logged.episode.id}"
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
    when = f" at {clock_text(local, e.approximate)}" if local else ""
    verb = "Already logged" if logged.duplicate else "Logged"
    app.echo(
        f"{verb} cramp #{e.id}{when}, night of {_pretty_night(e.night)} "
        f"({logged.night_total} this night)."
    )
    if not logged.duplicate and e.severity is None:
        app.echo(
            app.style(
                f"Add details later: crampwise edit {e.id} --severity 0-10 --muscle NAME "
                "--side left|right|both",
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
    app.saved = f"night {night.date}"
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


# -- specs -----------------------------------------------------------------------------------
LOG = Command(
    "log",
    cmd_log,
    help="record a cramp (defaults: now, last night)",
    description="Record a cramp. With no options: now, in the night now "
    "belongs to. Add details now or later with 'crampwise edit'.",
    options=(
        Opt("--at", "when: 3am, 03:10, 'around 03:10', '30 min ago' (default now)"),
        Opt("--night", "the night (YYYY-MM-DD, the evening it began; default: derived from --at)"),
        Opt("--side", f"one of {', '.join(vocab.SIDES)}"),
        Opt(
            "--muscle",
            f"muscle(s), repeat or comma-separate: {', '.join(vocab.MUSCLES)}",
            action="append",
            metavar="MUSCLE",
        ),
        Opt("--severity", "0-10"),
        Opt("--duration", "minutes: 3, 3m, 90s"),
        Opt("--waves", "how many waves (1 or more)"),
        Opt("--woke", "it woke you up", action="store_true"),
        Opt("--no-woke", "it did not wake you", action="store_true"),
        Opt(
            "--relief",
            f"what you tried and how it helped ({'/'.join(vocab.RELIEF_HELPED)}); "
            f"methods: {', '.join(vocab.RELIEF_METHODS)}",
            action="append",
            metavar="METHOD[:HELPED]",
        ),
        Opt("--note", "free text"),
        Opt("--client-id", "idempotency key: a retried submission is stored once"),
        Opt("--json", "print the stored episode as JSON", action="store_true"),
    ),
)

NIGHT = Command(
    "night",
    cmd_night,
    help="check in a night: --none or --cramps N",
    description="Check in a night. A cramp-free night is data: record it.",
    positional=Opt("date", "YYYY-MM-DD, today or yesterday (default: last night)"),
    options=(
        Opt("--none", "no cramps this night", action="store_true"),
        Opt("--cramps", "the night's total number of cramps (without details)"),
        Opt("--sleep", "sleep quality 0-10"),
        Opt("--note", "free text"),
        Opt("--yes", "confirm overwriting a different count", action="store_true"),
        Opt("--json", "print the night as JSON", action="store_true"),
    ),
)

#: The commands the fast path parses.
COMMANDS: tuple[Command, ...] = (LOG, NIGHT)
