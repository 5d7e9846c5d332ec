"""CLI plumbing: output helpers, error handling, confirmation, dispatch.

Commands are thin: parse → call the Tracker → print. This module is on the path of
``crampwise log``, which should start about as fast as Python itself: it imports neither
argparse (see ``_parser``), json (only for ``--json``) nor typing.
"""

from __future__ import annotations

import os
import sys

from crampwise.cli._fields import cli_message
from crampwise.errors import ConfirmationRequired, CrampwiseError, InputError

TYPE_CHECKING = False  # mypy treats any name TYPE_CHECKING as true
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any, NoReturn, TypeAlias, TypeVar

    from crampwise.tracker import Tracker

    T = TypeVar("T")
    Handler: TypeAlias = Callable[[argparse.Namespace, "App"], int | None]

__all__ = ["App", "confirmable", "dispatch", "handler"]


def handler(fn: Handler) -> Handler:
    """Mark a function as a command handler (documentation only; keeps signatures uniform)."""
    return fn


class App:
    """What a command handler needs: the tracker (opened lazily) and output helpers."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._tracker: Tracker | None = None
        self.color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")

    @property
    def tracker(self) -> Tracker:
        """The diary named by ``--db`` (or CRAMPWISE_DB, or the default)."""
        if self._tracker is None:
            from crampwise.tracker import Tracker

            self._tracker = Tracker(self.args.db)
        return self._tracker

    def close(self) -> None:
        """Close the database if it was opened."""
        if self._tracker is not None:
            self._tracker.close()

    # -- output --------------------------------------------------------------------------
    def echo(self, text: str = "") -> None:
        """Print a line to stdout."""
        sys.stdout.write(text + "\n")

    def note(self, text: str) -> None:
        """Print a hint to stderr (never pollutes --json output)."""
        sys.stderr.write(text + "\n")

    def json(self, obj: Any) -> None:
        """Print exactly one JSON document on stdout."""
        import json  # only for --json: not on the plain `log` path

        sys.stdout.write(json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False) + "\n")

    def style(self, text: str, *codes: str) -> str:
        """ANSI styling when writing to a terminal (bold, dim, red, green, yellow, cyan)."""
        if not self.color or not codes:
            return text
        table = {"bold": "1", "dim": "2", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
        return f"\033[{';'.join(table[c] for c in codes)}m{text}\033[0m"

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        """A column-aligned table (box-free, so it pastes cleanly into notes)."""
        cells = [[("" if c is None else str(c)) for c in row] for row in rows]
        widths = [len(h) for h in headers]
        for row in cells:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))
        self.echo(
            self.style(
                "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip(), "bold"
            )
        )
        for row in cells:
            self.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())

    def fail(self, message: str, code: int = 1) -> NoReturn:
        """Stop with a one-line error."""
        raise SystemExit(_error_line(message, code))


class _Exit(Exception):
    pass


def _error_line(message: str, code: int) -> int:
    sys.stderr.write(f"crampwise: error: {message}\n")
    return code


def confirmable(app: App, action: Callable[[bool], T]) -> T:
    """Run ``action(confirm)``; on :class:`ConfirmationRequired` ask (tty) or demand ``--yes``."""
    if getattr(app.args, "yes", False):
        return action(True)
    try:
        return action(False)
    except ConfirmationRequired as question:
        if not sys.stdin.isatty():
            raise ConfirmationRequired(f"{question} Add --yes to confirm.") from None
        sys.stderr.write(f"{question} [y/N] ")
        sys.stderr.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            raise ConfirmationRequired("cancelled; nothing was changed") from None
        return action(True)


def dispatch(args: argparse.Namespace) -> int:
    """Run ``args.handler``; turn every known error into one line and an exit code."""
    fn: Handler = args.handler
    app = App(args)
    try:
        return int(fn(args, app) or 0)
    except InputError as exc:
        return _error_line(cli_message(exc), 1)
    except CrampwiseError as exc:
        return _error_line(str(exc), 1)
    except KeyboardInterrupt:
        return _error_line("interrupted; nothing was changed by the interrupted step", 130)
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if os.environ.get("CRAMPWISE_DEBUG"):
            raise
        return _error_line(
            f"unexpected {type(exc).__name__}: {exc} (set CRAMPWISE_DEBUG=1 for details; "
            "please report it)",
            70,
        )
    finally:
        app.close()
