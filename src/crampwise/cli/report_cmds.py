"""The doctor report command: ``crampwise report --pdf FILE`` and/or ``--html FILE``."""

from __future__ import annotations

import argparse
import gc
from typing import Any

from crampwise.cli._app import App, confirmable

__all__ = ["register"]


def cmd_report(args: argparse.Namespace, app: App) -> int:
    """Write the two-page doctor report (PDF and/or HTML) for a span of nights."""
    from crampwise._blas import single_thread_blas

    single_thread_blas()
    tracker = app.tracker
    # The report imports numpy and WeasyPrint and lays out two pages: hundreds of
    # thousands of objects, nearly none of them garbage in cycles (~2,500 in a one-year
    # report). The collector would walk them 230 times for that (~0.2 s of a 2 s
    # report), so it pauses meanwhile, and is left as it was found.
    collecting = gc.isenabled()
    gc.disable()
    try:
        context, pages = confirmable(
            app,
            lambda ok: tracker.write_report(
                pdf=args.pdf, html=args.html, start=args.start, end=args.end, confirm=ok
            ),
        )
    finally:
        if collecting:
            gc.enable()
    n = context.nights
    if args.json:
        app.json(
            {
                "pdf": args.pdf,
                "html": args.html,
                "pages": pages,
                "start": n.first,
                "end": n.last,
                "nights_observed": n.observed,
                "nights_missing": n.missing,
                "empty": context.empty,
            }
        )
        return 0
    written = [f"{args.pdf} ({pages} page{'s' if pages != 1 else ''})"] if args.pdf else []
    written += [args.html] if args.html else []
    app.echo(f"Wrote the doctor report: {', '.join(written)}.")
    if context.empty:
        app.echo("The diary has no nights for it yet, so the report says so.")
    else:
        app.echo(
            f"Nights {context.span_text}: {n.observed} observed, {n.missing} missing; "
            f"{n.cramps} cramps."
        )
    app.echo("crampwise is not medical advice; the report says so too.")
    return 0


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the report command to the top-level parser."""
    p = sub.add_parser(
        "report",
        parents=[common],
        help="the doctor report: two pages (PDF and/or HTML) with charts, rates, medicines",
        description="Write a two-page report for your doctor: nights observed and missing, "
        "cramp rates with intervals, regimen, medicines (cramp-associated ones flagged), "
        "labs, safety findings, what the numbers can and cannot say, red flags. Made "
        "offline; nothing leaves your machine.",
    )
    p.add_argument("--pdf", metavar="FILE", help="write the report as PDF to FILE")
    p.add_argument("--html", metavar="FILE", help="write the report as one HTML file to FILE")
    p.add_argument("--from", dest="start", metavar="DATE", help="first night (default: the first)")
    p.add_argument("--to", dest="end", metavar="DATE", help="last night (default: the last)")
    p.add_argument("--yes", action="store_true", help="replace files that exist")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"pdf", "html", "pages", "start", "end", "nights_observed", '
        '"nights_missing", "empty"}',
    )
    p.set_defaults(handler=cmd_report)
