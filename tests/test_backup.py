"""Backup and restore: a backup taken while writers are busy holds every entry that was
acknowledged before it started; restore replaces a diary only when told to, all or nothing.
SQLite backups are copies of the database file (SQLite's backup API); PostgreSQL backups
are the diary's crampwise-diary document, read in one snapshot."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from crampwise.tracker import Tracker

from .conftest import AFTER_DEMO, NOW

WRITERS = 3


def test_a_backup_during_concurrent_writes_restores_every_acknowledged_entry(
    db_url: str, other_db: str, tmp_path: Path
) -> None:
    """Writer threads record nights and log cramps through one Tracker while the backup
    runs. Every write acknowledged before the backup began is in the restored diary; nothing
    is there that was never acknowledged; each restored night agrees with its cramps."""
    tracker = Tracker(db_url, clock=lambda: NOW)
    tracker.context.set_profile(timezone="Europe/Berlin")
    acknowledged: list[tuple[float, str]] = []  # (when the call returned, night)
    lock = threading.Lock()
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        day = dt.date(2026, 3, 4) - dt.timedelta(days=n)
        try:
            while not stop.is_set():
                night = day.isoformat()
                if day.toordinal() % 2:
                    tracker.diary.record_night(night, cramps=0)
                else:
                    tracker.diary.log_episode(night=night, severity=5, client_id=f"w{night}")
                with lock:
                    acknowledged.append((time.monotonic(), night))
                day -= dt.timedelta(days=WRITERS)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 30 and not errors:
        time.sleep(0.01)
    backup = tmp_path / "diary.backup"
    began = time.monotonic()
    kind = tracker.backup(str(backup))
    time.sleep(0.2)  # writers go on after the backup
    stop.set()
    for thread in threads:
        thread.join()
    assert errors == []
    assert kind == ("json" if db_url.startswith("postgresql") else "sqlite")
    before = {night for when, night in acknowledged if when < began}
    everything = {night for _, night in acknowledged}
    assert len(everything) > len(before) >= 30  # writes went on during and after

    with Tracker(other_db, clock=lambda: NOW) as restored:
        assert restored.restore(str(backup)) == kind
        data = restored.snapshot()
    nights = {n.date for n in data.nights}
    assert before <= nights <= everything
    per_night = {n.date: n.cramps for n in data.nights}
    for episode in data.episodes:
        assert per_night[episode.night] == 1
    assert sum(per_night.values()) == len(data.episodes)
    tracker.close()


def test_restore_asks_before_replacing_a_diary_and_then_replaces_it_whole(
    cli: Any, other_db: str, tmp_path: Path
) -> None:
    assert cli("demo", "--yes", now=AFTER_DEMO)[0] == 0
    original = cli("export", now=AFTER_DEMO)[1]
    backup = tmp_path / "backup.file"
    code, out, err = cli("backup", str(backup), "--json", now=AFTER_DEMO)
    assert code == 0, err
    kind = json.loads(out)["kind"]
    # Asking before overwriting a backup file too.
    assert cli("backup", str(backup), now=AFTER_DEMO)[0] == 1

    assert cli("log", "--at", "3am", "--db", other_db, now=AFTER_DEMO)[0] == 0
    mine = cli("export", "--db", other_db, now=AFTER_DEMO)[1]
    code, _, err = cli("restore", str(backup), "--db", other_db, now=AFTER_DEMO)
    assert code == 1 and "Add --yes to confirm" in err
    assert cli("export", "--db", other_db, now=AFTER_DEMO)[1] == mine  # untouched

    code, out, err = cli(
        "restore", str(backup), "--db", other_db, "--yes", "--json", now=AFTER_DEMO
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["kind"] == kind and result["summary"]["cramps"] == 35
    assert cli("export", "--db", other_db, now=AFTER_DEMO)[1] == original


def test_an_sqlite_backup_restores_into_either_backend(
    cli: Any, db_url: str, tmp_path: Path
) -> None:
    source = str(tmp_path / "laptop.sqlite")
    assert cli("demo", "--yes", "--db", source, now=AFTER_DEMO)[0] == 0
    backup = tmp_path / "laptop-backup.sqlite"
    assert cli("backup", str(backup), "--db", source, now=AFTER_DEMO)[0] == 0
    with sqlite3.connect(backup) as conn:  # a plain, self-contained SQLite file
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    before = backup.read_bytes()
    code, _, err = cli("restore", str(backup), now=AFTER_DEMO)  # the test diary is empty
    assert code == 0, err
    assert cli("export", now=AFTER_DEMO)[1] == cli("export", "--db", source, now=AFTER_DEMO)[1]
    assert backup.read_bytes() == before  # restoring never changes the backup


def test_a_file_that_is_not_a_backup_changes_nothing(cli: Any, tmp_path: Path) -> None:
    assert cli("log", "--at", "3am")[0] == 0
    mine = cli("export")[1]
    other = tmp_path / "other.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    code, _, err = cli("restore", str(other), "--yes")
    assert code == 1 and "is an SQLite file but not a crampwise diary" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "crampwise-diary", "version": 1, "nights": [{"date": 1}]}')
    code, _, err = cli("restore", str(broken), "--yes")
    assert code == 1 and "nights[0].date" in err
    code, _, err = cli("restore", str(tmp_path / "missing.sqlite"), "--yes")
    assert code == 1 and "does not exist" in err
    assert cli("export")[1] == mine


def test_a_bad_backup_is_refused_before_anything_is_asked(cli: Any, tmp_path: Path) -> None:
    """A diary holding data and a broken backup: the answer names the backup's problem,
    not a question whose yes would fail anyway."""
    assert cli("log", "--at", "3am")[0] == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "crampwise-diary", "version": 2}', encoding="utf-8")
    code, _, err = cli("restore", str(broken))
    assert code == 1 and "version" in err and "--yes" not in err


def test_a_restore_never_lets_a_revoked_phone_back_in(
    cli: Any, db_url: str, tmp_path: Path
) -> None:
    """Paired phones belong to this installation, not to the diary's data: a phone
    revoked after the backup stays out after restoring it, and one paired after the
    backup stays in (an SQLite file is copied back whole; on PostgreSQL the document)."""
    with Tracker(db_url, clock=lambda: NOW) as t:
        old, old_token = t.devices.pair(t.devices.new_pairing_code(), "old phone")
    backup = tmp_path / "diary.backup"
    assert cli("backup", str(backup))[0] == 0
    with Tracker(db_url, clock=lambda: NOW) as t:
        t.devices.revoke(old.id or 0)
        _, new_token = t.devices.pair(t.devices.new_pairing_code(), "new phone")
    code, _, err = cli("restore", str(backup), "--yes")
    assert code == 0, err
    with Tracker(db_url, clock=lambda: NOW) as t:
        assert t.devices.device_for_token(old_token) is None
        found = t.devices.device_for_token(new_token)
        assert found is not None and found.name == "new phone"
        assert [d.name for d in t.devices.list()] == ["old phone", "new phone"]
