"""CLI plumbing: output helpers, error handling, confirmation, dispatch.

Commands are thin: parse → call the Tracker → print. This module is on the path of
``crampwise log``, which should start about as fast as Python itself: it imports neither
argparse (see ``_parser``), json (only for ``--json``) nor typing.
"""

from __future__ import annotations

import os
import sys

from crampwise.errors import ConfirmationRequired, CrampwiseError

TYPE_CHECKING = False  # mypy treats any name TYPE_CHECKING as true
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any, NoReturn, TypeAlias, TypeVar

    from crampwise.tracker import Tracker
    from crampwise.tracker_core import TrackerCore

    T = TypeVar("T")
    Handler: TypeAlias = Callable[[argparse.Namespace, "App"], int | None]

__all__ = ["App", "confirmable", "dispatch", "error_message", "handler", "readable_db"]


def readable_db(url: str, given: str | None = None) -> str:
    """Where a database is, as a person reads it: an SQLite file's path (not a
    ``sqlite:////…`` URL), a server URL without its password. ``given``: the path or URL
    the person gave, when known."""
    if url.startswith("sqlite"):
        if given is not None and not given.startswith(("sqlite", ":memory:")):
            return os.path.abspath(given)
        path = url.split(":///", 1)[-1].split("?", 1)[0]
        return path or url
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if at and ":" in userinfo:
        rest = f"{userinfo.split(':', 1)[0]}:***@{host}"
    return f"{scheme}{sep}{rest}"


def handler(fn: Handler) -> Handler:
    """Mark a function as a command handler (documentation only; keeps signatures uniform)."""
    return fn


class App:
    """What a command handler needs: the tracker (opened lazily) and output helpers.

    A handler that changed the diary says what it saved in :attr:`saved` before it prints,
    so that an error while printing (a full disk, a closed pipe) can say that the change
    was kept.
    """

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self._tracker: TrackerCore | None = None
        self.saved: str | None = None
        out = sys.stdout
        self.color = out is not None and out.isatty() and not os.environ.get("NO_COLOR")

    @property
    def tracker(self) -> Tracker:
        """The diary named by ``--db`` (or CRAMPWISE_DB, or the default)."""
        from crampwise.tracker import Tracker

        if not isinstance(self._tracker, Tracker):
            if self._tracker is not None:  # the hot half was open: one connection at a time
                self._tracker.close()
            self._tracker = Tracker(self.args.db)
        return self._tracker

    @property
    def core(self) -> TrackerCore:
        """The same diary through the facade's hot half (``log`` and ``night``: opening,
        the time, nights and episodes), which loads none of the rest."""
        if self._tracker is None:
            from crampwise.tracker_core import TrackerCore

            self._tracker = TrackerCore(self.args.db)
        return self._tracker

    def close(self) -> None:
        """Close the database if it was opened."""
        if self._tracker is not None:
            self._tracker.close()

    # -- output --------------------------------------------------------------------------
    def echo(self, text: str = "") -> None:
        """Print a line to stdout."""
        _stdout().write(text + "\n")

    def note(self, text: str) -> None:
        """Print a hint to stderr (never pollutes --json output)."""
        if sys.stderr is not None:
            sys.stderr.write(text + "\n")

    def json(self, obj: Any) -> None:
        """Print exactly one JSON document on stdout."""
        import json  # only for --json: not on the plain `log` path

        try:
            text = json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
        except ValueError:  # inf or nan, from a value stored before numbers had bounds
            raise CrampwiseError(
                "the result holds a number too large to write as JSON; look for an "
                "implausible amount in the diary (a dose, a factor) and correct it"
            ) from None
        _stdout().write(text + "\n")

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


def _stdout() -> Any:
    if sys.stdout is None:  # started with standard output closed
        import errno

        raise OSError(errno.EBADF, "standard output is closed")
    return sys.stdout


def _error_line(message: str, code: int) -> int:
    if sys.stderr is not None:
        try:
            sys.stderr.write(f"crampwise: error: {message}\n")
            sys.stderr.flush()
        except OSError:
            pass  # nowhere left to say it; the exit code still does
    return code


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's flush at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _output_failed(app: App, exc: OSError) -> int:
    """Printing failed after the command ran: say what was kept, and whether a retry is safe."""
    _silence_stdout()
    reason = exc.strerror or str(exc)
    if app.saved is None:
        return _error_line(f"cannot write the output: {reason}", 74)
    client_id = getattr(app.args, "client_id", None)
    if client_id:
        retry = f"retrying with --client-id {client_id} is safe (it is stored once)"
    else:
        retry = "do not repeat the command, or it is saved twice"
    return _error_line(f"{app.saved} WAS saved, but printing failed ({reason}); {retry}", 74)


def error_message(exc: CrampwiseError, args: Any) -> str:
    """An error in the CLI's words (see :mod:`crampwise.cli._fields`)."""
    from crampwise.cli._fields import error_line

    handler = getattr(getattr(args, "handler", None), "__name__", "")
    return error_line(exc, handler)


def confirmable(app: App, action: Callable[[bool], T]) -> T:
    """Run ``action(confirm)``; on :class:`ConfirmationRequired` ask (tty) or demand ``--yes``."""
    if getattr(app.args, "yes", False):
        return action(True)
    try:
        return action(False)
    except ConfirmationRequired as question:
        if sys.stdin is None or not sys.stdin.isatty():
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
        code = int(fn(args, app) or 0)
        _warn_about_zone(app)
        if sys.stdout is not None:
            sys.stdout.flush()  # here, not at exit: a full disk must be reported
        return code
    except CrampwiseError as exc:
        return _error_line(error_message(exc, args), 1)
    except KeyboardInterrupt:
        if app.saved is not None:
            return _error_line(f"interrupted; {app.saved} WAS saved", 130)
        return _error_line("interrupted; nothing was changed", 130)
    except BrokenPipeError:  # `crampwise … | head`: the reader has what it wanted
        _silence_stdout()
        return 0
    except OSError as exc:
        if _is_output_error(exc):
            return _output_failed(app, exc)
        return _unexpected(exc)
    except Exception as exc:
        return _unexpected(exc)
    finally:
        app.close()


def _is_output_error(exc: OSError) -> bool:
    """Whether writing to stdout failed (and not, say, reading a file)."""
    import errno

    codes = {errno.ENOSPC, errno.EBADF, errno.EIO, getattr(errno, "EDQUOT", errno.ENOSPC)}
    return exc.filename is None and exc.errno in codes


def _warn_about_zone(app: App) -> None:
    """Say (on stderr) when the time zone in use had to be guessed."""
    if app._tracker is None:
        return
    warning = app._tracker.timezone_warning
    if warning:
        app.note(
            f"crampwise: warning: {warning}; set yours with "
            "'crampwise profile set --timezone Europe/Berlin'"
        )


def _unexpected(exc: Exception) -> int:
    if os.environ.get("CRAMPWISE_DEBUG"):
        raise exc
    message = " ".join(str(exc).split())[:200]
    return _error_line(
        f"unexpected {type(exc).__name__}: {message} (set CRAMPWISE_DEBUG=1 for details; "
        "please report it)",
        70,
    )
