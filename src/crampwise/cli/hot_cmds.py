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
    "command_prefix",
    "episode_dict",
    "shell_word",
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

    return episode_json(e, app.core.timezone, compact=False)


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
def _given(args: argparse.Namespace) -> list[tuple[str | None, str]]:
    """What was typed about the cramp, as ``(field, text)``: the options first (they
    outrank plain words), then the words in the order typed."""
    given: list[tuple[str | None, str]] = []
    for field, values in (  # each may be repeated: the first counts, a second is reported
        ("at", args.at),
        ("night", args.night),
        ("side", args.side),
        ("severity", args.severity),
        ("duration_min", args.duration),
        ("waves", args.waves),
    ):
        given.extend((field, value) for value in values or ())
    given.extend(("muscles", value) for value in args.muscle or ())
    given.extend(("reliefs", value) for value in args.relief or ())
    if args.woke:
        given.append(("woke", "yes"))
    if args.no_woke:
        given.append(("woke", "no"))
    given.extend(("notes", note) for note in args.note or ())
    words = list(args.details)
    if any(word.startswith("-") for word in words):
        from crampwise.cli._logwords import option_words  # only for stray options

        given.extend(option_words(words))
    else:
        given.extend((None, word) for word in words)
    return given


def _details_text(e: Episode) -> str:
    """``left calf, severity 8, 3 min``: what was saved, to check at a glance."""
    parts = []
    where = " and ".join(e.muscles)
    if e.side == "both":
        where = f"{where} on both sides".strip()
    elif e.side:
        where = f"{e.side} {where}".strip()
    if where:
        parts.append(where)
    if e.severity is not None:
        parts.append(f"severity {e.severity}")
    if e.duration_min is not None:
        parts.append(f"{e.duration_min:g} min")
    if e.waves is not None:
        parts.append(f"{e.waves} wave{'s' if e.waves != 1 else ''}")
    if e.woke:
        parts.append("woke you")
    parts.extend(
        f"{r.method}{' (helped ' + r.helped.replace('-', ' ') + ')' if r.helped else ''}"
        for r in e.reliefs
    )
    return ", ".join(parts)


def cmd_log(args: argparse.Namespace, app: App) -> int:
    """Record a cramp (defaults: now, last night); save it first, then say what could not
    be read and how to fix it."""
    logged = app.core.diary.log_plainly(_given(args), client_id=args.client_id)
    app.saved = f"cramp #{logged.episode.id}"
    if args.json:
        from crampwise.cli._logwords import unread_json

        app.json(
            {
                **episode_dict(app, logged.episode),
                "night_total": logged.night_total,
                "duplicate": logged.duplicate,
                "near": [e.id for e in logged.near],
                "unread": [unread_json(u, logged.episode, args) for u in logged.unread],
            }
        )
        return 0
    e = logged.episode
    local = app.core.diary.local_time(e)
    when = f" at {clock_text(local, e.approximate)}" if local else " (time not known)"
    verb = "Already logged" if logged.duplicate else "Logged"
    details = _details_text(e)
    app.echo(
        f"{verb} cramp #{e.id}{when}, night of {_pretty_night(e.night)} "
        f"({logged.night_total} this night){': ' + details if details else ''}."
    )
    if logged.near or logged.unread:
        if logged.near:
            app.echo(app.style(_near_text(app, e, logged.near), "yellow"))
        if logged.unread:
            from crampwise.cli._logwords import report  # two more modules: only then

            report(app, logged)
    elif not logged.duplicate and (e.severity is None or not e.muscles or e.side is None):
        missing = [
            option
            for option, absent in (
                ("--severity 0-10", e.severity is None),
                ("--muscle NAME", not e.muscles),
                ("--side left|right|both", e.side is None),
            )
            if absent
        ]
        app.echo(
            app.style(
                f"Add details later: {command_prefix(args)} edit {e.id} {' '.join(missing)}",
                "dim",
            )
        )
    return 0


