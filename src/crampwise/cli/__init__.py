"""The ``crampwise`` command line.

Every command parses its arguments, calls the :class:`~crampwise.tracker.Tracker` and
prints. Reporting commands take ``--json`` and then print exactly one JSON document on
stdout; errors go to stderr as one line, with a non-zero exit code.

``log`` and ``night`` are typed at 3 a.m. and should start about as fast as Python
itself: a plain, well-formed ``log``/``night`` command line is read by the fast path
(``_argv.parse_fast``) and runs with only ``hot_cmds`` imported. ``analyze`` takes the
same path (its spec is loaded only when the word is on the line), so that its start-up
is numpy and the analysis, not argparse. Everything else - help, other commands,
anything unusual or wrong - builds the full argparse parser.
"""

from __future__ import annotations

import sys

from crampwise.cli._app import dispatch
from crampwise.cli._argv import parse_fast
from crampwise.cli.hot_cmds import COMMANDS

TYPE_CHECKING = False  # mypy treats any name TYPE_CHECKING as true; no typing import
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from crampwise.cli._argv import Command

__all__ = ["build_parser", "main"]

_EPILOG = (
    "crampwise is not medical advice. It never recommends quinine and never diagnoses; "
    "see a clinician about red flags."
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used to generate docs/cli.md)."""
    import argparse

    from crampwise import __version__
    from crampwise.cli import (
        context_cmds,
        data_cmds,
        diary_cmds,
        experiment_cmds,
        insight_cmds,
        regimen_cmds,
        report_cmds,
        web_cmds,
    )
    from crampwise.cli._parser import Parser

    common = argparse.ArgumentParser(add_help=False)
    # SUPPRESS keeps a --db given before the command from being reset by the subcommand.
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="SQLite file or postgresql+psycopg://… URL (env CRAMPWISE_DB; default: your "
        "user data folder)",
    )
    parser = Parser(
        prog="crampwise",
        description="Track night-time leg cramps; find out, safely and with honest numbers, "
        "what helps you.",
        epilog=_EPILOG,
    )
    parser.add_argument(
        "--db",
        default=None,
        help="SQLite file or postgresql+psycopg://… URL (env CRAMPWISE_DB; default: your user "
        "data folder); may also follow the command",
    )
    parser.add_argument("--version", action="version", version=f"crampwise {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)
    diary_cmds.register(sub, common)
    regimen_cmds.register(sub, common)
    context_cmds.register(sub, common)
    data_cmds.register(sub, common)
    insight_cmds.register(sub, common)
    report_cmds.register(sub, common)
    experiment_cmds.register(sub, common)
    web_cmds.register(sub, common)
    return parser


def _fast_commands(args: Sequence[str]) -> tuple[Command, ...]:
    """The commands the fast path may read: ``log``, ``night`` and, when the line names
    it, ``analyze`` (whose spec ``log`` then never loads)."""
    if "analyze" not in args:
        return COMMANDS
    from crampwise.cli.analyze_cmds import ANALYZE

    return (*COMMANDS, ANALYZE)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``crampwise`` console script."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        fast = parse_fast(args, _fast_commands(args))
        if fast is not None:
            return dispatch(fast)
        from crampwise.cli._parser import run

        return run(build_parser(), args)
    except KeyboardInterrupt:  # Ctrl-C while starting up or parsing: nothing ran yet
        if sys.stderr is not None:
            sys.stderr.write("crampwise: error: interrupted; nothing was changed\n")
        return 130
