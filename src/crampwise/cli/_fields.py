"""The CLI's words for the domain's neutral errors: the one place that maps them.

Domain errors name record fields (``severity``, ``duration_min``, ``end``) and a neutral
``action`` (``switch-regimen``); the person typed options (``--severity``,
``--duration``, ``--date``) and wants a command to type next. :func:`error_line` turns
one into the other. Most fields map to the same option in every command
(:data:`OPTIONS`); where a command names a field differently - the stop date of
``regimen stop`` is the entry's ``end`` - :data:`PER_COMMAND` says so, keyed by the
handler that ran. Loaded only when an error is shown (not on the ``log`` path).
"""

from __future__ import annotations

TYPE_CHECKING = False  # mypy treats any name TYPE_CHECKING as true; no typing import
if TYPE_CHECKING:
    from crampwise.errors import CrampwiseError

__all__ = [
    "ACTION_HINTS",
    "EDIT_VALUES",
    "LOG_OPTIONS",
    "OPTIONS",
    "PER_COMMAND",
    "error_line",
    "option_for",
]

#: Field → option, wherever the field is typed as that option.
OPTIONS: dict[str, str] = {
    "at": "--at",
    "night": "--night",
    "side": "--side",
    "muscles": "--muscle",
    "severity": "--severity",
    "duration_min": "--duration",
    "waves": "--waves",
    "woke": "--woke",
    "reliefs": "--relief",
    "notes": "--note",
    "client_id": "--client-id",
    "cramps": "--cramps",
    "sleep_quality": "--sleep",
    "kind": "--kind",
    "form": "--form",
    "dose": "--dose",
    "dose_of": "--dose-of",
    "unit": "--unit",
    "times": "--times",
    "every": "--every",
    "time": "--time",
    "date": "--date",
    "range_low": "--low",
    "range_high": "--high",
    "spot": "--spot",
    "tenderness": "--tenderness",
    "birth_year": "--birth-year",
    "sex": "--sex",
    "kidney_disease": "--kidney-disease",
    "timezone": "--timezone",
    "bedtime": "--bedtime",
    "map": "--map",
    "ics": "--ics",
    "pdf": "--pdf",
    "html": "--html",
    "db": "--db",
    "out": "--out",
    "emptied_night": "--then",
    "start": "--from",  # list filters; commands that start something override it below
    "end": "--to",
    "comparator": "--vs",
    "pairs": "--blocks",
    "period_weeks": "--period-weeks",
    "washout_days": "--washout-days",
    "seed": "--seed",
    "baseline_per_week": "--baseline-per-week",
    "dispersion": "--dispersion",
    "mcid": "--mcid",
    "rate_ratio": "--rate-ratio",
    "weeks_per_arm": "--weeks-per-arm",
    "stop_reason": "--reason",
    "stopped_on": "--date",
}

#: The experiment commands that plan a trial name its item and first night as options.
_PLAN = {"item": "--item", "start": "--start"}

_POSITIONAL = "(positional)"  # the field is typed as a positional argument: keep its name

#: Handler name → field → option, where a command differs from :data:`OPTIONS`.
PER_COMMAND: dict[str, dict[str, str]] = {
    "cmd_night": {"date": _POSITIONAL},
    "cmd_after_effect": {"kind": _POSITIONAL, "rating": _POSITIONAL},
    "cmd_regimen_start": {"start": "--start", "end": _POSITIONAL},
    "cmd_regimen_stop": {"end": "--date"},
    "cmd_regimen_switch": {"start": "--start"},
    "cmd_med_add": {"start": "--start", "end": _POSITIONAL},
    "cmd_med_stop": {"end": "--date"},
    "cmd_lab_add": {"unit": _POSITIONAL},
    "cmd_lab_list": {"test": "--test"},
    "cmd_factor_add": {"unit": _POSITIONAL},
    "cmd_factor_list": {"name": "--name"},
    "cmd_tp_add": {"found": "--date"},
    "cmd_tp_rate": {"tenderness": _POSITIONAL},
    "cmd_tp_release": {"released": "--date"},
    "cmd_experiment_plan": _PLAN,
    "cmd_experiment_start": _PLAN,
    "cmd_experiment_status": {"experiment": "--id"},
    "cmd_experiment_stop": {"experiment": "--id"},
    "cmd_experiment_result": {"experiment": "--id"},
    "cmd_experiment_today": {"date": "--date"},
    "cmd_cohort_analyze": {"item": "--item", "files": "FILE"},
}

