"""The argparse side of the CLI: the parser class and parse-then-dispatch.

Kept apart from ``_app`` because importing argparse costs ~10 ms, which the fast path of
``log`` and ``night`` (see ``_argv``) does not pay.
"""

from __future__ import annotations

import argparse
import re

from crampwise.cli._app import dispatch

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NoReturn

__all__ = ["Parser", "run"]


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line naming the problem."""

    def error(self, message: str) -> NoReturn:
        """Print one line and exit with status 2 (a huge bad argument is not echoed whole)."""
        message = re.sub(
            r"'([^']{61,})'",
            lambda m: f"{m.group(1)[:60]!r}… ({len(m.group(1)):,} characters)",
            " ".join(message.split()),
        )
        if len(message) > 500:
            message = message[:400] + "…"
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Parse, dispatch, and turn every known error into one line and an exit code."""
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 0
    return dispatch(args)
