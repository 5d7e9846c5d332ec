"""What ``crampwise log`` says after saving a cramp: what it could not read, with the
command that fixes it (cramps that may be the same one logged twice are named by
``hot_cmds`` itself: logging twice is common, and this module loads two more).

Loaded only when there is something to say (the plain ``log`` path does not import it).
On a terminal, a word that could mean several things (``thigh``) is asked about - after
the cramp is saved, never before.
"""

from __future__ import annotations

import sys

from crampwise.cli._fields import EDIT_VALUES, LOG_OPTIONS, option_for
from crampwise.cli.hot_cmds import command_prefix, shell_word
from crampwise.plainwords import closest

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from crampwise.cli._app import App
    from crampwise.diary import LoggedEpisode
    from crampwise.plainwords import Unread
    from crampwise.records import Episode

__all__ = ["fix_command", "option_words", "report", "unread_json"]

#: Fields a terminal question can fill in from a word's candidates.
_ASKABLE = ("muscles", "side", "reliefs")


def option_words(words: list[str]) -> list[tuple[str | None, str]]:
    """Plain words among which option-like words were typed (``--sevrity 8``, ``--at``
    with no value, ``--woke=yes``): an option of ``log`` spelled a little wrong is read as
    that option, with the word after it as its value; other words stay plain words."""
    out: list[tuple[str | None, str]] = []
    i = 0
    while i < len(words):
        word = words[i]
        i += 1
        if word == "--":  # "the rest are not options" means nothing more here
            continue
        name, eq, inline = word.partition("=")
        found = closest(name, LOG_OPTIONS) if name.startswith("--") and len(name) > 3 else []
        if len(found) != 1:
            out.append((None, word))
            continue
        option = found[0]
        field = LOG_OPTIONS[option]
        if field == "woke":
            yes = option == "--woke"
            if eq and inline.strip().lower() in ("no", "false", "0", "n"):
                yes = not yes
            out.append(("woke", "yes" if yes else "no"))
            continue
        if eq:
            value = inline
        elif i < len(words) and not words[i].startswith("--"):
            value = words[i]
            i += 1
        else:
            value = ""  # an option without its value: reported as empty
        out.append((field, value))
    return out


def fix_command(u: Unread, e: Episode, args: argparse.Namespace) -> str:
    """The ``edit`` command that puts right what was not read (its first candidate, or
    a placeholder to fill in)."""
    edit = f"{command_prefix(args)} edit {e.id}"
    if u.field == "woke":
        return f"{edit} --woke (or --no-woke)"
    if u.field not in EDIT_VALUES:
        return f"{edit} --muscle NAME --side left|right|both --severity 0-10"
    option = option_for(u.field, "cmd_edit")
    if u.code == "conflict-with-field" and u.field not in ("at", "night"):
        value = u.value  # the value that was not kept
    else:
        value = u.choices[0] if u.choices else EDIT_VALUES[u.field]
    if u.field == "muscles":  # edit replaces the list: keep what was saved
        value = ",".join(dict.fromkeys((*e.muscles, value)))
    elif u.field == "reliefs":
        value = ",".join(
            dict.fromkeys(
                (*(f"{r.method}:{r.helped}" if r.helped else r.method for r in e.reliefs), value)
            )
        )
    others = f" (or {', '.join(u.choices[1:])})" if len(u.choices) > 1 else ""
    shown = value if value == EDIT_VALUES.get(u.field) else shell_word(value)
    return f"{edit} {option} {shown}{others}"


def _what(u: Unread) -> str:
    """``--severity '11': not a severity …``; ``'calff': not a muscle I know …``."""
    where = option_for(u.field, "cmd_log") if u.field in EDIT_VALUES and not u.plain else ""
    if not u.value.strip(" ,"):
        return f"{where or u.field}: no value was given"
    if u.message.startswith((repr(u.value), u.value)):  # the diary's message names it
        return f"{where or u.field}: {u.message}"
    return f"{where + ' ' if where else ''}{u.value!r}: {u.message}"


def unread_json(u: Unread, e: Episode, args: argparse.Namespace) -> dict[str, Any]:
    """An unread detail in ``log --json``: neutral field, the words, and the fix."""
    return {
        "field": u.field,
        "value": u.value,
        "message": _what(u),
        "choices": list(u.choices),
        "code": u.code,
        "fix": fix_command(u, e, args),
    }


def report(app: App, logged: LoggedEpisode) -> None:
    """After the cramp is saved (and cramps it may duplicate are named): what was not
    read, with the command that fixes it (or, on a terminal, a question)."""
    args = app.args
    e = logged.episode
    for u in logged.unread:
        if u.field in _ASKABLE and u.choices and _can_ask(args):
            e = _ask(app, u, e)
            continue
        app.echo(app.style(f"I did not understand {_what(u)}", "yellow"))
        app.echo(f"  to fix: {fix_command(u, e, args)}")


def _can_ask(args: argparse.Namespace) -> bool:
    stdin = sys.stdin
    return not args.json and stdin is not None and stdin.isatty() and sys.stderr is not None


def _ask(app: App, u: Unread, e: Episode) -> Episode:
    """Ask which one was meant (the cramp is saved already); fill it in."""
    choices = list(u.choices)
    numbered = "  ".join(f"{n} {choice}" for n, choice in enumerate(choices, 1))
    sys.stderr.write(
        f"Cramp #{e.id} is saved. {_what(u)}\n  {numbered}\n"
        "Which one? (a number, or Enter to leave it out) "
    )
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    chosen = None
    if answer.isdecimal() and 1 <= int(answer) <= len(choices):
        chosen = choices[int(answer) - 1]
    elif answer in choices:
        chosen = answer
    if chosen is None:
        app.echo(f"Left out {u.value!r}; to add it later: {fix_command(u, e, app.args)}")
        return e
    diary = app.tracker.diary  # editing: the whole facade (one more module, off the 3 a.m. path)
    assert e.id is not None
    if u.field == "muscles":
        updated = diary.edit_episode(e.id, confirm=True, muscles=[*e.muscles, chosen])
    elif u.field == "side":
        updated = diary.edit_episode(e.id, confirm=True, side=chosen)
    else:
        reliefs = [(r.method, r.helped) for r in e.reliefs]
        updated = diary.edit_episode(e.id, confirm=True, reliefs=[*reliefs, (chosen, None)])
    app.echo(f"Cramp #{e.id}: added {chosen}.")
    return updated