def _minutes_apart(a: Episode, b: Episode) -> int | None:
    if a.occurred_at is None or b.occurred_at is None:
        return None
    first = dt.datetime.fromisoformat(a.occurred_at.rstrip("Z"))
    second = dt.datetime.fromisoformat(b.occurred_at.rstrip("Z"))
    return round(abs((second - first).total_seconds()) / 60)


def _near_text(app: App, e: Episode, near: tuple[Episode, ...]) -> str:
    """The cramps ``e`` may repeat, and how to undo it if it does."""
    undo = f"{command_prefix(app.args)} delete episode {e.id}"
    if e.occurred_at is not None:
        gaps = sorted((_minutes_apart(e, other) or 0, other.id or 0) for other in near)
        apart, other_id = gaps[0]
        when = "the same minute as" if apart == 0 else f"{apart} min from"
        return f"A second cramp, {when} #{other_id}? If it was the same one: {undo}"
    ids = sorted(other.id or 0 for other in near)
    if len(ids) == 1:
        had = f"cramp #{ids[0]}"
    elif len(ids) <= 3:
        had = f"cramps {', '.join(f'#{i}' for i in ids)}"
    else:
        had = f"{len(ids)} cramps (#{ids[0]} … #{ids[-1]})"
    return f"The night of {e.night} already had {had}; if this was one of them: {undo}"


def command_prefix(args: argparse.Namespace) -> str:
    """``crampwise``, with the ``--db`` the command was given (so a fix goes to the same
    diary)."""
    if args.db is None:
        return "crampwise"
    return f"crampwise --db {shell_word(str(args.db))}"


def _cramps(n: int) -> str:
    return "1 cramp" if n == 1 else f"{n} cramps"


def shell_word(value: str) -> str:
    """A value as one shell word, quoted only when it must be (as ``shlex.quote``, which
    imports ``re``: slow on this path)."""
    if value and all(c.isalnum() or c in "-_.,:/+@%=" for c in value):
        return value
    return "'" + value.replace("'", "'\\''") + "'"


