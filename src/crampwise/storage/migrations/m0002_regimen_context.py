"""Regimen, adherence, medications, labs, daily factors, trigger points, red-flag answers."""

from __future__ import annotations

NAME = "0002_regimen_context"

STATEMENTS = (
    """CREATE TABLE regimen (
        id {serial},
        item TEXT NOT NULL,
        kind TEXT NOT NULL,
        form TEXT,
        dose {real} CHECK (dose >= 0),
        unit TEXT,
        times TEXT NOT NULL DEFAULT '',
        start_date TEXT NOT NULL,
        end_date TEXT,
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    "CREATE INDEX regimen_by_item ON regimen (item, start_date)",
    """CREATE TABLE adherence (
        date TEXT NOT NULL,
        item TEXT NOT NULL,
        dose_time TEXT NOT NULL DEFAULT '',
        taken INTEGER NOT NULL,
        PRIMARY KEY (date, item, dose_time)
    )""",
    """CREATE TABLE medications (
        id {serial},
        name TEXT NOT NULL,
        dose {real} CHECK (dose >= 0),
        unit TEXT,
        times TEXT NOT NULL DEFAULT '',
        start_date TEXT NOT NULL,
        end_date TEXT,
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE labs (
        id {serial},
        date TEXT NOT NULL,
        test TEXT NOT NULL,
        value {real} NOT NULL,
        unit TEXT NOT NULL,
        range_low {real},
        range_high {real},
        UNIQUE (date, test)
    )""",
    """CREATE TABLE factors (
        id {serial},
        date TEXT NOT NULL,
        name TEXT NOT NULL,
        value TEXT NOT NULL,
        unit TEXT,
        UNIQUE (date, name)
    )""",
    """CREATE TABLE trigger_points (
        id {serial},
        muscle TEXT NOT NULL,
        side TEXT NOT NULL CHECK (side IN ('left', 'right', 'both')),
        spot TEXT NOT NULL DEFAULT '',
        found TEXT NOT NULL,
        released TEXT,
        notes TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE trigger_point_ratings (
        trigger_point_id INTEGER NOT NULL REFERENCES trigger_points(id) ON DELETE CASCADE,
        date TEXT NOT NULL,
        tenderness INTEGER NOT NULL CHECK (tenderness BETWEEN 0 AND 10),
        PRIMARY KEY (trigger_point_id, date)
    )""",
    """CREATE TABLE red_flag_answers (
        date TEXT NOT NULL,
        flag TEXT NOT NULL,
        present INTEGER NOT NULL,
        PRIMARY KEY (date, flag)
    )""",
)
