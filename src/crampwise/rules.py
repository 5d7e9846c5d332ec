"""The diary's cross-record rules, each written once.

The Python API (regimen, context), the importer's merge and the format validator all ask
these functions, so a diary built by any mix of commands and imports obeys the same rules -
and its own export can always be imported again. Each rule returns the records that clash
(callers decide how to word a refusal or a conflict); none touches storage. Per-record
checks (a severity in 0..10, a lab value that is plausible) live with their record's module
(``check_episode`` in ``diary``, ``check_regimen_entry`` in ``regimen``, ``check_lab`` …).

Stdlib only: ``regimen start`` and ``trigger-point add`` import this.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the CLI path
if TYPE_CHECKING:
    from collections.abc import Iterable

    from crampwise.records import Medication, RegimenEntry, TriggerPoint

__all__ = [
    "FOREVER",
    "medication_clashes",
    "regimen_clashes",
    "same_trigger_point",
    "span_text",
    "spans_overlap",
    "trigger_point_key",
]

#: The end of an ongoing entry, for comparisons (``end`` None = still going).
FOREVER = "9999-12-31"


def spans_overlap(start: str, end: str | None, other_start: str, other_end: str | None) -> bool:
    """Whether two date spans ``[start, end)`` share a day (``end`` None = ongoing)."""
    return start < (other_end or FOREVER) and other_start < (end or FOREVER)


def span_text(start: str, end: str | None) -> str:
    """``2026-03-10 – 2026-06-01`` or ``2026-03-10 – ongoing``."""
    return f"{start} – {end or 'ongoing'}"


def regimen_clashes(
    existing: Iterable[RegimenEntry], entry: RegimenEntry, *, ignore_id: int | None = None
) -> list[RegimenEntry]:
    """Entries of the same item whose time overlaps ``entry``'s.

    One item has one entry in force on any day: a change of form, dose or times is a
    *switch* (the old entry ends the day the new one starts), so the analysis can always
    tell which version was taken on a night.
    """
    return [
        other
        for other in existing
        if other.item == entry.item
        and (ignore_id is None or other.id != ignore_id)
        and spans_overlap(entry.start, entry.end, other.start, other.end)
    ]


def medication_clashes(
    existing: Iterable[Medication], med: Medication, *, ignore_id: int | None = None
) -> list[Medication]:
    """Medications of the same name whose time overlaps ``med``'s.

    The same rule as the regimen's: a medicine is on the list once at a time (a new dose is
    a new entry after the old one ended), so that safety and the analysis count it once.
    """
    return [
        other
        for other in existing
        if other.name == med.name
        and (ignore_id is None or other.id != ignore_id)
        and spans_overlap(med.start, med.end, other.start, other.end)
    ]


def trigger_point_key(tp: TriggerPoint) -> tuple[str, str, str, str]:
    """What tells trigger points apart: muscle, side, spot and the day it was found."""
    return (tp.muscle, tp.side, tp.spot, tp.found)


def same_trigger_point(
    existing: Iterable[TriggerPoint], tp: TriggerPoint, *, ignore_id: int | None = None
) -> TriggerPoint | None:
    """A stored trigger point with the same key as ``tp`` (then ``tp`` is not a new one)."""
    key = trigger_point_key(tp)
    for other in existing:
        if trigger_point_key(other) == key and (ignore_id is None or other.id != ignore_id):
            return other
    return None
