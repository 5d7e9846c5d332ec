"""Experiments in the ``crampwise-diary`` format and in the database (both backends):
round trips, record-by-record merging with conflicts, one diary never seeing another's,
the 0007 migration, the demo's finished trial, and malformed sections named by path."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crampwise.demo import TRIAL_START, demo_document
from crampwise.errors import ConflictError, ImportFormatError
from crampwise.storage.engine import open_engine, resolve_url
from crampwise.storage.migrations import NAMES, migrate, status
from crampwise.tracker import Tracker

#: After the demo trial's last night (16 Oct 2027).
AFTER_TRIAL = dt.datetime(2027, 10, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def trial_doc() -> dict[str, Any]:
    return demo_document(trial=True)


def _tracker(url: str, diary_id: int = 1) -> Tracker:
    return Tracker(url, clock=lambda: AFTER_TRIAL, diary_id=diary_id)


def test_the_demo_trial_round_trips(db_url: str, other_db: str, trial_doc: dict[str, Any]) -> None:
    with _tracker(db_url) as first:
        first.import_diary(copy.deepcopy(trial_doc))
        exported = first.export_diary()
        result = first.experiments.result()
    assert exported["experiments"][0]["seed"] == trial_doc["experiments"][0]["seed"]
    assert [p["condition"] for p in exported["experiments"][0]["design"]] == [
        p["condition"] for p in trial_doc["experiments"][0]["design"]
    ]
    assert result.evidence == "randomized" and result.final
    assert result.verdict == "no-meaningful-benefit"
    with _tracker(other_db) as second:
        second.import_diary(copy.deepcopy(exported))
        assert second.export_diary() == exported
        assert second.experiments.result().to_dict() == result.to_dict()
        # importing the same file again changes nothing
        again = second.import_diary(copy.deepcopy(exported))
        assert again.added == {} and again.skipped.get("experiments") == 1


def test_a_diary_without_experiments_exports_as_before(demo_tracker: Tracker) -> None:
    demo_tracker.import_diary(demo_document())
    assert "experiments" not in demo_tracker.export_diary()


def test_merging_experiments_record_by_record(db_url: str, trial_doc: dict[str, Any]) -> None:
    with _tracker(db_url) as tracker:
        tracker.import_diary(copy.deepcopy(trial_doc))
        before = tracker.export_diary()
        # the same experiment, stopped in the file: a conflict, nothing written
        stopped = copy.deepcopy(before)
        exp = stopped["experiments"][0]
        exp.update(status="stopped", stopped_on="2027-03-01", stop_reason="travel")
        with pytest.raises(ConflictError) as caught:
            tracker.import_diary(copy.deepcopy(stopped))
        assert any("experiment calcium from" in c and "status" in c for c in caught.value.conflicts)
        assert tracker.export_diary() == before
        dry = tracker.import_diary(copy.deepcopy(stopped), dry_run=True)
        assert not dry.applied and dry.conflicts
        report = tracker.import_diary(copy.deepcopy(stopped), replace=True)
        assert report.replaced == {"experiments": 1}
        assert tracker.experiments.get().stopped_on == "2027-03-01"
        # another experiment overlapping it: a conflict naming both
        other = {
            "format": "crampwise-diary",
            "version": 1,
            "experiments": [
                {
                    "item": "magnesium",
                    "start": "2027-01-04",
                    "design": [
                        {"start": "2027-01-04", "end": "2027-01-31", "condition": "A"},
                        {"start": "2027-02-01", "end": "2027-02-28", "condition": "B"},
                    ],
                }
            ],
        }
        with pytest.raises(ConflictError) as caught:
            tracker.import_diary(copy.deepcopy(other))
        assert "overlaps experiment calcium" in caught.value.conflicts[0]
        tracker.import_diary(copy.deepcopy(other), replace=True)
        assert [e.item for e in tracker.experiments.list()] == ["magnesium"]
        # an empty field the file fills in is filled in
        filled = copy.deepcopy(other)
        filled["experiments"][0]["notes"] = "by hand, from my notebook"
        report = tracker.import_diary(filled)
        assert report.updated == {"experiments": 1}
        assert tracker.experiments.get().notes == "by hand, from my notebook"


def test_one_diary_never_sees_anothers_experiments(db_url: str, trial_doc: dict[str, Any]) -> None:
    with _tracker(db_url) as personal:
        other_id = personal._store.create_diary("second person")
        with _tracker(db_url, other_id) as other:
            other.import_diary(copy.deepcopy(trial_doc))
            assert len(other.experiments.list()) == 1
            assert personal.experiments.list() == []
            exp_id = other.experiments.get().id
            with personal._store.write():
                assert personal._store.delete_experiment(exp_id or 0) == 0
            assert len(list(other._store.table_rows("experiment_periods"))) == 8
            assert list(personal._store.table_rows("experiment_periods")) == []
            with other._store.write():
                other._store.wipe()
            assert other._store.is_empty()
            assert list(other._store.table_rows("experiments")) == []


def test_migration_0007_adds_experiments_to_an_older_diary(db_url: str) -> None:
    """A diary migrated only to 0006 (with the demo in it) gets the experiment tables and
    keeps every record; experiments can then be planned and started in it."""
    engine = open_engine(resolve_url(db_url))
    try:
        migrate(engine, target="0006_profile_bedtime")
        assert list(status(engine).pending) == list(NAMES[NAMES.index("0007_experiments") :])
    finally:
        engine.close()
    with Tracker(db_url, clock=lambda: dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)) as tracker:
        assert tracker.migration_status().up_to_date
        tracker.import_diary(demo_document())
        assert tracker.experiments.list() == []
        _, exp = tracker.experiments.start(
            "magnesium", baseline_per_week=3, seed=8, stop_regimen=True, period_weeks=6
        )
        assert tracker.experiments.get().id == exp.id


def test_demo_trial_loads_on_any_clock(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """``demo --trial`` on a machine whose clock is before the trial's end moves the whole
    story back; the trial stays randomized (its seed still draws its design)."""
    target = str(tmp_path / "demo.sqlite")
    code, out, err = cli("--db", target, "demo", "--trial", "--json")
    assert code == 0, err
    code, out, err = cli("--db", target, "experiment", "result", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["evidence"] == "randomized" and result["final"] is True
    assert result["verdict"] == "no-meaningful-benefit"
    code, out, err = cli("--db", target, "analyze", "--json")
    calcium = next(e for e in json.loads(out)["effects"] if e["item"] == "calcium")
    assert calcium["evidence"] == "randomized"
    assert TRIAL_START.isoformat() not in out  # moved back with the story


@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        (
            lambda e: e["design"][1].update(condition="C"),
            "experiments[0].design[1].condition",
            "'C'",
        ),
        (
            lambda e: e["design"][2].update(start="2027-03-01"),
            "experiments[0].design[2].start",
            "does not follow",
        ),
        (
            lambda e: e["design"][0].update(washout_until=e["design"][0]["end"]),
            "experiments[0].design[0].washout_until",
            "counted",
        ),
        (lambda e: e.update(status="stopped"), "experiments[0].stopped_on", "required"),
        (lambda e: e.update(blocks=[]), "experiments[0].blocks", "unknown key"),
        (lambda e: e.update(seed="x"), "experiments[0].seed", "whole number"),
        (
            lambda e: e["decision_rule"].update(mcid=2),
            "experiments[0].decision_rule.mcid",
            "at most 0.9",
        ),
        (lambda e: e.update(design=[]), "experiments[0].design", "non-empty"),
        (
            lambda e: e.update(design=[d | {"condition": "A"} for d in e["design"]]),
            "experiments[0].design",
            "both conditions",
        ),
    ],
)
def test_malformed_experiments_are_named_by_path(
    demo_tracker: Tracker,
    trial_doc: dict[str, Any],
    change: Callable[[dict[str, Any]], None],
    path: str,
    words: str,
) -> None:
    doc = copy.deepcopy(trial_doc)
    doc["experiments"][0].setdefault("decision_rule", {"mcid": 0.25})
    change(doc["experiments"][0])
    with Tracker(demo_tracker.database_url, clock=lambda: AFTER_TRIAL) as tracker:
        with pytest.raises(ImportFormatError) as caught:
            tracker.import_diary(doc)
        assert caught.value.field == path, caught.value
        assert words in str(caught.value)
        assert tracker.is_empty()
