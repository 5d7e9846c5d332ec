"""SQL for the calendar feed's private address (hashes only; see migration 0008)."""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine

__all__ = ["FeedTables"]


class FeedTables:
    """Reads and writes of ``calendar_feeds`` (mixed into :class:`Store`)."""

    engine: Engine
    diary_id: int

    def active_feed(self) -> tuple[int, str] | None:
        """(id, created_at) of this diary's feed that is not revoked, or None."""
        row = self.engine.query_one(
            "SELECT id, created_at FROM calendar_feeds "
            "WHERE diary_id = ? AND revoked_at IS NULL ORDER BY id DESC",
            (self.diary_id,),
        )
        return None if row is None else (int(row[0]), str(row[1]))

    def feed_is_active(self, token_hash: str) -> bool:
        """Whether ``token_hash`` is this diary's feed and not revoked."""
        row = self.engine.query_one(
            "SELECT id FROM calendar_feeds "
            "WHERE diary_id = ? AND token_hash = ? AND revoked_at IS NULL",
            (self.diary_id, token_hash),
        )
        return row is not None

    def insert_feed(self, token_hash: str, created_at: str) -> int:
        """Store a new feed (inside a write)."""
        return self.engine.insert(
            "INSERT INTO calendar_feeds (diary_id, token_hash, created_at) "
            "VALUES (?, ?, ?) RETURNING id",
            (self.diary_id, token_hash, created_at),
        )

    def revoke_feeds(self, when: str) -> int:
        """Revoke every feed of this diary (inside a write); returns how many were active."""
        return self.engine.execute(
            "UPDATE calendar_feeds SET revoked_at = ? WHERE diary_id = ? AND revoked_at IS NULL",
            (when, self.diary_id),
        )
