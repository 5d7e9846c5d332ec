"""The private address of the bedtime calendar feed (a phone's calendar subscribes to it).

As for devices, only the SHA-256 of the feed's token is stored: the address is shown once,
to the person. A diary has at most one feed that is not revoked (the domain revokes the
old one when it makes a new one); revoked feeds keep their row, with ``revoked_at``.
"""

from __future__ import annotations

__all__ = ["NAME", "STATEMENTS"]

NAME = "0008_calendar_feeds"

STATEMENTS = (
    """CREATE TABLE calendar_feeds (
        id {serial},
        diary_id INTEGER NOT NULL REFERENCES diaries(id),
        token_hash TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )""",
    "CREATE INDEX calendar_feeds_by_diary ON calendar_feeds (diary_id, id)",
)
