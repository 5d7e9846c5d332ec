"""Command specs shared by argparse and the fast path of ``log`` and ``night``.

``crampwise log`` should start about as fast as Python itself, and argparse alone costs
about as much as that budget (~10 ms to import it with ``re`` and ``gettext``, ~8 ms more
to build a parser). So the two commands typed at 3 a.m. are described once, as data
(:class:`Command`, :class:`Opt`): :func:`add_command` registers them with argparse - for
help, errors and the docs - and :func:`parse_fast` reads the plain, well-formed command
lines without argparse. Anything it is unsure about (help, abbreviations, ``--``, values
that start with ``-``, unknown or extra arguments …) returns None and goes to argparse, so
what a command line means never differs between the two (``tests/test_hot_path.py``
checks that).
"""

from __future__ import annotations

from crampwise._record import Record

TYPE_CHECKING = False  # mypy treats any name TYPE_CHECKING as true; no typing import
if TYPE_CHECKING:
    import argparse
    from argparse import Namespace
    from collections.abc import Sequence
    from typing import Any

    from crampwise.cli._app import Handler
else:
    # Same constructor and attribute access as argparse.Namespace, without argparse.
    from types import SimpleNamespace as Namespace

__all__ = ["Command", "Opt", "add_command", "parse_fast"]


class Opt(Record):
    """An option (``--name``) or, as :attr:`Command.positional`, a positional: optional
    (``store``: nargs ``?``) or any number of words (``extend``: nargs ``*``)."""

    name: str  # "--muscle", or the positional's name ("date")
    help: str
    action: str = "store"  # "store", "append" or "store_true"; positionals: "store", "extend"
    metavar: str | None = None
    dest_name: str | None = None  # where argparse would derive a keyword ("--from": start)

    @property
    def dest(self) -> str:
        """The attribute name argparse gives the value."""
        return self.dest_name or self.name.lstrip("-").replace("-", "_")

    @property
    def default(self) -> bool | list[str] | None:
        """The value when the option is absent (argparse's defaults for these actions)."""
        if self.action == "store_true":
            return False
        return [] if self.action == "extend" else None


class Command(Record):
    """A subcommand: its options, at most one optional positional, and its handler."""

    name: str
    handler: Handler
    help: str
    options: tuple[Opt, ...]
    description: str | None = None
    positional: Opt | None = None
    #: Options kept when argparse cannot read a line strictly; non-empty: every other word
    #: of such a line goes to the positional, to be read leniently (``log``: see
    #: :class:`crampwise.cli._parser.LenientParser`).
    lenient: tuple[str, ...] = ()


def add_command(sub: Any, common: argparse.ArgumentParser, command: Command) -> None:
    """Register ``command`` on argparse's subparsers action ``sub``."""
    parser_class = sub._parser_class
    if command.lenient:
        from crampwise.cli._parser import LenientParser

        sub._parser_class = LenientParser
    try:
        p = sub.add_parser(
            command.name, parents=[common], help=command.help, description=command.description
        )
    finally:
        sub._parser_class = parser_class
    if command.lenient:
        p.keep = command.lenient
    positional = command.positional
    if positional is not None:
        nargs = "*" if positional.action == "extend" else "?"
        p.add_argument(
            positional.name, nargs=nargs, help=positional.help, metavar=positional.metavar
        )
    for opt in command.options:
        kwargs: dict[str, Any] = {"help": opt.help}
        if opt.action != "store":
            kwargs["action"] = opt.action
        if opt.metavar is not None:
            kwargs["metavar"] = opt.metavar
        if opt.dest_name is not None:
            kwargs["dest"] = opt.dest_name
        p.add_argument(opt.name, **kwargs)
    p.set_defaults(handler=command.handler)


_DB = Opt("--db", "the database")  # the global option, accepted before and after the command


def parse_fast(argv: Sequence[str], commands: Sequence[Command]) -> Namespace | None:
    """The namespace argparse would produce for ``argv``, or None to let argparse decide."""
    rest = list(argv)
    values: dict[str, Any] = {"db": None}
    while rest and rest[0].startswith("--db"):  # global options: only --db
        if not _take(rest, {"--db": _DB}, values):
            return None
    if not rest:
        return None
    command = next((c for c in commands if c.name == rest[0]), None)
    if command is None:
        return None
    del rest[0]
    options = {"--db": _DB, **{opt.name: opt for opt in command.options}}
    values.update((opt.dest, opt.default) for opt in command.options)
    positional = command.positional
    if positional is not None:
        values[positional.dest] = positional.default
    while rest:
        if rest[0].startswith("-"):
            if not _take(rest, options, values):
                return None
        elif positional is not None and positional.action == "extend":
            values[positional.dest].append(rest.pop(0))
        elif positional is not None:
            values[positional.dest] = rest.pop(0)
            positional = None  # only one
        else:
            return None
    values["handler"] = command.handler
    return Namespace(**values)


def _take(rest: list[str], options: dict[str, Opt], values: dict[str, Any]) -> bool:
    """Consume one option (and its value) from ``rest``; False when argparse should judge."""
    name, eq, inline = rest.pop(0).partition("=")
    opt = options.get(name)
    if opt is None:
        return False
    if opt.action == "store_true":
        values[opt.dest] = True
        return not eq
    if eq:
        value = inline
    elif rest and not rest[0].startswith("-"):
        value = rest.pop(0)
    else:
        return False
    if opt.action == "append":
        values[opt.dest] = [*(values[opt.dest] or ()), value]
    else:
        values[opt.dest] = value
    return True
