"""Prescription medicines: the medication half of ``tracker.regimen`` (a mixin of
:class:`crampwise.regimen.RegimenModule`), and the check of a medication record."""

from __future__ import annotations

import datetime as dt

from crampwise import validate as v
from crampwise import vocab
from crampwise._record import replace
from crampwise.errors import ConflictError, InputError, NotFoundError
from crampwise.records import Medication
from crampwise.rules import medication_clashes, span_text

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.clock import Clock
    from crampwise.storage.store import Store

__all__ = ["MedicationMethods", "check_medication"]


class MedicationMethods:
    """Add, stop and list prescription medicines (mixed into ``RegimenModule``)."""

    _store: Store
    _clock: Clock

    def _day(self, date: str | None, field: str) -> str:
        return self._clock.day(date, field)

    def medications(self, *, active_on: str | None = None) -> list[Medication]:
        """Prescription medications (optionally those taken on a date)."""
        meds = self._store.list_medications()
        return [m for m in meds if active_on is None or m.active_on(active_on)]

    def add_medication(
        self,
        name: str,
        *,
        dose: float | str | None = None,
        unit: str | None = None,
        times: list[str] | tuple[str, ...] = (),
        start: str | None = None,
        notes: str = "",
        every: str | None = None,
    ) -> Medication:
        """Add a prescription medicine taken from ``start`` (default today); ``every``: how
        often (``week`` for a weekly tablet; default every day), counted from ``start``."""
        dose, unit = v.dose_and_unit(dose, unit)
        med = check_medication(
            Medication(
                name=name,
                dose=None if dose is None else v.number(dose, "dose"),
                unit=unit,
                times=tuple(times),
                start=self._day(start, "start"),
                notes=notes,
                every=every or "day",
            ),
            "",
            self._clock.today(),
        )
        with self._store.write():
            clashes = medication_clashes(self._store.list_medications(), med)
            if clashes:
                other = clashes[0]
                raise ConflictError(
                    f"{med.name} is already on your medication list for "
                    f"{span_text(other.start, other.end)}; stop that entry first"
                )
            new_id = self._store.insert_medication(med)
        return replace(med, id=new_id)

    def stop_medication(
        self, name: str, *, date: str | None = None, notes: str | None = None
    ) -> Medication:
        """Stop a medication; ``date`` is the first day without it; ``notes`` (why) is
        added to its notes."""
        from crampwise.knowledge import parse_typed_name

        wanted = v.lookup_name(name, "name")
        bare = v.lookup_name(parse_typed_name(wanted, "medication").name, "name")
        ongoing = [
            m for m in self._store.list_medications() if m.name in (wanted, bare) and m.end is None
        ]
        if not ongoing:
            names = ", ".join(m.name for m in self.medications() if m.end is None) or "none"
            raise NotFoundError(f"{wanted} is not on your medication list (ongoing: {names})")
        med = ongoing[-1]
        day = self._day(date, "end")
        if day == med.start:
            raise InputError(
                "end",
                f"{med.name} was added for {day}, so stopping it the same day means it was "
                f"never taken; delete medication {med.id} instead",
                code="conflict-with-field",
                action="delete-medication",
                subject=str(med.id),
            )
        if day < med.start:
            raise InputError("end", f"{day} is before its start {med.start}", code="out-of-range")
        assert med.id is not None
        from crampwise.regimen import _added_note

        note = _added_note(med.notes, notes)
        with self._store.write():
            self._store.set_medication_end(med.id, day)
            if note != med.notes:
                self._store.set_medication_notes(med.id, note)
        return replace(med, end=day, notes=note)


def check_medication(med: Medication, field: str, today: dt.date | None) -> Medication:
    """Validate and normalise a medication record ("Lisinopril 10mg" is lisinopril, 10 mg)."""
    if not isinstance(med.name, str) or not med.name.strip():
        raise InputError(f"{field}name", "a medication needs a name", code="required")
    start = v.iso_date(med.start, f"{field}start", today)
    end = None if med.end is None else v.iso_date(med.end, f"{field}end")
    if end is not None and end <= start:
        raise InputError(
            f"{field}end", f"{end} is not after the start {start}", code="conflict-with-field"
        )
    unit = None if med.unit is None else v.unit(med.unit, f"{field}unit")
    dose = None if med.dose is None else v.number(med.dose, f"{field}dose")
    from crampwise.regimen import _typed
    from crampwise.schedule import parse_every

    typed = _typed(med.name, dose, unit, None, "medication", field)
    name, dose, unit = v.free_text_name(typed.name, f"{field}name"), typed.dose, typed.unit
    if dose is not None and unit is None:
        raise InputError(
            f"{field}unit",
            f"needed with a dose; allowed: {', '.join(vocab.REGIMEN_UNITS)}",
            code="required",
        )
    return replace(
        med,
        name=name,
        start=start,
        end=end,
        unit=unit,
        dose=dose,
        times=v.choices(med.times, f"{field}times", vocab.DOSE_TIMES),
        every=parse_every(med.every, f"{field}every"),  # None: every day
        notes=v.text(med.notes, f"{field}notes"),
    )
