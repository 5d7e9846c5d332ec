"""Profile, nights, episodes (muscles, reliefs) and after-effects."""

from __future__ import annotations

NAME = "0001_diary"

STATEMENTS = (
    """CREATE TABLE profile (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        birth_year INTEGER,
        sex TEXT,
        kidney_disease INTEGER,
        timezone TEXT,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE nights (
        date TEXT PRIMARY KEY,
        undetailed_cramps INTEGER NOT NULL DEFAULT 0 CHECK (undetailed_cramps >= 0),
        sleep_quality INTEGER CHECK (sleep_quality BETWEEN 0 AND 10),
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    )""",
    """CREATE TABLE episodes (
        id {serial},
        night TEXT NOT NULL REFERENCES nights(date) ON DELETE CASCADE,
        occurred_at TEXT,
        tz TEXT,
        approximate INTEGER NOT NULL DEFAULT 0,
        side TEXT CHECK (side IN ('left', 'right', 'both')),
        severity INTEGER CHECK (severity BETWEEN 0 AND 10),
        duration_min {real} CHECK (duration_min >= 0),
        waves INTEGER CHECK (waves >= 1),
        woke INTEGER,
        notes TEXT NOT NULL DEFAULT '',
        client_id TEXT UNIQUE,
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX episodes_by_night ON episodes (night)",
    """CREATE TABLE episode_muscles (
        episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
        muscle TEXT NOT NULL,
        position INTEGER NOT NULL,
        PRIMARY KEY (episode_id, muscle)
    )""",
    """CREATE TABLE episode_reliefs (
        episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
        method TEXT NOT NULL,
        helped TEXT,
        position INTEGER NOT NULL,
        PRIMARY KEY (episode_id, method)
    )""",
    """CREATE TABLE after_effects (
        id {serial},
        episode_id INTEGER NOT NULL REFERENCES episodes(id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        kind TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 10),
        UNIQUE (episode_id, date, kind)
    )""",
)
