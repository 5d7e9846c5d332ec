"""Stateful property test: whatever a person does, the diary's export restores it.

Hypothesis drives random sequences of API calls (log, check in, edit, delete, regimen,
medicines, labs, factors, trigger points, red flags) and imports (with and without
``replace``) against a real database. After every step the invariant of the one-model
design must hold: the export imports into an empty diary and exports again unchanged -
so a backup can always be restored, whichever mix of commands and imports made the diary.
Refused steps (a conflict, an out-of-range date, an unconfirmed overwrite) are fine; they
must leave nothing half-written, which the invariant also checks.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import os
import tempfile
import uuid
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from crampwise.errors import CrampwiseError
from crampwise.tracker import Tracker

from .conftest import NOW, PG_URL

DAYS = [(dt.date(2026, 2, 20) + dt.timedelta(days=i)).isoformat() for i in range(12)]
days = st.sampled_from(DAYS)
clock_times = st.sampled_from(["22:30", "23:50", "01:15", "03:10", "05:45"])
items = st.sampled_from(["magnesium", "potassium", "stretching", "coconut water"])
medicines = st.sampled_from(["lisinopril", "furosemide", "atorvastatin"])


def _database() -> tuple[str, Any]:
    """A fresh database URL and a cleanup function (SQLite file, or a PostgreSQL schema)."""
    if PG_URL and os.environ.get("CRAMPWISE_STATEFUL_BACKEND") == "postgresql":
        import psycopg

        schema = f"s_{uuid.uuid4().hex[:12]}"
        admin = PG_URL.replace("+psycopg", "")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")

        return f"{PG_URL}?options=-csearch_path%3D{schema}", drop
    folder = tempfile.mkdtemp()
    return os.path.join(folder, "diary.sqlite"), lambda: None


class DiaryUse(RuleBasedStateMachine):
    """A person's diary, and an empty one its backups are restored into."""

    @initialize()
    def open_diaries(self) -> None:
        self.cleanups = []
        url, drop = _database()
        self.cleanups.append(drop)
        self.diary = Tracker(url, clock=lambda: NOW)
        self.diary.context.set_profile(timezone="Europe/Berlin")
        other, drop_other = _database()
        self.cleanups.append(drop_other)
        self.restore = Tracker(other, clock=lambda: NOW)

    def teardown(self) -> None:
        for tracker in ("diary", "restore"):
            if hasattr(self, tracker):
                getattr(self, tracker).close()
        for cleanup in getattr(self, "cleanups", []):
            cleanup()

    def _try(self, action: Any, *args: Any, **kwargs: Any) -> None:
        # A refused step is fine: the invariant checks that nothing was half-written.
        with contextlib.suppress(CrampwiseError):
            action(*args, **kwargs)

    # -- the diary ------------------------------------------------------------------------
    @rule(
        night=days,
        at=clock_times,
        severity=st.none() | st.integers(0, 10),
        waves=st.none() | st.integers(1, 5),
        muscles=st.lists(st.sampled_from(["calf", "foot", "inner-thigh"]), max_size=2),
    )
    def log(
        self, night: str, at: str, severity: int | None, waves: int | None, muscles: list[str]
    ) -> None:
        self._try(
            self.diary.diary.log_episode,
            night=night,
            at=at,
            severity=severity,
            waves=waves,
            muscles=muscles,
        )

    @rule(night=days, cramps=st.none() | st.integers(0, 3), confirm=st.booleans())
    def check_in(self, night: str, cramps: int | None, confirm: bool) -> None:
        self._try(
            self.diary.diary.record_night,
            night,
            cramps=cramps,
            none=cramps is None,
            confirm=confirm,
        )

    @rule(data=st.data())
    def edit_or_delete(self, data: st.DataObject) -> None:
        episodes = self.diary.diary.episodes()
        if not episodes:
            return
        episode = data.draw(st.sampled_from(episodes))
        assert episode.id is not None
        then = data.draw(st.sampled_from(["cramp-free", "missing"]))
        if data.draw(st.booleans()):
            self._try(self.diary.diary.delete_episode, episode.id, confirm=True, emptied_night=then)
        else:
            self._try(
                self.diary.diary.edit_episode,
                episode.id,
                confirm=True,
                emptied_night=then,
                severity=data.draw(st.integers(0, 10)),
                night=data.draw(days),
                at=data.draw(clock_times),
            )

    @rule(data=st.data(), day=days, kind=st.sampled_from(["soreness", "knot"]))
    def after_effect(self, data: st.DataObject, day: str, kind: str) -> None:
        episodes = self.diary.diary.episodes()
        if episodes:
            episode = data.draw(st.sampled_from(episodes))
            assert episode.id is not None
            self._try(self.diary.diary.add_after_effect, episode.id, kind, 3, day)

    # -- regimen, medicines, context -------------------------------------------------------
    @rule(item=items, day=days, dose=st.none() | st.sampled_from([99, 200, 250.5]))
    def start(self, item: str, day: str, dose: float | None) -> None:
        kind = (
            "food"
            if item == "coconut water"
            else "routine"
            if item == "stretching"
            else ("supplement")
        )
        unit = None if dose is None else ("cup" if kind == "food" else "mg")
        self._try(self.diary.regimen.start, item, kind=kind, dose=dose, unit=unit, date=day)

    @rule(item=items, day=days)
    def stop(self, item: str, day: str) -> None:
        self._try(self.diary.regimen.stop, item, date=day)

    @rule(item=items, day=days, times=st.sampled_from([("bedtime",), ("morning", "bedtime")]))
    def switch(self, item: str, day: str, times: tuple[str, ...]) -> None:
        self._try(self.diary.regimen.switch, item, times=times, date=day)

    @rule(item=items, day=days, taken=st.booleans())
    def took(self, item: str, day: str, taken: bool) -> None:
        self._try(self.diary.regimen.took, item, date=day, taken=taken)

    @rule(name=medicines, day=days)
    def add_medicine(self, name: str, day: str) -> None:
        self._try(self.diary.regimen.add_medication, name, start=day)

    @rule(name=medicines, day=days)
    def stop_medicine(self, name: str, day: str) -> None:
        self._try(self.diary.regimen.stop_medication, name, date=day)

    @rule(day=days, value=st.sampled_from([3.4, 4.1, 5.3]), confirm=st.booleans())
    def lab(self, day: str, value: float, confirm: bool) -> None:
        self._try(
            self.diary.context.add_lab, "potassium", value, "mmol/L", date=day, confirm=confirm
        )

    @rule(day=days, value=st.sampled_from(["1500", "2000"]), confirm=st.booleans())
    def factor(self, day: str, value: str, confirm: bool) -> None:
        self._try(self.diary.context.add_factor, "fluids", value, "ml", date=day, confirm=confirm)

    @rule(day=days, spot=st.sampled_from(["", "mid", "low"]), tenderness=st.integers(0, 10))
    def trigger_point(self, day: str, spot: str, tenderness: int) -> None:
        self._try(
            self.diary.context.add_trigger_point,
            "calf",
            side="left",
            spot=spot,
            tenderness=tenderness,
            date=day,
        )

    @rule(data=st.data(), day=days)
    def rate_or_release(self, data: st.DataObject, day: str) -> None:
        points = self.diary.context.trigger_points()
        if points:
            point = data.draw(st.sampled_from(points))
            assert point.id is not None
            if data.draw(st.booleans()):
                self._try(
                    self.diary.context.rate_trigger_point, point.id, 2, date=day, confirm=True
                )
            else:
                self._try(self.diary.context.release_trigger_point, point.id, date=day)

    @rule(day=days, present=st.booleans())
    def red_flag(self, day: str, present: bool) -> None:
        self._try(self.diary.context.answer_red_flag, "leg-swelling", present, date=day)

    # -- imports -----------------------------------------------------------------------------
    @rule(data=st.data(), replace=st.booleans())
    def import_a_variant_of_the_backup(self, data: st.DataObject, replace: bool) -> None:
        """Import the diary's own export, changed a little: a record dropped, a severity or
        a lab value or a regimen end changed (what an older backup or another device has)."""
        doc = self.diary.export_diary()
        sections = [
            s for s in ("nights", "episodes", "regimen", "medications", "labs") if doc.get(s)
        ]
        if sections:
            section = data.draw(st.sampled_from(sections))
            index = data.draw(st.integers(0, len(doc[section]) - 1))
            record = doc[section][index]
            change = data.draw(st.sampled_from(["drop", "alter"]))
            if change == "drop" and section != "episodes":
                del doc[section][index]
            elif section == "episodes":
                record["severity"] = data.draw(st.integers(0, 10))
            elif section == "labs":
                record["value"] = 4.6
            elif section in ("regimen", "medications"):
                record["end"] = None if record.get("end") else DAYS[-1]
            elif section == "nights":
                record.pop("sleep_quality", None)
        self._try(self.diary.import_diary, doc, replace=replace)

    # -- the invariant ---------------------------------------------------------------------
    @invariant()
    def the_export_restores_the_diary(self) -> None:
        if not hasattr(self, "diary"):
            return
        doc = self.diary.export_diary()
        self.restore.import_diary(copy.deepcopy(doc), wipe=True)
        assert self.restore.export_diary() == doc


DiaryUse.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=12,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_any_sequence_of_commands_and_imports_keeps_the_diary_restorable = DiaryUse.TestCase


class DiaryUseOnPostgres(DiaryUse):
    """The same machine on PostgreSQL (when the test run has a server)."""

    @initialize()
    def open_diaries(self) -> None:
        os.environ["CRAMPWISE_STATEFUL_BACKEND"] = "postgresql"
        try:
            super().open_diaries()
        finally:
            os.environ.pop("CRAMPWISE_STATEFUL_BACKEND", None)


if PG_URL:
    DiaryUseOnPostgres.TestCase.settings = settings(
        max_examples=10,
        stateful_step_count=10,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
    )
    test_the_same_on_postgresql = DiaryUseOnPostgres.TestCase
