"""SQL for experiments (randomized N-of-1 trials) and their periods."""

from __future__ import annotations

from crampwise.records import Experiment, ExperimentPeriod
from crampwise.storage.diary_tables import utc_now

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from typing import Any

    from crampwise.storage.engine import Engine

__all__ = ["ExperimentTables"]

_COLUMNS = (
    "id, item, comparator, dose, unit, start_date, seed, period_days, washout_days, mcid, "
    "p_benefit_min, p_meaningful_min, interim_looks, baseline_per_week, dispersion, status, "
    "stopped_on, stop_reason, notes"
)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


class ExperimentTables:
    """Reads and writes of the experiment tables (mixed into :class:`Store`)."""

    engine: Engine
    diary_id: int

    def list_experiments(self) -> list[Experiment]:
        """Every experiment of the diary with its periods, by start date."""
        rows = self.engine.query(
            f"SELECT {_COLUMNS} FROM experiments WHERE diary_id = ? ORDER BY start_date, item, id",
            (self.diary_id,),
        )
        if not rows:
            return []
        periods: dict[int, list[ExperimentPeriod]] = {}
        for r in self.engine.query(
            "SELECT p.experiment_id, p.start_date, p.end_date, p.condition, p.washout_until "
            "FROM experiment_periods p JOIN experiments e ON e.id = p.experiment_id "
            "WHERE e.diary_id = ? ORDER BY p.experiment_id, p.position",
            (self.diary_id,),
        ):
            periods.setdefault(int(r[0]), []).append(ExperimentPeriod(r[1], r[2], r[3], r[4]))
        return [
            Experiment(
                id=int(r[0]),
                item=r[1],
                comparator=r[2],
                dose=_float(r[3]),
                unit=r[4],
                start=r[5],
                seed=None if r[6] is None else int(r[6]),
                period_days=int(r[7]),
                washout_days=int(r[8]),
                mcid=float(r[9]),
                p_benefit_min=float(r[10]),
                p_meaningful_min=float(r[11]),
                interim_looks=bool(r[12]),
                baseline_per_week=_float(r[13]),
                dispersion=_float(r[14]),
                status=r[15],
                stopped_on=r[16],
                stop_reason=r[17],
                notes=r[18],
                design=tuple(periods.get(int(r[0]), ())),
            )
            for r in rows
        ]

    def insert_experiment(self, e: Experiment) -> int:
        """Store an experiment and its periods (inside a write)."""
        new_id = self.engine.insert(
            "INSERT INTO experiments (diary_id, item, comparator, dose, unit, start_date, seed, "
            "period_days, washout_days, mcid, p_benefit_min, p_meaningful_min, interim_looks, "
            "baseline_per_week, dispersion, status, stopped_on, stop_reason, notes, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (
                self.diary_id,
                e.item,
                e.comparator,
                e.dose,
                e.unit,
                e.start,
                e.seed,
                e.period_days,
                e.washout_days,
                e.mcid,
                e.p_benefit_min,
                e.p_meaningful_min,
                int(e.interim_looks),
                e.baseline_per_week,
                e.dispersion,
                e.status,
                e.stopped_on,
                e.stop_reason,
                e.notes,
                utc_now(),
            ),
        )
        self.engine.executemany(
            "INSERT INTO experiment_periods (experiment_id, position, start_date, end_date, "
            "condition, washout_until) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (new_id, i, p.start, p.end, p.condition, p.washout_until)
                for i, p in enumerate(e.design)
            ],
        )
        return new_id

    def set_experiment_stop(self, experiment_id: int, stopped_on: str, reason: str) -> None:
        """Mark an experiment stopped from a night on (inside a write)."""
        self.engine.execute(
            "UPDATE experiments SET status = 'stopped', stopped_on = ?, stop_reason = ? "
            "WHERE id = ? AND diary_id = ?",
            (stopped_on, reason, experiment_id, self.diary_id),
        )

    def delete_experiment(self, experiment_id: int) -> int:
        """Delete an experiment and its periods (inside a write)."""
        found = self.engine.query_one(
            "SELECT 1 FROM experiments WHERE id = ? AND diary_id = ?",
            (experiment_id, self.diary_id),
        )
        if found is None:
            return 0
        self.engine.execute(
            "DELETE FROM experiment_periods WHERE experiment_id = ?", (experiment_id,)
        )
        return self.engine.execute(
            "DELETE FROM experiments WHERE id = ? AND diary_id = ?", (experiment_id, self.diary_id)
        )
