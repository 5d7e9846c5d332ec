"""Generate the CLI reference (docs/cli.md, README) from the argument parser itself.

``cog -r README.md docs/cli.md`` rewrites the generated blocks; a test checks they are
current, so the documentation cannot drift from the code.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterator

from crampwise.cli import build_parser

__all__ = ["command_table", "full_reference"]

_WIDTH = "100"


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _help_texts(parser: argparse.ArgumentParser) -> dict[str, str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {a.dest: a.help or "" for a in action._choices_actions}
    return {}


def _walk(
    parser: argparse.ArgumentParser, prefix: str
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    helps = _help_texts(parser)
    for name, sub in _subcommands(parser).items():
        path = f"{prefix} {name}".strip()
        yield path, helps.get(name, ""), sub
        yield from _walk(sub, path)


def command_table() -> str:
    """A Markdown table: every command with its one-line help."""
    lines = ["| command | what it does |", "|---|---|"]
    for path, text, sub in _walk(build_parser(), ""):
        if _subcommands(sub):
            continue  # groups are listed through their actions
        lines.append(f"| `crampwise {path}` | {text} |")
    return "\n".join(lines) + "\n"


def full_reference() -> str:
    """Every command's ``--help``, as Markdown."""
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = _WIDTH  # argparse wraps to the terminal; fix it for stable docs
    try:
        root = build_parser()
        parts = ["```text", root.format_help().rstrip(), "```", ""]
        for path, _, sub in _walk(root, ""):
            parts += [
                f"### `crampwise {path}`",
                "",
                "```text",
                sub.format_help().rstrip(),
                "```",
                "",
            ]
        return "\n".join(parts)
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
