"""The options of a plan that people type in more than one way: the dose (``1000mg``,
``1000 mg``, ``1.5g`` or a number with a unit) and the smallest worthwhile reduction
(``25%`` or ``0.25``)."""

from __future__ import annotations

from typing import Any

from crampwise import validate as v
from crampwise import vocab
from crampwise.errors import InputError

__all__ = ["parse_dose", "parse_mcid"]


def parse_dose(dose: Any, unit: str | None) -> tuple[float | None, str | None]:
    """``"1000mg"``, ``"1000 mg"``, ``"1.5g"`` or a number with ``unit``."""
    if dose is None:
        if unit is not None:
            v.choice(unit, "unit", vocab.REGIMEN_UNITS)
            raise InputError("dose", "a unit was given without a dose", code="required")
        return None, None
    if isinstance(dose, str):
        text = dose.strip().lower()
        for known in sorted(vocab.REGIMEN_UNITS, key=len, reverse=True):
            if text.endswith(known) and text[: -len(known)].strip():
                number_part = text[: -len(known)].strip()
                if unit is not None and unit != known:
                    raise InputError(
                        "unit",
                        f"{unit!r} differs from the dose's {known!r}",
                        code="conflict-with-field",
                    )
                return v.number(number_part, "dose", 0.0, 100_000.0), known
    amount = v.number(dose, "dose", 0.0, 100_000.0)
    if unit is None:
        raise InputError(
            "unit",
            f"needed with a dose; allowed: {', '.join(vocab.REGIMEN_UNITS)} (or write it "
            "with the dose, as 1000mg)",
            code="required",
        )
    return amount, v.choice(unit, "unit", vocab.REGIMEN_UNITS)


def parse_mcid(value: Any) -> float:
    """The smallest worthwhile reduction: ``25%``, ``25 %`` or ``0.25`` (5 % to 90 %)."""
    text = value.strip() if isinstance(value, str) else value
    if isinstance(text, str) and text.endswith("%"):
        percent = v.number(text[:-1].strip(), "mcid", 5.0, 90.0)
        return round(percent / 100.0, 4)
    fraction = v.number(text, "mcid", 0.0, 1.0)
    if not 0.05 <= fraction <= 0.9:
        raise InputError(
            "mcid",
            f"{fraction:g} is not from 0.05 to 0.9 (a reduction of 5 % to 90 %; write 25% or 0.25)",
            code="out-of-range",
        )
    return fraction
