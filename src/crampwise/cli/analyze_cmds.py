"""``crampwise analyze``: what the diary can tell, in plain words.

Described as a :class:`~crampwise.cli._argv.Command` spec, like ``log`` and ``night``, so
that a plain ``analyze [--details] [--json]`` line runs without argparse and without the
other commands' modules (issue 10: ≤ 150 ms from the command line; building the full
parser costs ~25 ms of it). argparse still renders its help and the docs, and judges
anything unusual.
"""

from __future__ import annotations

from crampwise._blas import single_thread_blas
from crampwise.cli._argv import Command, Opt

TYPE_CHECKING = False  # mypy treats any name TYPE_CHECKING as true; no typing import
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from crampwise.cli._app import App

__all__ = ["ANALYZE", "cmd_analyze", "plain_out"]

_WIDTH = 79


def cmd_analyze(args: argparse.Namespace, app: App) -> int:
    """Plain words first: a headline, how often cramps come, one line per thing tried;
    with --details the rates, ranges, warnings and methods."""
    import textwrap

    single_thread_blas()  # before numpy loads (the analysis imports it)
    from crampwise.plainreport import analysis_in_plain_words, analysis_json

    result = app.tracker.analyze()
    if args.json:
        app.json(analysis_json(result))
        return 0
    plain = analysis_in_plain_words(result)
    plain_out(app, plain.headline, () if args.details else plain.lines)
    if args.details:
        app.echo(result.to_text().rstrip("\n"))
        return 0
    app.echo("The numbers with their ranges, the warnings and how to find out for sure:")
    app.echo("  crampwise analyze --details")
    for line in textwrap.wrap(result.disclaimer, _WIDTH):
        app.echo(app.style(line, "dim"))
    return 0


def plain_out(app: App, headline: Sequence[str], lines: Sequence[str]) -> None:
    """A headline in bold, then short bullet lines, wrapped for a terminal."""
    import textwrap

    for line in headline:
        for part in textwrap.wrap(line, _WIDTH):
            app.echo(app.style(part, "bold"))
    app.echo()
    for line in lines:
        for part in textwrap.wrap(line, _WIDTH, initial_indent="  - ", subsequent_indent="    "):
            app.echo(part)
    if lines:
        app.echo()


ANALYZE = Command(
    name="analyze",
    handler=cmd_analyze,
    help="what your diary can tell, in plain words (--details: the statistics)",
    description="What we can say, what we cannot say, and how to find out: plain words "
    "first; --details adds the rates and effects with their ranges and every warning.",
    options=(
        Opt(
            "--details",
            "the statistics: rates and effects with their 95 %% ranges, warnings, methods",
            action="store_true",
        ),
        Opt(
            "--json",
            'print the full analysis as JSON (with "headline" and "plain")',
            action="store_true",
        ),
    ),
)
