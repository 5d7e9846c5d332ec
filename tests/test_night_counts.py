"""The stored count of each night's detailed cramps (migration 0010, ``night_counts``).

Logging answers with the night's total from that stored count, so it must equal a
``COUNT`` of the night's episodes after every change, whichever command made it. The
database keeps it (triggers on ``episodes``); these tests drive random sequences of what
people do - log (retries included), edit a cramp onto another night, delete a cramp or a
night, check nights in, import (merge and replace), restore, the demo reset, a second
diary in the same database - through the CLI and the Tracker, on SQLite and PostgreSQL,
and compare after each step. Plus the upgrade of a diary made at 0008.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crampwise.storage.engine import Engine, open_engine, resolve_url
from crampwise.storage.migrations import migrate, status
from crampwise.tracker import Tracker

from .conftest import NOW

CLI = Callable[..., tuple[int, str, str]]

#: The nights the random steps pick from: few, so that steps keep meeting each other.
NIGHTS = ("2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04")


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A second, raw look at the test database (the CLI opens its own)."""
    e = open_engine(resolve_url(db_url))
    yield e
    e.close()


def _mismatches(engine: Engine) -> list[tuple[object, ...]]:
    """(diary, night, stored, counted) wherever the stored count is not the real one; a
    night without episodes may have no row or a 0."""
    with engine.read():
        counted = {
            (int(str(r[0])), str(r[1])): int(str(r[2]))
            for r in engine.query(
                "SELECT diary_id, night, COUNT(*) FROM episodes GROUP BY diary_id, night"
            )
        }
        stored = {
            (int(str(r[0])), str(r[1])): int(str(r[2]))
            for r in engine.query("SELECT diary_id, night, detailed FROM night_counts")
        }
    keys = sorted(set(counted) | set(stored))
    return [
        (*k, stored.get(k), counted.get(k, 0))
        for k in keys
        if stored.get(k, 0) != counted.get(k, 0)
    ]


def _episode_ids(engine: Engine) -> list[int]:
    with engine.read():
        return [int(str(r[0])) for r in engine.query("SELECT id FROM episodes WHERE diary_id = 1")]


def _document(rng: random.Random) -> dict[str, Any]:
    """A small diary document over NIGHTS: some nights counted, some with cramps."""
    nights = rng.sample(NIGHTS, 2)
    episodes = [
        {
            "night": rng.choice(NIGHTS),
            "time": f"0{rng.randint(1, 5)}:{rng.choice(('05', '20', '40'))}",
            "side": rng.choice(("left", "right")),
            "muscles": ["calf"],
            "severity": rng.randint(1, 9),
        }
        for _ in range(rng.randint(0, 4))
    ]
    with_episodes = {e["night"] for e in episodes}
    return {
        "format": "crampwise-diary",
        "version": 1,
        "profile": {"timezone": "Europe/Berlin"},
        "nights": [
            {"date": d, "cramps": rng.randint(0, 2)} for d in nights if d not in with_episodes
        ],
        "episodes": episodes,
    }


def _step(rng: random.Random, cli: CLI, engine: Engine, folder: Path, n: int) -> str:
    """One random change through the CLI; returns what it was (for the failure message)."""
    ids = _episode_ids(engine)
    kind = rng.choice(
        ("log", "log", "log", "retry", "edit", "delete", "night", "delete-night", "import")
    )
    night = rng.choice(NIGHTS)
    if kind == "log" or (kind in ("retry", "edit", "delete") and not ids):
        args: tuple[str, ...] = ("log", "--night", night, "--client-id", f"c{n}")
    elif kind == "retry":  # the same client id again: stored once (or a conflict)
        args = ("log", "--night", night, "--client-id", f"c{rng.randrange(n)}")
    elif kind == "edit":
        then = rng.choice(("cramp-free", "missing"))
        args = ("edit", str(rng.choice(ids)), "--night", night, "--yes", "--then", then)
    elif kind == "delete":
        then = rng.choice(("cramp-free", "missing"))
        args = ("delete", "episode", str(rng.choice(ids)), "--yes", "--then", then)
    elif kind == "night":
        count = rng.choice(("--none", "--cramps=1", "--cramps=3"))
        args = ("night", night, count, "--yes")
    elif kind == "delete-night":
        args = ("delete", "night", night, "--yes")
    else:
        path = folder / f"import{n}.json"
        path.write_text(json.dumps(_document(rng)))
        args = ("import", str(path), *(("--replace",) if rng.random() < 0.5 else ()))
    code, _, err = cli(*args)
    return f"{' '.join(args)} -> {code} {err.strip()[:200]}"


