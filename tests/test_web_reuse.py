"""What the dashboard reuses instead of recomputing: one read of the diary per page (its
summary and nights from the same snapshot), and the last analysis while the diary is
unchanged (``web/memo.py``). Reuse must never show a stale page: every change counts."""

from __future__ import annotations

import json

import pytest

from crampwise.demo import demo_document
from crampwise.plainreport import analysis_json
from crampwise.tracker import Tracker
from crampwise.web.memo import analysis_of
from tests.conftest import AFTER_DEMO
from tests.web_helpers import client_for


def test_the_summary_of_a_snapshot_is_the_summary(demo_tracker: Tracker) -> None:
    """``summary(snapshot)`` (the dashboard's) equals ``summary()``, which reads the diary
    itself; a snapshot of part of the diary is refused (it would miscount)."""
    demo_tracker.import_diary(demo_document(), wipe=True)
    snapshot = demo_tracker.snapshot()
    assert demo_tracker.summary(snapshot) == demo_tracker.summary()
    assert demo_tracker.diary.nights(stored=snapshot.nights) == demo_tracker.diary.nights()
    with pytest.raises(ValueError, match="whole diary"):
        demo_tracker.summary(demo_tracker.snapshot("2026-01-01", "2026-01-31"))


def test_the_analysis_is_reused_only_while_the_diary_is_unchanged(
    demo_tracker: Tracker,
) -> None:
    """Two reads of an unchanged diary give the very same analysis object; one more
    cramp - or a changed severity - gives a fresh one, equal to analysing from scratch;
    the API's analysis is the CLI's at every step."""
    demo_tracker.import_diary(demo_document(), wipe=True)
    first = analysis_of(demo_tracker)
    assert analysis_of(demo_tracker) is first
    cramps = demo_tracker.summary().cramps
    with client_for(demo_tracker) as web:
        before = web.get("/api/analysis").json()
        assert before == json.loads(json.dumps(analysis_json(first)))
        logged = web.post(
            "/api/episodes", json={"night": "2026-10-30", "severity": 9, "client_id": "c-1"}
        )
        assert logged.status_code == 201, logged.text
        after = web.get("/api/analysis").json()
        assert after != before
        assert after == json.loads(json.dumps(analysis_json(demo_tracker.analyze())))
        assert f"<dt>Cramps</dt><dd>{cramps + 1} on " in web.get("/dashboard").text

        changed = web.patch(
            f"/api/episodes/{logged.json()['id']}", json={"severity": 3, "confirm": True}
        )
        assert changed.status_code == 200, changed.text
        fresh = analysis_of(demo_tracker)
        assert fresh is not first
        assert fresh == demo_tracker.analyze()
        assert web.get("/api/analysis").json() == json.loads(json.dumps(analysis_json(fresh)))


def test_two_diaries_never_share_an_analysis(tmp_path: object) -> None:
    """The reuse is keyed by the diary's contents, so a second diary (another app in the
    same process) gets its own analysis."""
    with (
        Tracker(f"{tmp_path}/a.sqlite", clock=lambda: AFTER_DEMO) as a,
        Tracker(f"{tmp_path}/b.sqlite", clock=lambda: AFTER_DEMO) as b,
    ):
        a.import_diary(demo_document(), wipe=True)
        b.diary.record_night("2026-11-01", none=True)
        b.diary.log_episode(night="2026-11-02", severity=4)
        assert analysis_of(a) == a.analyze()
        assert analysis_of(b) == b.analyze()
        assert analysis_of(a) != analysis_of(b)
