"""The diary model through the Tracker facade, on every backend."""

from __future__ import annotations

import pytest

from crampwise.errors import ConfirmationRequired, InputError, NotFoundError
from crampwise.tracker import Tracker


def test_log_defaults_to_now_and_the_night_now_belongs_to(tracker: Tracker) -> None:
    logged = tracker.diary.log_episode()
    # NOW is 03:30 in Berlin on 5 March: the night that began on the evening of 4 March.
    assert logged.episode.night == "2026-03-04"
    assert logged.episode.occurred_at == "2026-03-05T02:30:00Z"
    assert tracker.diary.local_time(logged.episode).strftime("%H:%M") == "03:30"
    assert logged.night_total == 1


def test_log_with_time_phrases(tracker: Tracker) -> None:
    first = tracker.diary.log_episode(at="around 03:10", severity=8, muscles=["inner-thigh"])
    assert first.episode.approximate is True
    assert first.episode.night == "2026-03-04"
    ago = tracker.diary.log_episode(at="30 min ago")
    assert tracker.diary.local_time(ago.episode).strftime("%H:%M") == "03:00"
    evening = tracker.diary.log_episode(at="23:30", night="2026-03-02")
    assert evening.episode.night == "2026-03-02"
    assert (
        tracker.diary.local_time(evening.episode).strftime("%Y-%m-%d %H:%M") == "2026-03-02 23:30"
    )
    morning = tracker.diary.log_episode(at="3am", night="2026-03-02")
    assert (
        tracker.diary.local_time(morning.episode).strftime("%Y-%m-%d %H:%M") == "2026-03-03 03:00"
    )


def test_a_backfilled_bare_episode_needs_only_the_night(tracker: Tracker) -> None:
    logged = tracker.diary.log_episode(night="2026-02-20")
    assert logged.episode.occurred_at is None
    assert tracker.diary.nights()[0].to_dict() == {
        "date": "2026-02-20",
        "observed": True,
        "cramps": 1,
    }


@pytest.mark.parametrize(
    ("kwargs", "field", "fragment"),
    [
        ({"severity": 11}, "severity", "11 is not in 0..10"),
        ({"muscles": ["elbow"]}, "muscles", "allowed: calf"),
        ({"side": "middle"}, "side", "allowed: left, right, both"),
        ({"at": "banana"}, "at", "not a time"),
        ({"night": "2026-03-09"}, "night", "in the future"),
        ({"duration_min": -2}, "duration_min", "negative"),
        ({"at": "23:30", "night": "2026-03-01", "waves": 0}, "waves", "0 is not in 1..100"),
    ],
)
def test_bad_episode_input_names_the_field_and_writes_nothing(
    tracker: Tracker, kwargs: dict[str, object], field: str, fragment: str
) -> None:
    with pytest.raises(InputError) as caught:
        tracker.diary.log_episode(**kwargs)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert fragment in str(caught.value)
    assert tracker.diary.nights() == []


def test_night_none_and_counts_and_missing_nights(tracker: Tracker) -> None:
    tracker.diary.record_night("2026-03-01", none=True, sleep_quality=8)
    tracker.diary.record_night("2026-03-04", cramps=2)
    nights = [n.to_dict() for n in tracker.diary.nights()]
    assert nights == [
        {"date": "2026-03-01", "observed": True, "cramps": 0},
        {"date": "2026-03-02", "observed": False, "cramps": None},
        {"date": "2026-03-03", "observed": False, "cramps": None},
        {"date": "2026-03-04", "observed": True, "cramps": 2},
    ]
    summary = tracker.summary()
    assert (summary.nights_observed, summary.nights_missing, summary.cramps) == (2, 2, 2)


def test_logging_details_one_of_the_counted_cramps(tracker: Tracker) -> None:
    tracker.diary.record_night("2026-03-04", cramps=2)
    logged = tracker.diary.log_episode(at="03:00", severity=6)
    assert logged.night_total == 2
    night = tracker.diary.night("2026-03-04")
    assert night is not None and night.undetailed_cramps == 1


