"""Data commands: init, import, export, demo, db status|migrate."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crampwise.cli._app import App, confirmable, readable_db
from crampwise.errors import ConflictError

__all__ = ["register"]


def cmd_init(args: argparse.Namespace, app: App) -> int:
    """Create (and migrate) the diary database explicitly."""
    tracker = app.tracker  # opening creates and migrates
    status = tracker.migration_status()
    if args.json:
        app.json({"db": tracker.database_url, "migrations": [n for n, _ in status.applied]})
    else:
        app.echo(
            f"Diary ready at {readable_db(tracker.database_url)} "
            f"({len(status.applied)} migrations applied)."
        )
    return 0


def _is_csv(path: str, columns: str | None) -> bool:
    import os

    return bool(columns) or os.path.isdir(path) or path.lower().endswith((".csv", ".tsv"))


def cmd_import(args: argparse.Namespace, app: App) -> int:
    """Import a crampwise-diary JSON file, a CSV export folder or a CSV of nights."""
    tracker = app.tracker
    try:
        if _is_csv(args.file, args.map):
            from crampwise.formats.nightscsv import parse_column_map

            report = tracker.import_csv(
                args.file,
                columns=parse_column_map(args.map),
                replace=args.replace,
                dry_run=args.check,
            )
        else:
            report = tracker.import_diary(args.file, replace=args.replace, dry_run=args.check)
    except ConflictError as exc:
        raise ConflictError(
            f"{exc} (see them all: crampwise import {args.file} --check; "
            "--replace lets the file's version win)",
            exc.conflicts,
        ) from None
    if not args.check:
        app.saved = f"the import of {args.file}"
    if args.json:
        app.json(report.to_dict())
        return 0
    verb = "Would import" if args.check else "Imported"
    added = ", ".join(f"{n} {k}" for k, n in sorted(report.added.items()) if n) or "nothing new"
    app.echo(f"{verb} {args.file}: added {added}.")
    updated = ", ".join(f"{n} {k}" for k, n in sorted(report.updated.items()) if n)
    if updated:
        app.echo(f"Details filled in from the file: {updated}.")
    skipped = sum(report.skipped.values())
    if skipped:
        app.echo(f"{skipped} record(s) were already in the diary and were left as they are.")
    replaced = ", ".join(f"{n} {k}" for k, n in sorted(report.replaced.items()) if n)
    if replaced:
        app.echo(f"Replaced with the file's version: {replaced}.")
    if args.check and report.conflicts:
        app.echo(f"{len(report.conflicts)} record(s) differ from your diary:")
        for conflict in report.conflicts:
            app.echo(f"  {conflict}")
        app.echo("Nothing was written. --replace lets the file's version win.")
    elif args.check:
        app.echo("Nothing was written (--check).")
    return 0


def cmd_export(args: argparse.Namespace, app: App) -> int:
    """Export the diary as crampwise-diary JSON, CSV files or a FHIR R4 bundle."""
    if args.format in ("json", "fhir"):
        tracker = app.tracker
        doc = tracker.export_diary() if args.format == "json" else tracker.export_fhir()
        if args.out and args.out != "-":
            confirmable(app, lambda ok: tracker.write_json(args.out, doc, confirm=ok))
            app.note(f"Wrote {args.out}")
        else:
            import json

            sys.stdout.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return 0
    if not args.out:
        app.fail(
            "--out: CSV export writes one file per kind of record into a folder; give --out DIR", 2
        )
    written = confirmable(app, lambda ok: app.tracker.export_csv(args.out, confirm=ok))
    app.note(f"Wrote {len(written)} CSV files to {args.out} (columns: docs/export-csv.md)")
    return 0


def cmd_reminders(args: argparse.Namespace, app: App) -> int:
    """Write the daily bedtime reminder as an iCalendar file, or manage its feed address."""
    from crampwise.formats.ics import DEFAULT_BEDTIME

    tracker = app.tracker
    if args.feed or args.feed_off:
        return _feed(args, app)
    if not args.ics:
        app.fail(
            "--ics: give the .ics file to write (- for standard output), or --feed for an "
            "address a phone's calendar subscribes to",
            2,
        )
    if args.ics == "-":
        sys.stdout.write(tracker.reminders_calendar())
        return 0
    confirmable(app, lambda ok: tracker.write_reminders(args.ics, confirm=ok))
    bedtime = tracker.context.profile().bedtime or DEFAULT_BEDTIME
    items = tracker.bedtime_items()
    if args.json:
        app.json({"file": args.ics, "bedtime": bedtime, "tonight": items})
        return 0
    app.echo(f"Wrote {args.ics}: a daily reminder at {bedtime} with an alarm.")
    app.echo("Tonight at bedtime: " + (", ".join(items) if items else "nothing scheduled"))
    app.echo("Import it into your calendar app; export again after your regimen changes.")
    return 0


def _lan_base() -> str:
    """The web app's address as a phone on the local network reaches it by default: this
    computer's address (or name) and ``serve``'s default port."""
    import socket

    from crampwise.cli.web_cmds import lan_address

    return f"http://{lan_address() or socket.gethostname()}:8000"


def _feed(args: argparse.Namespace, app: App) -> int:
    """``reminders --feed`` (a new private address; the old one stops) / ``--feed-off``."""
    from crampwise.calendarfeed import feed_path

    feeds = app.tracker.calendar_feed
    if args.feed_off:
        stopped = feeds.revoke()
        if args.json:
            app.json({"feed": None, "revoked": stopped})
        else:
            app.echo(
                "The calendar feed is off; its address shows nothing any more."
                if stopped
                else "There was no calendar feed to turn off."
            )
        return 0
    if args.url is not None:
        base = args.url.strip().rstrip("/")
        if not base.startswith(("http://", "https://")) or "/" in base.split("://", 1)[1]:
            app.fail(
                f"--url: {args.url!r} is not the web app's address; give one like "
                "http://192.168.1.20:8000",
                2,
            )
    else:
        base = _lan_base()
    token = feeds.create()
    url = base + feed_path(token)
    if args.json:
        app.json({"feed": url, "revoked": False})
        return 0
    app.echo(f"Subscribe to this address in your phone's calendar (shown only now): {url}")
    app.echo(
        "  It works while 'crampwise serve' runs where the phone can reach it "
        "(--host 0.0.0.0); the calendar re-reads it about twice a day."
    )
    app.echo(
        "  Anyone with the address sees your bedtime list (nothing else of the diary): "
        "'crampwise reminders --feed-off' stops it, '--feed' again makes a new one."
    )
    return 0


def cmd_backup(args: argparse.Namespace, app: App) -> int:
    """Write a consistent backup of the diary while it is in use."""
    tracker = app.tracker
    kind = confirmable(app, lambda ok: tracker.backup(args.file, confirm=ok))
    if args.json:
        app.json({"file": args.file, "kind": kind, "db": tracker.database_url})
        return 0
    what = "an SQLite copy of the database" if kind == "sqlite" else "the diary as JSON"
    app.echo(f"Backed up {readable_db(tracker.database_url)} to {args.file} ({what}).")
    app.echo(f"Restore it with: crampwise restore {args.file}")
    return 0


def cmd_restore(args: argparse.Namespace, app: App) -> int:
    """Replace the diary with a backup (asks first when the diary holds data)."""
    tracker = app.tracker
    kind = confirmable(app, lambda ok: tracker.restore(args.file, confirm=ok))
    summary = tracker.summary().to_dict()
    if args.json:
        app.json({"file": args.file, "kind": kind, "summary": summary})
        return 0
    app.echo(
        f"Restored {readable_db(tracker.database_url)} from {args.file}: "
        f"{summary['nights_observed']} nights "
        f"observed, {summary['cramps']} cramps."
    )
    return 0


def cmd_demo(args: argparse.Namespace, app: App) -> int:
    """Load the demo story into a separate demo diary (or --db)."""
    from crampwise.demo import load_demo

    result = load_demo(args.db, reset=args.yes, trial=args.trial)
    if args.json:
        app.json(result)
        return 0
    app.echo(
        app.style("Loaded the crampwise demo story", "bold")
        + f" into {readable_db(result['db'], result['db_arg'])}"
    )
    app.echo(
        f"  {result['summary']['first_night']} → {result['summary']['last_night']}: "
        f"{result['summary']['nights_observed']} nights observed, "
        f"{result['summary']['nights_missing']} missing, {result['summary']['cramps']} cramps."
    )
    app.echo(
        "  The story: cramps began on a hot holiday; magnesium, then potassium, then calcium "
        "with nightly massage and stretching — 'calcium fixed it'?"
    )
    db = result["db_arg"]
    app.echo("Explore it (it is separate from your own diary):")
    for command in (
        "summary",
        "nights --from 2025-09-20 --to 2025-10-10",
        "regimen list --all",
        "episodes --from 2024-11-01 --to 2024-11-30",
        "analyze",
        "safety",
        *(("experiment status", "experiment result") if args.trial else ()),
    ):
        app.echo(f"  crampwise --db {db} {command}")
    return 0


def cmd_db_status(args: argparse.Namespace, app: App) -> int:
    """Show applied and pending migrations."""
    from crampwise.tracker import Tracker

    with Tracker(args.db, migrate=False) as tracker:
        status = tracker.migration_status()
        data: dict[str, Any] = {
            "db": tracker.database_url,
            "applied": [{"name": n, "applied_at": at} for n, at in status.applied],
            "pending": list(status.pending),
            "unknown": list(status.unknown),
            "up_to_date": status.up_to_date,
        }
    if args.json:
        app.json(data)
        return 0
    app.echo(f"database: {data['db']}")
    for row in data["applied"]:
        app.echo(f"  applied  {row['name']}  ({row['applied_at']})")
    for name in data["pending"]:
        app.echo(f"  pending  {name}")
    for name in data["unknown"]:
        app.echo(f"  unknown  {name}  (from a newer crampwise)")
    app.echo("up to date" if data["up_to_date"] else "run 'crampwise db migrate' to update")
    return 0


def cmd_db_migrate(args: argparse.Namespace, app: App) -> int:
    """Apply pending migrations."""
    from crampwise.tracker import Tracker

    with Tracker(args.db, migrate=False) as tracker:
        applied = tracker.migrate()
    if args.json:
        app.json({"applied": applied})
    elif applied:
        app.echo("Applied: " + ", ".join(applied))
    else:
        app.echo("Already up to date.")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add data commands to the top-level parser."""
    p = sub.add_parser("init", parents=[common], help="create the diary database explicitly")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser(
        "import",
        parents=[common],
        help="import a crampwise-diary JSON file, a CSV export folder or a CSV of nights "
        "(all or nothing)",
    )
    p.add_argument(
        "file",
        help="JSON file (- for standard input), a folder written by export --format csv, "
        "or a .csv table with a row per night",
    )
    p.add_argument(
        "--map",
        metavar="FIELD=COLUMN,…",
        help="columns of a CSV of nights, e.g. date=Day,cramps=Count (also sleep_quality, "
        "notes); default: columns named date, cramps …",
    )
    p.add_argument(
        "--replace",
        action="store_true",
        help="let the file's version win where it differs from the diary",
    )
    p.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list what would be added and every record that differs",
    )
    p.add_argument("--json", action="store_true", help="print counts and conflicts as JSON")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "export", parents=[common], help="export the diary (JSON, CSV or a FHIR R4 bundle)"
    )
    p.add_argument(
        "--format",
        choices=("json", "csv", "fhir"),
        default="json",
        help="json (crampwise-diary, default), csv (a folder of files), fhir (R4 Bundle)",
    )
    p.add_argument("--out", help="file for JSON and FHIR (default stdout); folder for CSV")
    p.add_argument("--yes", action="store_true", help="replace existing files without asking")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "reminders",
        parents=[common],
        help="a daily bedtime reminder: an iCalendar file, or a feed your phone subscribes to",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument(
        "--ics",
        metavar="FILE",
        help="the .ics file to write (- for standard output); bedtime from "
        "'profile set --bedtime', default 22:00",
    )
    what.add_argument(
        "--feed",
        action="store_true",
        help="make a private address your phone's calendar subscribes to (served by "
        "'crampwise serve'; a new one replaces the old)",
    )
    what.add_argument("--feed-off", action="store_true", help="stop the calendar feed's address")
    p.add_argument(
        "--url",
        metavar="URL",
        help="with --feed: the web app's address as the phone reaches it (default: this "
        "computer on the local network, port 8000)",
    )
    p.add_argument("--yes", action="store_true", help="replace an existing file without asking")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(handler=cmd_reminders)

    p = sub.add_parser(
        "backup", parents=[common], help="write a consistent backup while the diary is in use"
    )
    p.add_argument(
        "file",
        help="where to write it (SQLite: a copy of the database file; PostgreSQL: the diary "
        "as crampwise-diary JSON)",
    )
    p.add_argument("--yes", action="store_true", help="replace an existing file without asking")
    p.add_argument("--json", action="store_true", help="print what was written as JSON")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser(
        "restore", parents=[common], help="replace the diary with a backup (all or nothing)"
    )
    p.add_argument("file", help="a file written by 'crampwise backup' (or a JSON export)")
    p.add_argument("--yes", action="store_true", help="replace a diary that holds data")
    p.add_argument("--json", action="store_true", help="print the restored diary's summary")
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser(
        "demo", parents=[common], help="load the demo story into a separate demo diary"
    )
    p.add_argument("--yes", action="store_true", help="with --db: replace what that database holds")
    p.add_argument(
        "--trial",
        action="store_true",
        help="continue the story with a finished randomized trial of calcium",
    )
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(handler=cmd_demo)

    db = sub.add_parser("db", parents=[common], help="database migrations")
    actions = db.add_subparsers(title="actions", metavar="ACTION", required=True)
    p = actions.add_parser("status", parents=[common], help="applied and pending migrations")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_db_status)
    p = actions.add_parser("migrate", parents=[common], help="apply pending migrations")
    p.add_argument("--json", action="store_true", help="print as JSON")
    p.set_defaults(handler=cmd_db_migrate)
