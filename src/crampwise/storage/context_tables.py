"""SQL for labs, daily factors, trigger points and red-flag answers."""

from __future__ import annotations

from collections import defaultdict

from crampwise.errors import StorageError
from crampwise.records import Factor, Lab, RedFlagAnswer, TriggerPoint, TriggerPointRating

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from typing import Any

    from crampwise.storage.engine import Engine

__all__ = ["ContextTables"]


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


class ContextTables:
    """Reads and writes of the context tables (mixed into :class:`Store`)."""

    engine: Engine
    diary_id: int

    # -- labs ----------------------------------------------------------------------------
    def list_labs(self, test: str | None = None) -> list[Lab]:
        """Lab results, by date."""
        where, params = (" AND test = ?", (test,)) if test else ("", ())
        rows = self.engine.query(
            "SELECT id, date, test, value, unit, range_low, range_high FROM labs "
            f"WHERE diary_id = ?{where} ORDER BY date, test",
            (self.diary_id, *params),
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
        self.engine.execute(
            "DELETE FROM labs WHERE diary_id = ? AND date = ? AND test = ?",
            (self.diary_id, lab.date, lab.test),
        )
        return self.engine.insert(
            "INSERT INTO labs (diary_id, date, test, value, unit, range_low, range_high) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (self.diary_id, lab.date, lab.test, lab.value, lab.unit, lab.range_low, lab.range_high),
        )

    def delete_lab(self, lab_id: int) -> int:
        """Delete a lab result (inside a write)."""
        return self.engine.execute(
            "DELETE FROM labs WHERE id = ? AND diary_id = ?", (lab_id, self.diary_id)
        )

    # -- factors -------------------------------------------------------------------------
    def list_factors(
        self, start: str | None = None, end: str | None = None, name: str | None = None
    ) -> list[Factor]:
        """Daily factors between two dates (inclusive), optionally of one name."""
        sql = (
            "SELECT id, date, name, value, unit FROM factors "
            "WHERE diary_id = ? AND date >= ? AND date <= ?"
        )
        params: list[Any] = [self.diary_id, start or "0000-01-01", end or "9999-12-31"]
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

        self.engine.execute(
            "DELETE FROM factors WHERE diary_id = ? AND date = ? AND name = ?",
            (self.diary_id, f.date, f.name),
        )
        return self.engine.insert(
            "INSERT INTO factors (diary_id, date, name, value, unit) VALUES (?, ?, ?, ?, ?) "
            "RETURNING id",
            (self.diary_id, f.date, f.name, json.dumps(f.value), f.unit),
        )

    def delete_factor(self, factor_id: int) -> int:
        """Delete a factor (inside a write)."""
        return self.engine.execute(
            "DELETE FROM factors WHERE id = ? AND diary_id = ?", (factor_id, self.diary_id)
        )

    # -- trigger points ------------------------------------------------------------------
    def list_trigger_points(self) -> list[TriggerPoint]:
        """Trigger points with their ratings, oldest first."""
        rows = self.engine.query(
            "SELECT id, muscle, side, spot, found, released, notes FROM trigger_points "
            "WHERE diary_id = ? ORDER BY found, id",
            (self.diary_id,),
        )
        ratings: dict[int, list[TriggerPointRating]] = defaultdict(list)
        for r in self.engine.query(
            "SELECT trigger_point_id, date, tenderness FROM trigger_point_ratings "
            "WHERE trigger_point_id IN (SELECT id FROM trigger_points WHERE diary_id = ?) "
            "ORDER BY trigger_point_id, date",
            (self.diary_id,),
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
            "INSERT INTO trigger_points (diary_id, muscle, side, spot, found, released, notes) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (self.diary_id, tp.muscle, tp.side, tp.spot, tp.found, tp.released, tp.notes),
        )
        for rating in tp.ratings:
            self.put_trigger_point_rating(tp_id, rating)
        return tp_id

    def put_trigger_point_rating(self, tp_id: int, rating: TriggerPointRating) -> None:
        """Rate a trigger point's tenderness on a date (replaces that date's rating)."""
        if (
            self.engine.query_one(
                "SELECT 1 FROM trigger_points WHERE id = ? AND diary_id = ?", (tp_id, self.diary_id)
            )
            is None
        ):
            raise StorageError(f"no trigger point {tp_id} in this diary")
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
            "UPDATE trigger_points SET released = ? WHERE id = ? AND diary_id = ?",
            (released, tp_id, self.diary_id),
        )

    def delete_trigger_point(self, tp_id: int) -> int:
        """Delete a trigger point and its ratings (inside a write)."""
        key = (tp_id, self.diary_id)
        self.engine.execute(
            "DELETE FROM trigger_point_ratings WHERE trigger_point_id IN "
            "(SELECT id FROM trigger_points WHERE id = ? AND diary_id = ?)",
            key,
        )
        return self.engine.execute("DELETE FROM trigger_points WHERE id = ? AND diary_id = ?", key)

    # -- red flags -----------------------------------------------------------------------
    def list_red_flags(self) -> list[RedFlagAnswer]:
        """Red-flag answers, by date."""
        rows = self.engine.query(
            "SELECT date, flag, present FROM red_flag_answers WHERE diary_id = ? "
            "ORDER BY date, flag",
            (self.diary_id,),
        )
        return [RedFlagAnswer(date=r[0], flag=r[1], present=bool(r[2])) for r in rows]

    def put_red_flag(self, answer: RedFlagAnswer) -> None:
        """Record a red-flag answer (replaces the same date and flag)."""
        self.engine.execute(
            "DELETE FROM red_flag_answers WHERE diary_id = ? AND date = ? AND flag = ?",
            (self.diary_id, answer.date, answer.flag),
        )
        self.engine.execute(
            "INSERT INTO red_flag_answers (diary_id, date, flag, present) VALUES (?, ?, ?, ?)",
            (self.diary_id, answer.date, answer.flag, int(answer.present)),
        )
