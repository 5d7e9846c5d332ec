"""Paired devices and one-time pairing codes (the web app's phones), per diary.

Only hashes are stored: a device's cookie token and a pairing code are shown once, to
the person, and never written down in the clear. A revoked device keeps its row (with
``revoked_at``) so ``devices list`` can show what was revoked and when.
"""

from __future__ import annotations

__all__ = ["NAME", "STATEMENTS"]

NAME = "0005_devices"

STATEMENTS = (
    """CREATE TABLE devices (
        id {serial},
        diary_id INTEGER NOT NULL REFERENCES diaries(id),
        name TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        paired_at TEXT NOT NULL,
        last_seen TEXT,
        revoked_at TEXT
    )""",
    "CREATE INDEX devices_by_diary ON devices (diary_id, id)",
    """CREATE TABLE pairing_codes (
        code_hash TEXT PRIMARY KEY,
        diary_id INTEGER NOT NULL REFERENCES diaries(id),
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        used_at TEXT
    )""",
)