@pytest.mark.parametrize("seed", [1, 2])
def test_random_changes_keep_each_nights_stored_count(
    seed: int, cli: CLI, engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """60 random steps through the CLI, with the stored counts compared to a COUNT after
    each; every 20 steps the whole diary is replaced (``restore`` of a JSON document), and
    a second diary of the database logs and deletes cramps in the same nights."""
    rng = random.Random(seed)
    assert cli("profile", "set", "--timezone", "Europe/Berlin")[0] == 0
    with Tracker(db_url, clock=lambda: NOW) as first:
        other_id = first._store.create_diary("second person")
    done: list[str] = []
    peak = 0
    for n in range(60):
        done.append(_step(rng, cli, engine, tmp_path, n))
        if n % 20 == 19:
            path = tmp_path / f"whole{n}.json"
            path.write_text(json.dumps(_document(rng)))
            code, _, err = cli("restore", str(path), "--yes")
            done.append(f"restore -> {code} {err.strip()[:200]}")
        if n % 7 == 3:
            with Tracker(db_url, clock=lambda: NOW, diary_id=other_id) as other:
                other.diary.log_episode(night=rng.choice(NIGHTS))
                gone = other.diary.episodes()[0]
                if rng.random() < 0.4:
                    other.diary.delete_episode(gone.id or 0, confirm=True, emptied_night="missing")
            done.append("second diary")
        assert _mismatches(engine) == [], "\n".join(done)
        peak = max(peak, len(_episode_ids(engine)))
    # the steps did reach the cases that matter: cramps stored, moved and removed
    for command in ("log --night", "edit ", "delete episode", "import ", "night 2026"):
        assert any(d.startswith(command) and " -> 0" in d for d in done), command
    assert peak >= 5, "the diary held several cramps at once"


def test_the_demo_reset_and_its_totals(cli: CLI, engine: Engine, db_url: str) -> None:
    """The demo's reset (a wipe and a load of two years) leaves the counts exact, and a
    cramp logged afterwards answers with the total its night then shows."""
    assert cli("log", "--night", "2026-03-04")[0] == 0
    code, _, err = cli("demo", "--db", db_url, "--yes")
    assert code == 0, err
    assert _mismatches(engine) == []
    with Tracker(db_url, clock=lambda: NOW) as t:
        episodes = t.diary.episodes()
        busiest = max({e.night for e in episodes}, key=[e.night for e in episodes].count)
        before = t.diary.nights(busiest, busiest)[0].cramps
        logged = t.diary.log_episode(night=busiest, client_id="after-demo")
        assert logged.night_total == before + 1 == t.diary.nights(busiest, busiest)[0].cramps
    assert _mismatches(engine) == []


_NIGHT = (
    "INSERT INTO nights (diary_id, date, undetailed_cramps, notes, created_at, updated_at) "
    "VALUES (?, ?, ?, '', '2026-03-01T08:00:00Z', '2026-03-01T08:00:00Z')"
)
_EPISODE = (
    "INSERT INTO episodes (diary_id, night, approximate, notes, created_at) "
    "VALUES (?, ?, 0, '', '2026-03-01T08:00:00Z')"
)


def test_a_diary_made_at_0008_is_counted_on_upgrade(db_url: str, engine: Engine) -> None:
    """A database at 0008 with cramps in two diaries (written as that version wrote
    them: no counts kept) gets every night's count when it is opened, and logging then
    answers with the right totals: 2026-03-01 has 3 cramps in diary 1 and 1 in diary 2,
    2026-03-02 none detailed (2 counted without details), 2026-03-03 is cramp-free."""
    migrate(engine, target="0008_calendar_feeds")
    assert list(status(engine).pending) == ["0009_regimen_every", "0010_night_counts"]
    with engine.write():
        engine.execute(
            "INSERT INTO diaries (id, name, created_at) VALUES (2, 'other', '2026-03-01')"
        )
        for diary, date, undetailed in (
            (1, "2026-03-01", 0),
            (1, "2026-03-02", 2),
            (1, "2026-03-03", 0),
            (2, "2026-03-01", 0),
        ):
            engine.execute(_NIGHT, (diary, date, undetailed))
        for diary in (1, 1, 1, 2):
            engine.execute(_EPISODE, (diary, "2026-03-01"))
    with Tracker(db_url, clock=lambda: NOW) as t:  # opening migrates it
        assert t.migration_status().up_to_date
        assert _mismatches(engine) == []
        totals = {n.date: n.cramps for n in t.diary.nights("2026-03-01", "2026-03-03")}
        assert totals == {"2026-03-01": 3, "2026-03-02": 2, "2026-03-03": 0}
        assert t.diary.log_episode(night="2026-03-01").night_total == 4
        assert t.diary.log_episode(night="2026-03-03").night_total == 1
        # a cramp with details on a night counted without them details one of the two
        assert t.diary.log_episode(night="2026-03-02").night_total == 2
    assert _mismatches(engine) == []