def test_changing_a_count_needs_confirmation(tracker: Tracker) -> None:
    tracker.diary.record_night("2026-03-03", cramps=1)
    with pytest.raises(ConfirmationRequired):
        tracker.diary.record_night("2026-03-03", cramps=3)
    assert tracker.diary.night("2026-03-03").cramps == 1  # type: ignore[union-attr]
    tracker.diary.record_night("2026-03-03", cramps=3, confirm=True)
    assert tracker.diary.night("2026-03-03").cramps == 3  # type: ignore[union-attr]


def test_none_on_a_night_with_episodes_is_refused(tracker: Tracker) -> None:
    tracker.diary.log_episode()
    with pytest.raises(InputError, match="already has 1 logged cramp"):
        tracker.diary.record_night("2026-03-04", none=True, confirm=True)


def test_client_id_makes_a_retry_idempotent(tracker: Tracker) -> None:
    first = tracker.diary.log_episode(client_id="phone-123", severity=5)
    again = tracker.diary.log_episode(client_id="phone-123", severity=5)
    assert again.duplicate is True
    assert again.episode.id == first.episode.id
    assert len(tracker.diary.episodes()) == 1


def test_edit_and_delete_need_confirmation(tracker: Tracker) -> None:
    episode = tracker.diary.log_episode(severity=4).episode
    assert episode.id is not None
    with pytest.raises(ConfirmationRequired):
        tracker.diary.edit_episode(episode.id, severity=9)
    edited = tracker.diary.edit_episode(
        episode.id, severity=9, muscles=["calf", "foot"], confirm=True
    )
    assert (edited.severity, edited.muscles) == (9, ("calf", "foot"))
    assert edited.occurred_at == episode.occurred_at
    with pytest.raises(ConfirmationRequired):
        tracker.diary.delete_episode(episode.id)
    with pytest.raises(InputError, match="was that night otherwise cramp-free") as asked:
        tracker.diary.delete_episode(episode.id, confirm=True)  # its night's only cramp
    assert asked.value.field == "emptied_night"
    assert tracker.diary.episodes() != []  # nothing deleted before the answer
    tracker.diary.delete_episode(episode.id, confirm=True, emptied_night="cramp-free")
    assert tracker.diary.episodes() == []
    assert tracker.diary.nights()[0].cramps == 0  # the person said it was cramp-free
    tracker.diary.delete_night("2026-03-04", confirm=True)
    assert tracker.diary.nights() == []
    with pytest.raises(NotFoundError):
        tracker.diary.episode(episode.id)


def test_after_effects_are_rated_on_later_days(tracker: Tracker) -> None:
    episode = tracker.diary.log_episode(severity=9).episode
    assert episode.id is not None
    tracker.diary.add_after_effect(episode.id, "knot", 6, "2026-03-05")
    with pytest.raises(InputError, match="before the episode's night"):
        tracker.diary.add_after_effect(episode.id, "knot", 6, "2026-03-01")
    stored = tracker.diary.episode(episode.id)
    assert [(a.date, a.kind, a.rating) for a in stored.after_effects] == [("2026-03-05", "knot", 6)]


def test_streaks_are_broken_by_missing_nights(tracker: Tracker) -> None:
    for day in ("2026-02-20", "2026-02-21", "2026-02-22", "2026-02-24", "2026-02-25"):
        tracker.diary.record_night(day, none=True)
    tracker.diary.record_night("2026-02-26", cramps=1)
    tracker.diary.record_night("2026-02-27", none=True)
    summary = tracker.summary()
    assert summary.longest_streak == 3  # 20–22; the 23rd is missing
    assert summary.current_streak == 1


def test_regimen_start_stop_switch_and_adherence(tracker: Tracker) -> None:
    tracker.regimen.start(
        "magnesium",
        form="glycinate",
        dose=200,
        unit="mg",
        times=["morning", "bedtime"],
        date="2026-01-10",
    )
    old, new = tracker.regimen.switch("magnesium", form="citrate", date="2026-02-01")
    assert (old.end, new.start, new.form, new.dose) == ("2026-02-01", "2026-02-01", "citrate", 200)
    tracker.regimen.took("magnesium", date="2026-02-02", time="bedtime")
    stopped = tracker.regimen.stop("magnesium", date="2026-03-01")
    assert stopped.end == "2026-03-01"
    assert [e.form for e in tracker.regimen.entries()] == ["glycinate", "citrate"]
    assert tracker.regimen.adherence()[0].time == "bedtime"
    with pytest.raises(InputError, match="not in your regimen"):
        tracker.regimen.took("zinc")


