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
    from typing import Any, NoReturn

__all__ = ["LenientParser", "Parser", "command_group", "run"]


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


class _Refused(Exception):
    """argparse could not read a line strictly (raised instead of exiting)."""


class LenientParser(Parser):
    """The parser of a command whose words must never be refused (``log``: a refused
    command line would lose the cramp).

    Plain words may come anywhere among the options (``log calf --side left 8``). A line
    argparse cannot read strictly (``--sevrity 8``, ``--at`` without a value,
    ``--woke=yes``) keeps only the options named in :attr:`keep` - where the diary is and
    how to answer - and hands every other word, in order, to the positional words: the
    command reads them leniently and reports what it could not use.
    """

    keep: tuple[str, ...] = ()
    _inner = False

    def error(self, message: str) -> NoReturn:
        """Raise while reading leniently; otherwise one line and exit 2."""
        if self._inner:
            raise _Refused(message)
        super().error(message)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Read intermixed words and options; unknown words become positional words."""
        if self._inner:  # parse_known_intermixed_args calls back in here
            return super().parse_known_args(args, namespace)
        words = list(args or [])
        if "-h" in words or "--help" in words:
            return super().parse_known_args(words, namespace)
        positional = self._get_positional_actions()[0].dest
        self._inner = True
        try:
            try:
                parsed, extras = self.parse_known_intermixed_args(words, namespace)
            except _Refused:
                extras = words
            if extras:  # read the whole line again, keeping the words in their order
                parsed, _ = self.parse_known_intermixed_args([], namespace)
                extras = self._keep(words, parsed)
        finally:
            self._inner = False
        setattr(parsed, positional, [*getattr(parsed, positional), *extras])
        return parsed, []

    def _keep(self, words: list[str], parsed: argparse.Namespace) -> list[str]:
        """Set the options of :attr:`keep` found spelled out in ``words``; the rest."""
        flags = {
            name: action
            for action in self._actions
            for name in action.option_strings
            if name in self.keep
        }
        rest: list[str] = []
        i = 0
        while i < len(words):
            name, eq, inline = words[i].partition("=")
            action = flags.get(name)
            i += 1
            if action is None:
                rest.append(words[i - 1])
            elif action.nargs == 0:  # a flag
                if eq:
                    rest.append(words[i - 1])
                else:
                    setattr(parsed, action.dest, True)
            elif eq:
                setattr(parsed, action.dest, inline)
            elif i < len(words) and not words[i].startswith("-"):
                setattr(parsed, action.dest, words[i])
                i += 1
            else:
                rest.append(name)
        return rest


def run(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> int:
    """Parse, dispatch, and turn every known error into one line and an exit code."""
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:  # no command: the morning check-in
        from crampwise.cli.diary_cmds import cmd_checkin

        args.handler = cmd_checkin
    return dispatch(args)


def command_group(sub: Any, name: str, common: argparse.ArgumentParser, help_text: str) -> Any:
    """A command with actions (``crampwise lab add``): the parser its actions go in."""
    parser = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
    return parser.add_subparsers(title="actions", metavar="ACTION", required=True)
