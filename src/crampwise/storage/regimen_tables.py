"""SQL for regimen, adherence, medications, labs, factors, trigger points and red flags."""

from __future__ import annotations

from collections import defaultdict

from crampwise.records import (
    Adherence,
    Factor,
    Lab,
    Medication,
    RedFlagAnswer,
    RegimenEntry,
    TriggerPoint,
    TriggerPointRating,
)
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
    """Reads and writes of regimen and context tables (mixed into :class:`Store`)."""

    engine: Engine

    # -- regimen -------------------------------------------------------------------------
    def list_regimen(self, item: str | None = None) -> list[RegimenEntry]:
        """Regimen entries (optionally of one item), by start date."""
        where, params = ("WHERE item = ?", (item,)) if item else ("", ())
        rows = self.engine.query(
            "SELECT id, item, kind, form, dose, unit, times, start_date, end_date, notes "
            f"FROM regimen {where} ORDER BY start_date, item, id",
            params,
        )
        return [self._regimen_from_row(r) for r in rows]

    def insert_regimen(self, e: RegimenEntry) -> int:
        """Store a regimen entry (inside a write)."""
        return self.engine.insert(
            "INSERT INTO regimen (item, kind, form, dose, unit, times, start_date, end_date, "
            "notes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                e.item,
                e.kind,
                e.form,
                e.dose,
                e.unit,
                ",".join(e.times),
                e.start,
                e.end,
                e.notes,
                utc_now(),
            ),
        )

    def set_regimen_end(self, entry_id: int, end: str | None) -> None:
        """Set (or clear) the end date of a regimen entry (inside a write)."""
        self.engine.execute("UPDATE regimen SET end_date = ? WHERE id = ?", (end, entry_id))

    def delete_regimen(self, entry_id: int) -> int:
        """Delete a regimen entry (inside a write)."""
        return self.engine.execute("DELETE FROM regimen WHERE id = ?", (entry_id,))

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
        )

    # -- adherence -----------------------------------------------------------------------
    def put_adherence(self, a: Adherence) -> None:
        """Record (or overwrite) whether an item was taken (inside a write)."""
        self.engine.execute(
            "DELETE FROM adherence WHERE date = ? AND item = ? AND dose_time = ?",
            (a.date, a.item, a.time),
        )
        self.engine.execute(
            "INSERT INTO adherence (date, item, dose_time, taken) VALUES (?, ?, ?, ?)",
            (a.date, a.item, a.time, int(a.taken)),
        )

    def list_adherence(
        self, item: str | None = None, start: str | None = None, end: str | None = None
    ) -> list[Adherence]:
        """Adherence records (of one item; between two dates, inclusive), by date."""
        sql = "SELECT date, item, dose_time, taken FROM adherence WHERE date >= ? AND date <= ?"
        params: list[Any] = [start or "0000-01-01", end or "9999-12-31"]
        if item:
            sql += " AND item = ?"
            params.append(item)
        rows = self.engine.query(sql + " ORDER BY date, item, dose_time", params)
        return [Adherence(date=r[0], item=r[1], time=r[2], taken=bool(r[3])) for r in rows]

    # -- medications ---------------------------------------------------------------------
    def list_medications(self) -> list[Medication]:
        """Prescription medications, by start date."""
        rows = self.engine.query(
            "SELECT id, name, dose, unit, times, start_date, end_date, notes FROM medications "
            "ORDER BY start_date, name, id"
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
            )
            for r in rows
        ]

    def insert_medication(self, m: Medication) -> int:
        """Store a medication (inside a write)."""
        return self.engine.insert(
            "INSERT INTO medications (name, dose, unit, times, start_date, end_date, notes, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (m.name, m.dose, m.unit, ",".join(m.times), m.start, m.end, m.notes, utc_now()),
        )

    def set_medication_end(self, med_id: int, end: str | None) -> None:
        """Set the end date of a medication (inside a write)."""
        self.engine.execute("UPDATE medications SET end_date = ? WHERE id = ?", (end, med_id))

    def delete_medication(self, med_id: int) -> int:
        """Delete a medication (inside a write)."""
        return self.engine.execute("DELETE FROM medications WHERE id = ?", (med_id,))

    # -- labs ----------------------------------------------------------------------------
    def list_labs(self, test: str | None = None) -> list[Lab]:
        """Lab results, by date."""
        where, params = ("WHERE test = ?", (test,)) if test else ("", ())
        rows = self.engine.query(
            "SELECT id, date, test, value, unit, range_low, range_high FROM labs "
            f"{where} ORDER BY date, test",
            params,
        )
        return [
            Lab(
                id=int(r[0]),
                date=r[1],
                test=r[2],
                value=float(r[3]),
                unit=r[4],
                range_low=_float(r[5]),
                range_high=_float(r[6]),
            )
            for r in rows
        ]

    def put_lab(self, lab: Lab) -> int:
        """Store a lab result, replacing one of the same test and date (inside a write)."""
        self.engine.execute("DELETE FROM labs WHERE date = ? AND test = ?", (lab.date, lab.test))
        return self.engine.insert(
            "INSERT INTO labs (date, test, value, unit, range_low, range_high) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (lab.date, lab.test, lab.value, lab.unit, lab.range_low, lab.range_high),
        )

    def delete_lab(self, lab_id: int) -> int:
        """Delete a lab result (inside a write)."""
        return self.engine.execute("DELETE FROM labs WHERE id = ?", (lab_id,))

    # -- factors -------------------------------------------------------------------------
    def list_factors(
        self, start: str | None = None, end: str | None = None, name: str | None = None
    ) -> list[Factor]:
        """Daily factors between two dates (inclusive), optionally of one name."""
        sql = "SELECT id, date, name, value, unit FROM factors WHERE date >= ? AND date <= ?"
        params: list[Any] = [start or "0000-01-01", end or "9999-12-31"]
        if name:
            sql += " AND name = ?"
            params.append(name)
        rows = self.engine.query(sql + " ORDER BY date, name", params)
        import json  # here, not at the top: this module is on the `log` path, json is not

        return [
            Factor(id=int(r[0]), date=r[1], name=r[2], value=json.loads(r[3]), unit=r[4])
            for r in rows
        ]

    def put_factor(self, f: Factor) -> int:
        """Store a factor, replacing one of the same name and date (inside a write)."""
        import json

        self.engine.execute("DELETE FROM factors WHERE date = ? AND name = ?", (f.date, f.name))
        return self.engine.insert(
            "INSERT INTO factors (date, name, value, unit) VALUES (?, ?, ?, ?) RETURNING id",
            (f.date, f.name, json.dumps(f.value), f.unit),
        )

    def delete_factor(self, factor_id: int) -> int:
        """Delete a factor (inside a write)."""
        return self.engine.execute("DELETE FROM factors WHERE id = ?", (factor_id,))

    # -- trigger points ------------------------------------------------------------------
    def list_trigger_points(self) -> list[TriggerPoint]:
        """Trigger points with their ratings, oldest first."""
        rows = self.engine.query(
            "SELECT id, muscle, side, spot, found, released, notes FROM trigger_points "
            "ORDER BY found, id"
        )
        ratings: dict[int, list[TriggerPointRating]] = defaultdict(list)
        for r in self.engine.query(
            "SELECT trigger_point_id, date, tenderness FROM trigger_point_ratings "
            "ORDER BY trigger_point_id, date"
        ):
            ratings[int(r[0])].append(TriggerPointRating(date=r[1], tenderness=int(r[2])))
        return [
            TriggerPoint(
                id=int(r[0]),
                muscle=r[1],
                side=r[2],
                spot=r[3],
                found=r[4],
                released=r[5],
                notes=r[6],
                ratings=tuple(ratings.get(int(r[0]), [])),
            )
            for r in rows
        ]

    def insert_trigger_point(self, tp: TriggerPoint) -> int:
        """Store a trigger point with its ratings (inside a write)."""
        tp_id = self.engine.insert(
            "INSERT INTO trigger_points (muscle, side, spot, found, released, notes) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (tp.muscle, tp.side, tp.spot, tp.found, tp.released, tp.notes),
        )
        for rating in tp.ratings:
            self.put_trigger_point_rating(tp_id, rating)
        return tp_id

    def put_trigger_point_rating(self, tp_id: int, rating: TriggerPointRating) -> None:
        """Rate a trigger point's tenderness on a date (replaces that date's rating)."""
        self.engine.execute(
            "DELETE FROM trigger_point_ratings WHERE trigger_point_id = ? AND date = ?",
            (tp_id, rating.date),
        )
        self.engine.execute(
            "INSERT INTO trigger_point_ratings (trigger_point_id, date, tenderness) "
            "VALUES (?, ?, ?)",
            (tp_id, rating.date, rating.tenderness),
        )

    def set_trigger_point_released(self, tp_id: int, released: str | None) -> None:
        """Mark a trigger point released on a date (inside a write)."""
        self.engine.execute(
            "UPDATE trigger_points SET released = ? WHERE id = ?", (released, tp_id)
        )

    def delete_trigger_point(self, tp_id: int) -> int:
        """Delete a trigger point and its ratings (inside a write)."""
        self.engine.execute(
            "DELETE FROM trigger_point_ratings WHERE trigger_point_id = ?", (tp_id,)
        )
        return self.engine.execute("DELETE FROM trigger_points WHERE id = ?", (tp_id,))

    # -- red flags -----------------------------------------------------------------------
    def list_red_flags(self) -> list[RedFlagAnswer]:
        """Red-flag answers, by date."""
        rows = self.engine.query(
            "SELECT date, flag, present FROM red_flag_answers ORDER BY date, flag"
        )
        return [RedFlagAnswer(date=r[0], flag=r[1], present=bool(r[2])) for r in rows]

    def put_red_flag(self, answer: RedFlagAnswer) -> None:
        """Record a red-flag answer (replaces the same date and flag)."""
        self.engine.execute(
            "DELETE FROM red_flag_answers WHERE date = ? AND flag = ?",
            (answer.date, answer.flag),
        )
        self.engine.execute(
            "INSERT INTO red_flag_answers (date, flag, present) VALUES (?, ?, ?)",
            (answer.date, answer.flag, int(answer.present)),
        )