def test_regimen_bad_input(tracker: Tracker) -> None:
    with pytest.raises(InputError, match="negative"):
        tracker.regimen.start("magnesium", dose=-5, unit="mg")
    with pytest.raises(InputError, match="unit: 'spoons' is not allowed"):
        tracker.regimen.start("magnesium", dose=5, unit="spoons")
    with pytest.raises(InputError, match="kind"):
        tracker.regimen.start("magnesium", kind="potion")
    assert tracker.regimen.entries() == []


def test_medications_labs_factors_trigger_points_profile(tracker: Tracker) -> None:
    tracker.regimen.add_medication("Lisinopril", dose=10, unit="mg", start="2024-01-01")
    assert tracker.regimen.medications()[0].name == "lisinopril"
    tracker.regimen.stop_medication("lisinopril", date="2026-01-01")
    lab = tracker.context.add_lab(
        "potassium", 4.1, "mmol/L", date="2026-02-20", range_low=3.5, range_high=5.1
    )
    assert (lab.test, lab.value, lab.unit) == ("potassium", 4.1, "mmol/L")
    with pytest.raises(InputError, match="allowed: mmol/L"):
        tracker.context.add_lab("potassium", 4.1, "g")
    tracker.context.add_factor("fluids", "2000", "ml", date="2026-03-01")
    tracker.context.add_factor("heat", "yes", date="2026-03-01")
    tracker.context.add_factor("pickle-juice", "30", "ml", date="2026-03-01")
    values = {f.name: f.value for f in tracker.context.factors()}
    assert values == {"fluids": 2000.0, "heat": True, "pickle-juice": 30.0}
    tp = tracker.context.add_trigger_point(
        "inner-thigh", side="left", spot="mid", tenderness=7, date="2026-03-01"
    )
    assert tp.id is not None
    tracker.context.rate_trigger_point(tp.id, 4, date="2026-03-04")
    released = tracker.context.release_trigger_point(tp.id, date="2026-03-05")
    assert [r.tenderness for r in released.ratings] == [7, 4]
    assert released.released == "2026-03-05"
    profile = tracker.context.set_profile(birth_year=1958, sex="female", kidney_disease=False)
    assert (profile.birth_year, profile.sex, profile.timezone) == (1958, "female", "Europe/Berlin")
    with pytest.raises(InputError, match="unknown time zone"):
        tracker.context.set_profile(timezone="Mars/Olympus")


def test_item_names_are_found_however_they_are_typed(tracker: Tracker) -> None:
    tracker.regimen.start("Vitamin D", dose=1000, unit="IU", date="2026-02-01")
    tracker.regimen.start("Milk (whole)", kind="food", dose=1, unit="cup", date="2026-02-01")
    assert {e.item for e in tracker.regimen.entries()} == {"vitamin-d", "milk (whole)"}
    assert tracker.regimen.took("vitamin d", date="2026-02-02").item == "vitamin-d"
    assert tracker.regimen.took("MILK  (whole)", date="2026-02-02").item == "milk (whole)"
    assert tracker.regimen.stop("Vitamin D", date="2026-03-01").end == "2026-03-01"


def test_a_concurrent_retry_is_stored_once_even_past_the_check(tracker: Tracker) -> None:
    """Two submissions that both pass the client-id check (possible on PostgreSQL, whose
    transactions do not queue): the database keeps one and logging reports a duplicate."""
    from crampwise.records import Episode

    first = tracker.diary.log_episode(client_id="web-42", severity=5)
    racing = Episode(night="2026-03-04", client_id="web-42", severity=5)
    with tracker._store.write():  # white-box: the storage call a racing submission makes
        assert tracker._store.insert_episode_once(racing) is None
    assert len(tracker.diary.episodes()) == 1
    again = tracker.diary.log_episode(client_id="web-42", severity=5)
    assert again.duplicate and again.episode.id == first.episode.id
    assert again.night_total == 1