def cmd_night(args: argparse.Namespace, app: App) -> int:
    """Check in a night: cramp-free (--none) or a count (--cramps N); or a range of
    nights (--from, --to) as cramp-free."""
    if args.start is not None or args.end is not None:
        return _night_range(args, app)
    night = confirmable(
        app,
        lambda ok: app.core.diary.record_night(
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
    what = "no cramps" if night.cramps == 0 else _cramps(night.cramps)
    app.echo(f"Night of {_pretty_night(night.date)}: {what}.")
    return 0


def _night_range(args: argparse.Namespace, app: App) -> int:
    """``night --none --from A --to B``: every night not yet in the diary, cramp-free."""
    from crampwise.errors import InputError

    if args.date is not None:
        raise InputError(
            "date",
            "give one night, or a range with a first and last night, not both",
            code="conflict-with-field",
        )
    if args.start is None:
        raise InputError("start", "is missing; give the first night of the range", code="required")
    if not args.none and args.cramps not in ("0",):
        raise InputError(
            "cramps",
            "a range of nights is checked in as cramp-free (none); give a count one night at "
            "a time",
            code="conflict-with-field" if args.cramps is not None else "required",
        )
    if args.sleep is not None:
        raise InputError(
            "sleep_quality",
            "is given one night at a time, not for a range",
            code="conflict-with-field",
        )
    result = app.core.diary.check_in_range(args.start, args.end, notes=args.note)
    if result.recorded:
        app.saved = f"{len(result.recorded)} night(s) from {result.recorded[0]}"
    if args.json:
        app.json(
            {
                "checked_in": list(result.recorded),
                "already_in_diary": [{"date": n.date, "cramps": n.cramps} for n in result.kept],
            }
        )
        return 0
    if result.recorded:
        first, last = result.recorded[0], result.recorded[-1]
        span = (
            _pretty_night(first)
            if first == last
            else (f"{_pretty_night(first)} – {_pretty_night(last)}")
        )
        count = len(result.recorded)
        app.echo(f"Checked in {count} night{'s' if count > 1 else ''} without cramps: {span}.")
    else:
        app.echo("Every night in that range was already in the diary; nothing was changed.")
    if result.kept:
        with_cramps = [n for n in result.kept if n.cramps]
        shown = "; ".join(
            f"{n.date}: {n.cramps} cramp{'s' if n.cramps != 1 else ''}" for n in with_cramps[:5]
        )
        more = " …" if len(with_cramps) > 5 else ""
        count = len(result.kept)
        app.echo(
            f"{count} night{'s' if count > 1 else ''} already in the diary "
            f"{'were' if count > 1 else 'was'} left as {'they were' if count > 1 else 'it was'}"
            f"{' (' + shown + more + ')' if shown else ''}."
        )
    return 0


# -- specs -----------------------------------------------------------------------------------
LOG = Command(
    "log",
    cmd_log,
    help="record a cramp (defaults: now, last night); details as plain words too",
    description="Record a cramp. With no options: now, in the night now belongs to. "
    "Details may be plain words in any order: crampwise log calf left 8 3min. The cramp is "
    "always saved first; what cannot be read is reported with the command that fixes it. "
    "Add details later with 'crampwise edit'.",
    positional=Opt(
        "details",
        "plain words: a muscle (calf, thigh …), a side (left, right, both), a severity "
        "(8 or 8/10), a duration (3min, 90s), a time (3am, 'around 03:10'), woke, what you "
        "tried (stretched)",
        action="extend",
        metavar="WORD",
    ),
    lenient=("--db", "--json", "--client-id"),
    options=(
        Opt(
            "--at",
            "when: 3am, 03:10, 'around 03:10', '30 min ago' (default now)",
            action="append",
            metavar="AT",
        ),
        Opt(
            "--night",
            "the night (YYYY-MM-DD, the evening it began; default: derived from --at)",
            action="append",
            metavar="NIGHT",
        ),
        Opt("--side", f"one of {', '.join(vocab.SIDES)}", action="append", metavar="SIDE"),
        Opt(
            "--muscle",
            f"muscle(s), repeat or comma-separate: {', '.join(vocab.MUSCLES)}",
            action="append",
            metavar="MUSCLE",
        ),
        Opt("--severity", "0-10", action="append", metavar="SEVERITY"),
        Opt("--duration", "minutes: 3, 3m, 90s", action="append", metavar="DURATION"),
        Opt("--waves", "how many waves (1 or more)", action="append", metavar="WAVES"),
        Opt("--woke", "it woke you up", action="store_true"),
        Opt("--no-woke", "it did not wake you", action="store_true"),
        Opt(
            "--relief",
            f"what you tried and how it helped ({'/'.join(vocab.RELIEF_HELPED)}); "
            f"methods: {', '.join(vocab.RELIEF_METHODS)}",
            action="append",
            metavar="METHOD[:HELPED]",
        ),
        Opt("--note", "free text", action="append", metavar="NOTE"),
        Opt("--client-id", "idempotency key: a retried submission is stored once"),
        Opt("--json", "print the stored episode as JSON", action="store_true"),
    ),
)

NIGHT = Command(
    "night",
    cmd_night,
    help="check in a night: --none or --cramps N (or nights: --none --from A --to B)",
    description="Check in a night. A cramp-free night is data: record it. With --from "
    "(and --to) every night of the range not yet in the diary is checked in as cramp-free; "
    "nights already in the diary are left as they are.",
    positional=Opt("date", "YYYY-MM-DD, today or yesterday (default: last night)"),
    options=(
        Opt("--none", "no cramps this night", action="store_true"),
        Opt("--cramps", "the night's total number of cramps (without details)"),
        Opt("--sleep", "sleep quality 0-10"),
        Opt("--note", "free text"),
        Opt(
            "--from",
            "first night of a range checked in as cramp-free (with --none)",
            metavar="DATE",
            dest_name="start",
        ),
        Opt(
            "--to", "last night of the range (default: last night)", metavar="DATE", dest_name="end"
        ),
        Opt("--yes", "confirm overwriting a different count", action="store_true"),
        Opt("--json", "print the night as JSON", action="store_true"),
    ),
)

#: The commands the fast path parses.
COMMANDS: tuple[Command, ...] = (LOG, NIGHT)
