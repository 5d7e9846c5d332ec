"""Lab tests: what each measures in which units (with the LOINC code of a result in each
unit), the adult ranges and same-day thresholds with their sources, and the input-sanity
bounds that catch typing and unit mistakes. Read from ``labs.csv`` and ``lab_units.csv``
on first use."""

from __future__ import annotations

__all__ = ["PLAUSIBLE_NOTE", "LabTest", "convert_lab", "labs", "plausible_lab"]

import math
from dataclasses import dataclass, field
from functools import cache

from crampwise.errors import UnknownNameError
from crampwise.knowledge import _close, _keys, _num, read_table


@dataclass(frozen=True)
class LabTest:
    test: str
    name: str
    loinc: str
    loinc_note: str
    canonical_unit: str
    range_low: float | None  # adult range, canonical unit; None = not shipped
    range_high: float | None
    urgent_low: float | None  # "contact your clinician today" thresholds, canonical unit
    urgent_high: float | None
    range_note: str
    sources: tuple[str, ...]  # everything the row rests on (LOINC, range, thresholds, bounds)
    units: dict[str, float]  # unit -> factor to the canonical unit
    range_sources: tuple[str, ...] = ()  # the source of range_low/range_high only
    urgent_sources: tuple[str, ...] = ()  # the source of urgent_low/urgent_high only
    plausible_low: float | None = None  # input-sanity bounds (canonical unit), see PLAUSIBLE_NOTE
    plausible_high: float | None = None
    unit_loinc: dict[str, str] = field(default_factory=dict)  # unit -> code of a result in it

    def loinc_for(self, unit: str) -> str:
        """The LOINC code of a result reported in ``unit`` ("" when none is confirmed):
        a code names mass or moles, so the unit decides it (calcium in mg/dL is 17861-6, in
        mmol/L 2000-8)."""
        return self.unit_loinc.get(unit, "")

    @property
    def short_name(self) -> str:
        """The name without its specimen: "potassium (serum)" -> "potassium"."""
        return self.name.split(" (")[0]


@cache
def labs() -> dict[str, LabTest]:
    units: dict[str, dict[str, float]] = {}
    codes: dict[str, dict[str, str]] = {}
    for r in read_table("lab_units"):
        units.setdefault(r["test"], {})[r["unit"]] = float(r["to_canonical"])
        if r["loinc"]:
            codes.setdefault(r["test"], {})[r["unit"]] = r["loinc"]
    return {
        r["test"]: LabTest(
            test=r["test"],
            name=r["name"],
            loinc=r["loinc"],
            loinc_note=r["loinc_note"],
            canonical_unit=r["canonical_unit"],
            range_low=_num(r["range_low"]),
            range_high=_num(r["range_high"]),
            urgent_low=_num(r["urgent_low"]),
            urgent_high=_num(r["urgent_high"]),
            range_note=r["range_note"],
            sources=_keys(r["source"]),
            units=units.get(r["test"], {}),
            unit_loinc=codes.get(r["test"], {}),
            range_sources=_keys(r["range_source"]),
            urgent_sources=_keys(r["urgent_source"]),
            plausible_low=_num(r["plausible_low"]),
            plausible_high=_num(r["plausible_high"]),
        )
        for r in read_table("labs")
    }


def convert_lab(test: str, value: float, unit: str) -> float:
    """``value`` in ``unit`` converted to the test's canonical unit."""
    table = labs()
    if test not in table:
        raise UnknownNameError("test", test, "lab test", _close(test, list(table)))
    units = table[test].units
    if unit not in units:
        raise UnknownNameError("unit", unit, f"unit for {test}", list(units))
    return value * units[unit]


#: What the ``plausible_low``/``plausible_high`` columns of ``labs.csv`` are (and are not).
PLAUSIBLE_NOTE = (
    "Input-sanity bounds chosen very wide by the crampwise authors, not clinical thresholds: "
    "values outside these are almost certainly a typing or unit mistake."
)


def plausible_lab(test: str, value: float, unit: str) -> str | None:
    """None if ``value`` ``unit`` is a plausible result of ``test``, else a one-line message.

    The value is converted to the canonical unit with the shipped factors and compared with
    the very wide input-sanity bounds of ``labs.csv`` (:data:`PLAUSIBLE_NOTE`); they catch
    typing and unit mistakes, they say nothing about health. The message suggests the unit
    in which the same number would lie within the shipped adult range (else within the
    bounds), e.g. "potassium 4.1 mg/dL is 1.05 mmol/L, which is not a plausible result; did
    you mean 4.1 mmol/L?". Unknown tests or units raise :class:`UnknownNameError`.
    """
    canonical = convert_lab(test, value, unit)
    spec = labs()[test]
    low, high = spec.plausible_low, spec.plausible_high
    if _within(canonical, low, high):
        return None
    entered = f"{spec.short_name} {value:g} {unit}"
    message = f"{entered} is not a plausible result"
    if unit != spec.canonical_unit:
        converted = f"{canonical:.3g} {spec.canonical_unit}"
        message = f"{entered} is {converted}, which is not a plausible result"
    others = [u for u in spec.units if u != unit]
    fits: list[str] = []
    if spec.range_low is not None or spec.range_high is not None:
        in_range = (spec.range_low, spec.range_high)
        fits = [u for u in others if _within(value * spec.units[u], *in_range)]
    fits = fits or [u for u in others if _within(value * spec.units[u], low, high)]
    if fits:
        return f"{message}; did you mean {value:g} {fits[0]}?"
    hint = ""
    if low is not None and high is not None:
        hint = f" (expected {low:g}-{high:g} {spec.canonical_unit})"
    return f"{message}{hint}; please check the number and the unit."


def _within(value: float, low: float | None, high: float | None) -> bool:
    if math.isnan(value):
        return False
    return (low is None or value >= low) and (high is None or value <= high)
