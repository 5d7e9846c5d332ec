"""Experiments: randomized N-of-1 trials (plan, seed, decision rule, status) and their periods.

``experiments`` has a ``diary_id`` (one person's trials); a diary has at most one
experiment of an item starting on a given night. ``experiment_periods`` belong to a diary
through their experiment (like an episode's muscles) and go with it.
"""

from __future__ import annotations

NAME = "0007_experiments"

STATEMENTS = (
    """CREATE TABLE experiments (
        id {serial},
        item TEXT NOT NULL,
        comparator TEXT,
        dose {real} CHECK (dose >= 0),
        unit TEXT,
        start_date TEXT NOT NULL,
        seed BIGINT CHECK (seed >= 0),
        period_days INTEGER NOT NULL CHECK (period_days >= 1),
        washout_days INTEGER NOT NULL CHECK (washout_days >= 0),
        mcid {real} NOT NULL,
        p_benefit_min {real} NOT NULL,
        p_meaningful_min {real} NOT NULL,
        interim_looks INTEGER NOT NULL DEFAULT 0,
        baseline_per_week {real},
        dispersion {real},
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'stopped')),
        stopped_on TEXT,
        stop_reason TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        diary_id INTEGER NOT NULL REFERENCES diaries(id),
        UNIQUE (diary_id, item, start_date)
    )""",
    "CREATE INDEX experiments_by_diary ON experiments (diary_id, start_date)",
    """CREATE TABLE experiment_periods (
        experiment_id INTEGER NOT NULL REFERENCES experiments(id) ON DELETE CASCADE,
        position INTEGER NOT NULL CHECK (position >= 0),
        start_date TEXT NOT NULL,
        end_date TEXT NOT NULL,
        condition TEXT NOT NULL CHECK (condition IN ('A', 'B')),
        washout_until TEXT,
        PRIMARY KEY (experiment_id, position)
    )""",
)