def test_a_check_in_without_a_date_is_about_the_night_just_gone(db_url: str) -> None:
    import datetime as dt

    afternoon = dt.datetime(2026, 3, 5, 13, 0, tzinfo=dt.UTC)  # 14:00 in Berlin
    t = Tracker(db_url, clock=lambda: afternoon)
    try:
        t.context.set_profile(timezone="Europe/Berlin")
        assert t.diary.record_night(none=True).date == "2026-03-04"
        with pytest.raises(InputError, match="night of 2026-03-05 has not ended yet"):
            t.diary.record_night("today", none=True)
        t.diary.log_episode(at="03:00", night="2026-03-03")
        with pytest.raises(InputError) as caught:
            t.diary.record_night("2026-03-03", none=True)
        assert caught.value.field == "cramps"
    finally:
        t.close()


def test_a_time_just_ahead_of_the_clock_is_refused_not_moved_a_day_back(
    tracker: Tracker,
) -> None:
    with pytest.raises(InputError, match=r"'03:40' is 10 min in the future \(it is 03:30 now\)"):
        tracker.diary.log_episode(at="03:40")
    earlier = tracker.diary.log_episode(at="07:00")  # 20.5 h ago: yesterday morning
    assert earlier.episode.night == "2026-03-03"
    assert tracker.diary.local_time(earlier.episode).strftime("%d %H:%M") == "04 07:00"


def test_filling_in_details_needs_no_confirmation_but_overwriting_does(tracker: Tracker) -> None:
    episode = tracker.diary.log_episode().episode
    assert episode.id is not None
    filled = tracker.diary.edit_episode(episode.id, severity=7, muscles=["calf"], side="left")
    assert (filled.severity, filled.muscles, filled.side) == (7, ("calf",), "left")
    with pytest.raises(ConfirmationRequired, match=r"overwrite side left → both; severity 7 → 9"):
        tracker.diary.edit_episode(episode.id, severity=9, side="both")
    assert tracker.diary.episode(episode.id).severity == 7


def test_same_day_switch_corrects_and_same_day_stop_points_to_delete(tracker: Tracker) -> None:
    tracker.regimen.start("magnesium", form="oxide", dose=200, unit="mg", times=["bedtime"])
    old, new = tracker.regimen.switch("magnesium", form="glycinate")
    assert (old.form, new.form, new.start) == ("oxide", "glycinate", "2026-03-05")
    assert [(e.form, e.start, e.end) for e in tracker.regimen.entries()] == [
        ("glycinate", "2026-03-05", None)
    ]
    with pytest.raises(InputError, match="delete regimen"):
        tracker.regimen.stop("magnesium")
    tracker.regimen.add_medication("lisinopril")
    with pytest.raises(InputError, match="delete med"):
        tracker.regimen.stop_medication("lisinopril")


def test_adherence_dose_time_must_be_a_scheduled_time(tracker: Tracker) -> None:
    tracker.regimen.start("potassium", dose=99, unit="mg", times=["bedtime"], date="2026-03-01")
    with pytest.raises(InputError, match="potassium is taken at bedtime, not noon"):
        tracker.regimen.took("potassium", time="noon")
    assert tracker.regimen.took("potassium", time="bedtime").time == "bedtime"
    with pytest.raises(InputError, match="client_id: is empty"):
        tracker.diary.log_episode(client_id=" ")


def test_the_night_total_after_logging_is_the_stored_total(tracker: Tracker) -> None:
    """The total ``log`` answers with is worked out inside its write (not read again):
    it matches what is stored, on a new night, a night with cramps and a counted one."""
    tracker.diary.record_night("2026-03-02", cramps=1)
    for night in ("2026-03-03", "2026-03-03", "2026-03-03", "2026-03-02", "2026-03-02"):
        logged = tracker.diary.log_episode(night=night, severity=5)
        stored = tracker.diary.night(night)
        assert stored is not None and logged.night_total == stored.cramps
    assert [n.cramps for n in tracker.diary.nights()] == [2, 3]
