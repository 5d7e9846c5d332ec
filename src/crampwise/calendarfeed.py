"""The bedtime reminder as a calendar feed: a private address a phone's calendar
subscribes to (``crampwise reminders --feed``, or the web app's calendar page).

A calendar app cannot pair like a browser (it sends no cookie), so the address itself is
the key: ``/feed/<token>.ics`` with a long random token. The feed shows only the bedtime
calendar (what is due at bedtime, tonight's experiment condition), never the diary, so an
address that leaks (calendar services keep them) opens nothing else. Only the token's
SHA-256 is stored and the address is shown once; a new address revokes the old one, and
revoking it stops the feed at once (an unknown or revoked token is "not found", exactly
like a token that never existed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.clock import Clock
    from crampwise.storage.store import Store

__all__ = ["FEED_PREFIX", "CalendarFeedModule", "feed_path"]

#: Where the web app serves feeds (and the only path under it: ``<token>.ics``).
FEED_PREFIX = "/feed/"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_path(token: str) -> str:
    """The feed's path on the web app (``/feed/<token>.ics``)."""
    return f"{FEED_PREFIX}{token}.ics"


class CalendarFeedModule:
    """The diary's calendar feed address (``tracker.calendar_feed``)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def _now(self) -> str:
        return self._clock.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def create(self) -> str:
        """A new feed token (shown once); the diary's earlier feed stops working."""
        token = secrets.token_urlsafe(32)
        now = self._now()
        with self._store.write():
            self._store.revoke_feeds(now)
            self._store.insert_feed(_hash(token), now)
        return token

    def revoke(self) -> bool:
        """Stop the feed; False when there was none."""
        with self._store.write():
            return self._store.revoke_feeds(self._now()) > 0

    def active_since(self) -> str | None:
        """When the working feed was made (UTC, ISO), or None when there is none."""
        found = self._store.active_feed()
        return None if found is None else found[1]

    def opens(self, token: str) -> bool:
        """Whether ``token`` is the diary's working feed token."""
        # a token is a URL path segment: anything not shaped like one is simply unknown
        if not token or len(token) > 100:
            return False
        return self._store.feed_is_active(_hash(token))
