"""Running an experiment: start it, say what to do tonight, follow it, stop it, conclude.

:class:`ExperimentsModule` is ``Tracker.experiments``; like the other domain modules it
gets ``(store, clock)``. Every write happens in one unit of work that first re-reads what
it checks (overlapping experiments, the regimen), so nothing half-done is ever stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crampwise import validate as v
from crampwise._record import Record
from crampwise._record import replace as with_fields
from crampwise.errors import ConflictError, InputError, NotFoundError
from crampwise.experiments.design import is_randomized
from crampwise.experiments.planner import Plan, make_plan, period_dict, short_date
from crampwise.experiments.result import (
    Adherence,
    ExperimentResult,
    experiment_result,
    night_table,
)
from crampwise.formats.experimentformat import experiments_overlap
from crampwise.formats.jsonrecords import experiment_json, number
from crampwise.records import DiaryData, Experiment

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crampwise.clock import Clock
    from crampwise.storage.store import Store

__all__ = ["ExperimentsModule", "Status", "Tonight", "experiment_state"]


def experiment_state(exp: Experiment, today: dt.date) -> str:
    """``scheduled`` (not begun), ``running``, ``finished`` (past its last night) or
    ``stopped`` (ended early by the person)."""
    iso = today.isoformat()
    if exp.status == "stopped":
        return "stopped"
    if iso < exp.start:
        return "scheduled"
    if iso > exp.end:
        return "finished"
    return "running"


class Tonight(Record):
    """What to do tonight for the experiment (``crampwise experiment today``)."""

    experiment_id: int | None
    item: str
    comparator: str | None
    date: str
    state: str
    condition: str | None
    period: int | None  # 1-based
    periods: int
    washout: bool
    washout_until: str | None
    take: tuple[str, ...]
    avoid: tuple[str, ...]
    instruction: str
    # last night belonged to the experiment and asked for a dose that is not recorded
    # (taken or missed): the item to record, else None
    unrecorded_last_night: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "experiment_id": self.experiment_id,
            "item": self.item,
            "comparator": self.comparator,
            "date": self.date,
            "state": self.state,
            "condition": self.condition,
            "period": self.period,
            "periods": self.periods,
            "washout": self.washout,
            "washout_until": self.washout_until,
            "take": list(self.take),
            "avoid": list(self.avoid),
            "instruction": self.instruction,
            "unrecorded_last_night": self.unrecorded_last_night,
        }

    def to_text(self) -> str:
        return self.instruction


class Status(Record):
    """Progress of an experiment (``crampwise experiment status``)."""

    experiment: Experiment
    state: str
    today: str
    nights_done: int
    nights_total: int
    periods_finished: int
    current_period: int | None
    nights: dict[str, int]  # counted (recorded, outside the washout) nights per condition
    washout_nights: int
    missing_nights: int
    adherence: Adherence
    randomized: bool
    interim: ExperimentResult | None
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        exp = self.experiment
        total = max(self.nights_total, 1)
        return {
            "experiment_id": exp.id,
            "item": exp.item,
            "comparator": exp.comparator,
            "state": self.state,
            "today": self.today,
            "start": exp.start,
            "end": exp.end,
            "seed": exp.seed,
            "evidence": "randomized" if self.randomized else "uncontrolled",
            "progress": {
                "nights_done": self.nights_done,
                "nights_total": self.nights_total,
                "percent": round(100.0 * self.nights_done / total, 1),
                "periods_finished": self.periods_finished,
                "periods": len(exp.design),
                "current_period": self.current_period,
            },
            "nights": dict(self.nights),
            "washout_nights": self.washout_nights,
            "missing_nights": self.missing_nights,
            "adherence": self.adherence.to_dict(),
            "interim_looks": exp.interim_looks,
            "interim": None if self.interim is None else self.interim.to_dict(),
            "design": [period_dict(p) for p in exp.design],
            "warnings": list(self.warnings),
        }

    def to_text(self) -> str:
        exp = self.experiment
        today = dt.date.fromisoformat(self.today)
        name = exp.item.replace("-", " ")
        lines = [
            f"Experiment {exp.id}: {name}, {short_date(exp.start, today)} to "
            f"{short_date(exp.end, today)} ({self.state}).",
            f"Night {self.nights_done} of {self.nights_total}; periods finished: "
            f"{self.periods_finished} of {len(exp.design)}.",
            f"Counted nights so far: {self.nights.get('B', 0)} with {name}, "
            f"{self.nights.get('A', 0)} without (washout nights not counted: "
            f"{self.washout_nights}; not recorded: {self.missing_nights}).",
        ]
        share = self.adherence.share
        if share is not None:
            lines.append(f"Taken as assigned on {100 * share:.0f} % of the nights we know of.")
        if self.interim is not None:
            lines += ["", "Interim look:", self.interim.summary]
        lines += self.warnings
        return "\n".join(lines)


def _label(item: str, dose: float | None = None, unit: str | None = None) -> str:
    name = item.replace("-", " ")
    if dose is not None and unit:
        return f"{name} {number(dose)} {unit}"
    return name


class ExperimentsModule:
    """Plan, start, follow, stop and conclude N-of-1 experiments (``tracker.experiments``)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def _data(self) -> DiaryData:
        return self._store.snapshot(self._clock.timezone)

    # -- reading ---------------------------------------------------------------------------
    def list(self) -> list[Experiment]:
        """Every experiment of the diary, by start date."""
        return self._store.list_experiments()

    def get(self, experiment_id: int | str | None = None) -> Experiment:
        """An experiment by id, or (None) the one running tonight, else the latest."""
        found = self.list()
        if experiment_id is not None:
            wanted = v.record_id(experiment_id, "experiment")
            for exp in found:
                if exp.id == wanted:
                    return exp
            raise NotFoundError(f"there is no experiment {wanted}")
        if not found:
            raise NotFoundError(
                "no experiment is planned yet", action="plan-experiment", subject=None
            )
        today = self._clock.today().isoformat()
        running = [e for e in found if e.start <= today <= e.last_night]
        return running[-1] if running else found[-1]

    # -- planning and starting -------------------------------------------------------------
    def plan(self, item: str, **options: Any) -> Plan:
        """A plan (nothing stored); options as :func:`~crampwise.experiments.planner.make_plan`."""
        return make_plan(
            item, self._data(), self._clock.today(), earliest=self._clock.earliest(), **options
        )

    def start(
        self,
        item: str,
        *,
        stop_regimen: bool = False,
        accept_low_power: bool = False,
        **options: Any,
    ) -> tuple[Plan, Experiment]:
        """Plan and store an experiment.

        Refused when another experiment shares its nights, when the item (or the
        comparator) is in the regimen during it and ``stop_regimen`` was not given (then
        the ongoing entry ends the night the experiment starts), and when no useful answer
        is reachable (``accept_low_power`` starts it anyway)."""
        plan = self.plan(item, **options)
        exp = plan.to_experiment()
        if not plan.feasible and not accept_low_power:
            raise InputError(
                "period_weeks",
                "no useful answer is reachable: "
                + "; ".join(w for w in plan.warnings if "no useful answer" not in w),
                code="out-of-range",
                action="accept-low-power",
            )
        with self._store.write():
            for other in self._store.list_experiments():
                if experiments_overlap(other, exp):
                    raise ConflictError(
                        f"the {_label(other.item)} experiment {other.id} runs from "
                        f"{other.start} to {other.last_night}; one experiment at a time",
                        action="stop-experiment",
                        subject=str(other.id),
                    )
            self._handle_regimen(exp, stop_regimen)
            new_id = self._store.insert_experiment(exp)
        return plan, with_fields(exp, id=new_id)

    def _handle_regimen(self, exp: Experiment, stop_regimen: bool) -> None:
        names = [exp.item] + ([exp.comparator] if exp.comparator else [])
        for name in names:
            for entry in self._store.list_regimen(name):
                if entry.end is not None and entry.end <= exp.start:
                    continue
                if entry.start > exp.end:
                    continue
                span = (
                    f"since {entry.start}"
                    if entry.end is None
                    else (f"{entry.start} to {entry.end}")
                )
                if not stop_regimen:
                    raise ConflictError(
                        f"{name} is in your regimen ({span}); during the experiment its "
                        f"schedule says on which nights to take {name}, so that entry has to "
                        f"end when the experiment starts ({exp.start})",
                        action="stop-regimen-for-experiment",
                        subject=name,
                    )
                if entry.start >= exp.start or (entry.end is not None and entry.end > exp.end):
                    raise ConflictError(
                        f"{name}'s regimen entry {entry.id} ({span}) reaches past the "
                        "experiment's nights; shorten or delete it first",
                        action="delete-regimen",
                        subject=str(entry.id),
                    )
                assert entry.id is not None
                self._store.set_regimen_end(entry.id, exp.start)

    # -- following -------------------------------------------------------------------------
    def tonight(self, day: str | None = None) -> Tonight:
        """What to do tonight (or on the evening ``day``)."""
        date = dt.date.fromisoformat(self._clock.day(day, "date")) if day else (self._clock.today())
        iso = date.isoformat()
        found = self.list()
        if not found:
            raise NotFoundError("no experiment is planned yet", action="plan-experiment")
        current = [e for e in found if e.start <= iso <= e.last_night]
        upcoming = [e for e in found if e.start > iso and e.status == "active"]
        exp = current[-1] if current else upcoming[0] if upcoming else found[-1]
        state = "running" if current else experiment_state(exp, date)
        name = _label(exp.item)
        dosed = _label(exp.item, exp.dose, exp.unit)
        other = _label(exp.comparator) if exp.comparator else None
        period = exp.period_on(iso)
        if period is None:
            if state == "scheduled":
                text = (
                    f"tonight: nothing changes yet - the {name} experiment starts on "
                    f"{short_date(exp.start, date)}"
                )
            elif state == "stopped":
                stopped = short_date(exp.stopped_on or exp.end, date)
                text = f"the {name} experiment was stopped on {stopped}"
            else:
                text = (
                    f"the {name} experiment ended on {short_date(exp.end, date)}; its result "
                    "is ready"
                )
            return Tonight(
                exp.id,
                exp.item,
                exp.comparator,
                iso,
                state=state,
                condition=None,
                period=None,
                washout=False,
                periods=len(exp.design),
                washout_until=None,
                take=(),
                avoid=(),
                instruction=text,
            )
        k = exp.design.index(period)
        washout = period.washout_until is not None and iso <= period.washout_until
        unrecorded = self._unrecorded(exp, date - dt.timedelta(days=1))
        take: tuple[str, ...]
        avoid: tuple[str, ...]
        if period.condition == "B":
            take, avoid = (dosed,), ((other,) if other else ())
            text = f"tonight: take {dosed}" + (f", no {other}" if other else "")
            if washout and period.washout_until is not None:
                text += (
                    f" - settling in until {short_date(period.washout_until, date)} "
                    "(these nights are not counted)"
                )
        else:
            take, avoid = ((other,) if other else ()), (name,)
            text = f"tonight: take {other}, no {name}" if other else f"tonight: no {name}"
            if washout and period.washout_until is not None:
                text += f" - washout until {short_date(period.washout_until, date)}"
        return Tonight(
            exp.id,
            exp.item,
            exp.comparator,
            iso,
            periods=len(exp.design),
            state="running",
            condition=period.condition,
            period=k + 1,
            washout=washout,
            washout_until=period.washout_until,
            take=take,
            avoid=tuple(a for a in avoid if a),
            instruction=text,
            unrecorded_last_night=unrecorded,
        )

    def _unrecorded(self, exp: Experiment, night: dt.date) -> str | None:
        """The item whose dose ``night`` asked for when none is recorded (taken or not)."""
        period = exp.period_on(night.isoformat())
        if period is None:
            return None
        item = exp.item if period.condition == "B" else exp.comparator
        if item is None:
            return None
        iso = night.isoformat()
        return None if self._store.list_adherence(item, iso, iso) else item

    def status(self, experiment_id: int | str | None = None) -> Status:
        """Progress, counted nights per condition, adherence; interim numbers only when the
        plan allowed interim looks."""
        exp = self.get(experiment_id)
        data = self._data()
        today = self._clock.today()
        until = today - dt.timedelta(days=1)
        table = night_table(exp, data, until)
        in_window = table.period >= 0
        counted = in_window & table.analysed & table.observed
        nights = {"A": 0, "B": 0}
        for k, p in enumerate(exp.design):
            nights[p.condition] += int((counted & (table.period == k)).sum())
        finished = sum(1 for p in exp.design if p.end <= min(until.isoformat(), exp.last_night))
        now = exp.period_on(today.isoformat())
        current = None if now is None else exp.design.index(now) + 1
        total = sum(
            (dt.date.fromisoformat(q.end) - dt.date.fromisoformat(q.start)).days + 1
            for q in exp.design
        )
        interim = None
        warnings: list[str] = []
        state = experiment_state(exp, today)
        if exp.interim_looks and state == "running":
            try:
                interim = experiment_result(exp, data, today, interim=True)
            except ConflictError:  # no pair of periods has finished yet
                interim = None
            warnings.append(
                "Interim numbers: every look at the result raises the chance of a false "
                "'benefit'; the verdict that counts is the one at the end."
            )
        elif state == "running":
            warnings.append(
                "No interim numbers: the plan did not allow interim looks, so the result "
                f"comes after the last night ({short_date(exp.end, today)})."
            )
        adherence = Adherence(
            int((table.on_assignment == 1).sum()),
            int((table.on_assignment == 0).sum()),
            int(((table.on_assignment < 0) & in_window).sum()),
        )
        share = adherence.share
        if share is not None and share < 0.8:
            warnings.append(
                f"Taken as assigned on {100 * share:.0f} % of the nights we know of; record "
                "each night's dose (or that you skipped it)."
            )
        return Status(
            experiment=exp,
            state=state,
            today=today.isoformat(),
            nights_done=len(table.dates),
            nights_total=total,
            periods_finished=finished,
            current_period=current,
            nights=nights,
            washout_nights=int((in_window & ~table.analysed).sum()),
            missing_nights=int((in_window & table.analysed & ~table.observed).sum()),
            adherence=adherence,
            randomized=is_randomized(exp),
            interim=interim,
            warnings=tuple(warnings),
        )

    def stop(
        self, experiment_id: int | str | None = None, *, reason: str = "", date: str | None = None
    ) -> Experiment:
        """Stop an experiment from the night ``date`` on (default tonight)."""
        exp = self.get(experiment_id)
        why = v.text(reason, "stop_reason", 500)
        today = self._clock.today()
        day = today.isoformat() if date is None else v.iso_date(date, "stopped_on", today)
        if exp.status == "stopped":
            raise ConflictError(f"experiment {exp.id} was already stopped on {exp.stopped_on}")
        after = (dt.date.fromisoformat(exp.end) + dt.timedelta(days=1)).isoformat()
        if day >= after:
            raise ConflictError(
                f"experiment {exp.id} already ended on {exp.end}; there is nothing to stop"
            )
        if date is not None and day < exp.start:
            raise InputError(
                "stopped_on",
                f"{day} is before the experiment's first night ({exp.start}); give a night "
                f"from {exp.start} to {exp.end}",
                code="out-of-range",
            )
        day = max(day, exp.start)  # stopping before it began: no night is in the trial
        with self._store.write():
            assert exp.id is not None
            self._store.set_experiment_stop(exp.id, day, why)
        return with_fields(exp, status="stopped", stopped_on=day, stop_reason=why)

    def result(self, experiment_id: int | str | None = None) -> ExperimentResult:
        """The pre-registered verdict. Before the last night only when the plan allowed
        interim looks (or the experiment was stopped)."""
        exp = self.get(experiment_id)
        today = self._clock.today()
        # the night of ``today`` has not happened yet: it is over when it ended last night
        running = exp.status == "active" and exp.end >= today.isoformat()
        if running and not exp.interim_looks:
            raise ConflictError(
                f"the {_label(exp.item)} experiment runs until the night of {exp.end}, and its "
                "plan did not allow interim looks (each look raises the chance of a false "
                "'benefit'); wait for its end, or stop it to conclude on the nights so far",
                action="stop-experiment",
                subject=str(exp.id),
            )
        return experiment_result(exp, self._data(), today, interim=running)

    def to_json(self, exp: Experiment) -> dict[str, Any]:
        """An experiment as the CLI's and the web's JSON (the record with its id)."""
        return experiment_json(exp, compact=False)