#: What to type next, by the error's neutral action (``{subject}`` filled in).
ACTION_HINTS: dict[str, str] = {
    "switch-regimen": "use 'crampwise regimen switch {subject}'",
    "start-regimen": "start it with 'crampwise regimen start {subject}'",
    "delete-regimen": "to remove it use 'crampwise delete regimen {subject}'",
    "delete-medication": "to remove it use 'crampwise delete med {subject}'",
    "edit-episode": "to change it use 'crampwise edit {subject}'",
    "log-now": "log a cramp now with 'crampwise log'",
    "give-night": "for an earlier day add --night YYYY-MM-DD",
    "give-count": "give --none or --cramps N",
    "replace": "use --replace to let the file's version win",
    "choose-another-db": "give another --db, or add --yes to replace what it holds",
    "plan-experiment": "plan one with 'crampwise experiment plan --item ITEM'",
    "stop-experiment": "to end it early use 'crampwise experiment stop --id {subject}'",
    "stop-regimen-for-experiment": "add --stop-regimen to end that entry when it starts",
    "accept-low-power": "add --anyway to start it all the same",
}


def option_for(field: str, handler: str = "") -> str:
    """The option (or positional name) a neutral field is typed as in a command."""
    base = field.split("[", 1)[0]
    if "." in base or not base:  # a JSON path from a file: the file's own words
        return field
    option = PER_COMMAND.get(handler, {}).get(base) or OPTIONS.get(base)
    if option is None or option == _POSITIONAL:
        return field
    return option


def hint(exc: CrampwiseError) -> str:
    """The command-line hint for an error's action ("" when it has none)."""
    template = ACTION_HINTS.get(exc.action or "")
    if template is None:
        return ""
    return template.format(subject=exc.subject or "")


def error_line(exc: CrampwiseError, handler: str = "") -> str:
    """An error in the CLI's words: ``--severity: 11 is not in 0..10``, one line."""
    from crampwise.errors import InputError, StorageError

    if isinstance(exc, InputError) and exc.field:
        text = f"{option_for(exc.field, handler)}: {exc.detail}"
    elif isinstance(exc, StorageError) and exc.about:
        text = f"{option_for(exc.about, handler)}: {exc}"
    else:
        text = str(exc)
    extra = hint(exc)
    if extra:
        text = f"{text.rstrip('.')}; {extra}"
    return " ".join(text.split())  # one line, whatever the message held


#: What to type after an option of ``edit`` to fix a detail ``log`` could not read.
EDIT_VALUES: dict[str, str] = {
    "at": "HH:MM",
    "night": "YYYY-MM-DD",
    "side": "left|right|both",
    "muscles": "NAME",
    "severity": "0-10",
    "duration_min": "MINUTES",
    "waves": "N",
    "reliefs": "METHOD:HELPED",
    "notes": "TEXT",
}

#: ``log``'s options by the field they fill (its words for the neutral fields).
LOG_OPTIONS: dict[str, str] = {
    "--at": "at",
    "--night": "night",
    "--side": "side",
    "--muscle": "muscles",
    "--severity": "severity",
    "--duration": "duration_min",
    "--waves": "waves",
    "--relief": "reliefs",
    "--note": "notes",
    "--woke": "woke",
    "--no-woke": "woke",
}
