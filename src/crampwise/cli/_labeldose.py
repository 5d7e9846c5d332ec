"""Doses as the label prints them: ``regimen start potassium --form gluconate --dose 595``.

A mineral's dose is stored as the element. When the dose given with a salt form looks like
the salt's weight (see :mod:`crampwise.saltdose`), ``regimen start`` asks on a terminal
and otherwise converts, saying so and how to undo it; ``--dose-of salt|element`` says it
outright. A mineral's dose without a unit is in mg (what every label uses for them).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    import argparse

    from crampwise.cli._app import App
    from crampwise.records import RegimenEntry
    from crampwise.saltdose import SaltDose

__all__ = ["DoseReading", "read_dose", "report_dose"]


class DoseReading:
    """What ``regimen start``/``switch`` make of ``--dose``: the unit (mg when a mineral's
    unit was left out), whether it is the salt's weight, and why."""

    def __init__(self, unit: str | None, dose_of: str | None) -> None:
        self.unit = unit
        self.dose_of = dose_of
        self.assumed_mg = False
        self.label: SaltDose | None = None
        self.guessed = False  # converted without being told or asked


def _is_mineral(item: str) -> bool:
    from crampwise.knowledge.names import match_nutrient

    match = match_nutrient(item)
    return match is not None and match.nutrient.mg_per_mmol is not None


def read_dose(app: App, args: argparse.Namespace) -> DoseReading:
    """Decide the unit and whether the dose is the salt's weight, before anything is saved."""
    from crampwise.validate import dose_and_unit

    args.dose, args.unit = dose_and_unit(args.dose, args.unit)  # "99mg", "20 mEq"
    reading = DoseReading(args.unit, args.dose_of)
    if args.dose is not None and args.unit is None and _is_mineral(args.item):
        reading.unit, reading.assumed_mg = "mg", True
    if reading.dose_of is not None:
        return reading
    label = app.tracker.regimen.salt_dose(  # "potassium gluconate 595mg" names form and dose
        args.item, kind=args.kind, form=args.form, dose=args.dose, unit=reading.unit,
        date=args.start,
    )  # fmt: skip
    if label is None or not label.looks_like_salt:
        return reading
    reading.label = label
    if _can_ask(args):
        reading.dose_of = _ask(label)
    else:
        reading.dose_of, reading.guessed = "salt", True
    return reading


def _can_ask(args: argparse.Namespace) -> bool:
    stdin = sys.stdin
    return not args.json and stdin is not None and stdin.isatty() and sys.stderr is not None


def _ask(label: SaltDose) -> str:
    amount = f"{label.dose:g} {label.unit}"
    sys.stderr.write(
        f"Is {amount} the weight of the {label.salt} ({label.text()}), or the "
        f"{label.nutrient} itself?\n  1 the {label.salt} (the label's big number)  "
        f"2 the {label.nutrient} itself\nWhich one? (Enter: 1) "
    )
    sys.stderr.flush()
    answer = sys.stdin.readline().strip().lower()
    return "element" if answer in ("2", "element", label.nutrient) else "salt"


def report_dose(app: App, reading: DoseReading, entry: RegimenEntry) -> None:
    """Say how the dose was read (stderr: never in the way of ``--json``)."""
    from crampwise.cli.hot_cmds import command_prefix, shell_word

    if reading.assumed_mg:
        app.note(f"The dose of {entry.item} is in mg (no unit was given).")
    if reading.dose_of != "salt":
        return
    label = reading.label
    if label is None:  # told outright: say what it came to
        app.note(f"Read as the label's weight of the salt: {_from_notes(entry)}.")
        return
    app.note(f"Read as the label's weight of the salt: {label.text()}.")
    if reading.guessed:
        app.note(
            f"  If {label.dose:g} {label.unit} is the {label.nutrient} itself: "
            f"{command_prefix(app.args)} regimen switch {shell_word(entry.item)} "
            f"--dose {label.dose:g} --unit {label.unit} --dose-of element --start {entry.start}"
        )


def _from_notes(entry: RegimenEntry) -> str:
    """``595 mg potassium gluconate ≈ 99.4 mg potassium`` from the label note just saved."""
    for part in entry.notes.split("; "):
        if part.startswith("label: "):
            dose = entry.dose or 0.0
            shown = f"{dose:.0f}" if dose >= 10 else f"{dose:g}"
            return f"{part[len('label: ') :]} ≈ {shown} {entry.unit} {entry.item}"
    return ""
