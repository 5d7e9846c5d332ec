"""SQL for regimen entries, adherence and medications."""

from __future__ import annotations

from crampwise.records import Adherence, Medication, RegimenEntry
from crampwise.storage.diary_tables import utc_now

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from typing import Any

    from crampwise.storage.engine import Engine, Row

__all__ = ["RegimenTables"]


def _times(value: str) -> tuple[str, ...]:
    return tuple(t for t in value.split(",") if t)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


class RegimenTables:
    """Reads and writes of the regimen tables (mixed into :class:`Store`)."""

    engine: Engine
    diary_id: int

    # -- regimen -------------------------------------------------------------------------
    def list_regimen(self, item: str | None = None) -> list[RegimenEntry]:
        """Regimen entries (optionally of one item), by start date."""
        where, params = (" AND item = ?", (item,)) if item else ("", ())
        rows = self.engine.query(
            "SELECT id, item, kind, form, dose, unit, times, start_date, end_date, notes, every "
            f"FROM regimen WHERE diary_id = ?{where} ORDER BY start_date, item, id",
            (self.diary_id, *params),
        )
        return [self._regimen_from_row(r) for r in rows]

    def insert_regimen(self, e: RegimenEntry) -> int:
        """Store a regimen entry (inside a write)."""
        return self.engine.insert(
            "INSERT INTO regimen (diary_id, item, kind, form, dose, unit, times, start_date, "
            "end_date, notes, every, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING id",
            (
                self.diary_id,
                e.item,
                e.kind,
                e.form,
                e.dose,
                e.unit,
                ",".join(e.times),
                e.start,
                e.end,
                e.notes,
                e.every,
                utc_now(),
            ),
        )

    def set_regimen_end(self, entry_id: int, end: str | None) -> None:
        """Set (or clear) the end date of a regimen entry (inside a write)."""
        self.engine.execute(
            "UPDATE regimen SET end_date = ? WHERE id = ? AND diary_id = ?",
            (end, entry_id, self.diary_id),
        )

    def set_regimen_notes(self, entry_id: int, notes: str) -> None:
        """Replace the notes of a regimen entry (inside a write)."""
        self.engine.execute(
            "UPDATE regimen SET notes = ? WHERE id = ? AND diary_id = ?",
            (notes, entry_id, self.diary_id),
        )

    def delete_regimen(self, entry_id: int) -> int:
        """Delete a regimen entry (inside a write)."""
        return self.engine.execute(
            "DELETE FROM regimen WHERE id = ? AND diary_id = ?", (entry_id, self.diary_id)
        )

    @staticmethod
    def _regimen_from_row(r: Row) -> RegimenEntry:
        return RegimenEntry(
            id=int(r[0]),
            item=r[1],
            kind=r[2],
            form=r[3],
            dose=_float(r[4]),
            unit=r[5],
            times=_times(r[6]),
            start=r[7],
            end=r[8],
            notes=r[9],
            every=r[10],
        )

    # -- adherence -----------------------------------------------------------------------
    def put_adherence(self, a: Adherence) -> None:
        """Record (or overwrite) whether an item was taken (inside a write)."""
        self.engine.execute(
            "DELETE FROM adherence WHERE diary_id = ? AND date = ? AND item = ? AND dose_time = ?",
            (self.diary_id, a.date, a.item, a.time),
        )
        self.engine.execute(
            "INSERT INTO adherence (diary_id, date, item, dose_time, taken) VALUES (?, ?, ?, ?, ?)",
            (self.diary_id, a.date, a.item, a.time, int(a.taken)),
        )

    def list_adherence(
        self, item: str | None = None, start: str | None = None, end: str | None = None
    ) -> list[Adherence]:
        """Adherence records (of one item; between two dates, inclusive), by date."""
        sql = (
            "SELECT date, item, dose_time, taken FROM adherence "
            "WHERE diary_id = ? AND date >= ? AND date <= ?"
        )
        params: list[Any] = [self.diary_id, start or "0000-01-01", end or "9999-12-31"]
        if item:
            sql += " AND item = ?"
            params.append(item)
        rows = self.engine.query(sql + " ORDER BY date, item, dose_time", params)
        # positional (date, item, taken, time): a diary of years holds thousands of doses
        return [Adherence(r[0], r[1], bool(r[3]), r[2]) for r in rows]

    # -- medications ---------------------------------------------------------------------
    def list_medications(self) -> list[Medication]:
        """Prescription medications, by start date."""
        rows = self.engine.query(
            "SELECT id, name, dose, unit, times, start_date, end_date, notes, every "
            "FROM medications WHERE diary_id = ? ORDER BY start_date, name, id",
            (self.diary_id,),
        )
        return [
            Medication(
                id=int(r[0]),
                name=r[1],
                dose=_float(r[2]),
                unit=r[3],
                times=_times(r[4]),
                start=r[5],
                end=r[6],
                notes=r[7],
                every=r[8],
            )
            for r in rows
        ]

    def insert_medication(self, m: Medication) -> int:
        """Store a medication (inside a write)."""
        return self.engine.insert(
            "INSERT INTO medications (diary_id, name, dose, unit, times, start_date, end_date, "
            "notes, every, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                self.diary_id,
                m.name,
                m.dose,
                m.unit,
                ",".join(m.times),
                m.start,
                m.end,
                m.notes,
                m.every,
                utc_now(),
            ),
        )

    def set_medication_end(self, med_id: int, end: str | None) -> None:
        """Set the end date of a medication (inside a write)."""
        self.engine.execute(
            "UPDATE medications SET end_date = ? WHERE id = ? AND diary_id = ?",
            (end, med_id, self.diary_id),
        )

    def set_medication_notes(self, med_id: int, notes: str) -> None:
        """Replace the notes of a medication (inside a write)."""
        self.engine.execute(
            "UPDATE medications SET notes = ? WHERE id = ? AND diary_id = ?",
            (notes, med_id, self.diary_id),
        )

    def delete_medication(self, med_id: int) -> int:
        """Delete a medication (inside a write)."""
        return self.engine.execute(
            "DELETE FROM medications WHERE id = ? AND diary_id = ?", (med_id, self.diary_id)
        )
