"""SQL for the profile, nights, episodes and after-effects."""

from __future__ import annotations

import datetime as _dt
from collections import defaultdict

from crampwise.errors import StorageError
from crampwise.records import AfterEffect, Episode, Night, Profile, Relief

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from crampwise.storage.engine import Engine, Row

__all__ = ["DiaryTables", "utc_now"]


def utc_now() -> str:
    """The current instant as a UTC ISO string (second precision)."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _int(value: bool | None) -> int | None:
    return None if value is None else int(value)


_EPISODE_COLUMNS = (
    "id, night, occurred_at, tz, approximate, side, severity, duration_min, waves, woke, "
    "notes, client_id"
)


class DiaryTables:
    """Reads and writes of the diary tables (mixed into :class:`Store`)."""

    engine: Engine
    diary_id: int

    # -- profile -------------------------------------------------------------------------
    def get_profile(self) -> Profile:
        """The stored profile (empty when never set)."""
        row = self.engine.query_one(
            "SELECT birth_year, sex, kidney_disease, timezone, bedtime, pregnant, "
            "breastfeeding FROM profile WHERE diary_id = ?",
            (self.diary_id,),
        )
        if row is None:
            return Profile()
        return Profile(
            birth_year=row[0],
            sex=row[1],
            kidney_disease=_bool(row[2]),
            timezone=row[3],
            bedtime=row[4],
            pregnant=_bool(row[5]),
            breastfeeding=_bool(row[6]),
        )

    def put_profile(self, profile: Profile) -> None:
        """Replace the profile (inside a write)."""
        self.engine.execute("DELETE FROM profile WHERE diary_id = ?", (self.diary_id,))
        self.engine.execute(
            "INSERT INTO profile (diary_id, birth_year, sex, kidney_disease, timezone, "
            "bedtime, pregnant, breastfeeding, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.diary_id,
                profile.birth_year,
                profile.sex,
                _int(profile.kidney_disease),
                profile.timezone,
                profile.bedtime,
                _int(profile.pregnant),
                _int(profile.breastfeeding),
                utc_now(),
            ),
        )

    # -- nights --------------------------------------------------------------------------
    def get_night(self, date: str) -> Night | None:
        """One observed night with its total cramp count, or None when not observed."""
        nights = self.list_nights(date, date)
        return nights[0] if nights else None

    def list_nights(
        self,
        start: str | None = None,
        end: str | None = None,
        episodes: Sequence[Episode] | None = None,
    ) -> list[Night]:
        """Observed nights between ``start`` and ``end`` (inclusive), oldest first.

        ``episodes``: every episode of those nights, read in the same transaction (the
        snapshot has them): the nights' totals are counted from them. Counting them in SQL
        night by night was half of reading ten years of nights.
        """
        bounds = (self.diary_id, start or "0000-01-01", end or "9999-12-31")
        if episodes is None:
            # The stored count (migration 0010), not a COUNT over the night's episodes:
            # logging reads it on every cramp, inside the write all others queue behind.
            sql = (
                "SELECT n.date, n.undetailed_cramps, n.sleep_quality, n.notes, "
                "COALESCE(c.detailed, 0) FROM nights n LEFT JOIN night_counts c "
                "ON c.diary_id = n.diary_id AND c.night = n.date "
                "WHERE n.diary_id = ? AND n.date >= ? AND n.date <= ? ORDER BY n.date"
            )
            rows = self.engine.query(sql, bounds)
            return [Night(r[0], int(r[1]) + int(r[4]), int(r[1]), r[2], r[3]) for r in rows]
        detailed: dict[str, int] = {}
        for e in episodes:
            detailed[e.night] = detailed.get(e.night, 0) + 1
        rows = self.engine.query(
            "SELECT date, undetailed_cramps, sleep_quality, notes FROM nights "
            "WHERE diary_id = ? AND date >= ? AND date <= ? ORDER BY date",
            bounds,
        )
        count = detailed.get
        return [Night(r[0], int(r[1]) + count(r[0], 0), int(r[1]), r[2], r[3]) for r in rows]

    def put_night(
        self,
        date: str,
        *,
        undetailed_cramps: int,
        sleep_quality: int | None,
        notes: str,
    ) -> None:
        """Create or update an observed night (inside a write).

        One upsert, so two writers creating the same night at once cannot collide.
        """
        now = utc_now()
        self.engine.execute(
            "INSERT INTO nights (diary_id, date, undetailed_cramps, sleep_quality, notes, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (diary_id, date) DO UPDATE SET "
            "undetailed_cramps = excluded.undetailed_cramps, "
            "sleep_quality = excluded.sleep_quality, notes = excluded.notes, "
            "updated_at = excluded.updated_at",
            (self.diary_id, date, undetailed_cramps, sleep_quality, notes, now, now),
        )

    def ensure_night(self, date: str) -> None:
        """Mark a night observed without changing an existing record (inside a write)."""
        found = self.engine.query_one(
            "SELECT 1 FROM nights WHERE diary_id = ? AND date = ?", (self.diary_id, date)
        )
        if found is None:
            self.put_night(date, undetailed_cramps=0, sleep_quality=None, notes="")

    def delete_night(self, date: str) -> int:
        """Delete a night and its episodes (inside a write); returns rows deleted."""
        key = (self.diary_id, date)
        self._delete_episode_children(
            "episode_id IN (SELECT id FROM episodes WHERE diary_id = ? AND night = ?)", key
        )
        self.engine.execute("DELETE FROM episodes WHERE diary_id = ? AND night = ?", key)
        return self.engine.execute("DELETE FROM nights WHERE diary_id = ? AND date = ?", key)

    def night_span(self) -> tuple[str, str] | None:
        """The first and last observed night, or None for an empty diary."""
        row = self.engine.query_one(
            "SELECT MIN(date), MAX(date) FROM nights WHERE diary_id = ?", (self.diary_id,)
        )
        if row is None or row[0] is None:
            return None
        return str(row[0]), str(row[1])

    # -- episodes ------------------------------------------------------------------------
    def insert_episode(self, episode: Episode) -> int:
        """Store an episode with its muscles, reliefs and after-effects (inside a write)."""
        episode_id = self.insert_episode_once(episode)
        if episode_id is None:
            raise StorageError(f"an episode with client id {episode.client_id!r} is stored")
        return episode_id

    def insert_episode_once(self, episode: Episode) -> int | None:
        """Store an episode unless its ``client_id`` is already stored (then None).

        ``ON CONFLICT DO NOTHING`` makes a retried submission harmless even when two
        arrive at once on PostgreSQL, where transactions do not queue like SQLite's.
        """
        episode_id = self.engine.insert_or_none(
            f"INSERT INTO episodes ({_EPISODE_COLUMNS.replace('id, ', '', 1)}, created_at, "
            "diary_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (diary_id, client_id) DO NOTHING RETURNING id",
            (*self._episode_values(episode), utc_now(), self.diary_id),
        )
        if episode_id is not None:
            self._insert_episode_children(episode_id, episode)
        return episode_id

    def update_episode(self, episode_id: int, episode: Episode) -> None:
        """Overwrite an episode and its children (inside a write)."""
        values = self._episode_values(episode)
        updated = self.engine.execute(
            "UPDATE episodes SET night = ?, occurred_at = ?, tz = ?, approximate = ?, side = ?,"
            " severity = ?, duration_min = ?, waves = ?, woke = ?, notes = ?, client_id = ?"
            " WHERE id = ? AND diary_id = ?",
            (*values, episode_id, self.diary_id),
        )
        if not updated:
            return
        self._delete_episode_children("episode_id = ?", (episode_id,))
        self._insert_episode_children(episode_id, episode)

    def delete_episode(self, episode_id: int) -> int:
        """Delete one episode (inside a write); returns rows deleted."""
        key = (episode_id, self.diary_id)
        self._delete_episode_children(
            "episode_id IN (SELECT id FROM episodes WHERE id = ? AND diary_id = ?)", key
        )
        return self.engine.execute("DELETE FROM episodes WHERE id = ? AND diary_id = ?", key)

    def get_episode(self, episode_id: int) -> Episode | None:
        """One episode by id."""
        found = self._load_episodes("WHERE diary_id = ? AND id = ?", (self.diary_id, episode_id))
        return found[0] if found else None

    def latest_episode(self) -> Episode | None:
        """The episode stored last (the highest id), or None."""
        found = self._load_episodes(
            "WHERE diary_id = ? AND id = (SELECT MAX(id) FROM episodes WHERE diary_id = ?)",
            (self.diary_id, self.diary_id),
        )
        return found[0] if found else None

    def episode_by_client_id(self, client_id: str) -> Episode | None:
        """The episode a client submitted under ``client_id`` (for idempotent retries)."""
        found = self._load_episodes(
            "WHERE diary_id = ? AND client_id = ?", (self.diary_id, client_id)
        )
        return found[0] if found else None

    def list_episodes(self, start: str | None = None, end: str | None = None) -> list[Episode]:
        """Episodes of nights between ``start`` and ``end`` (inclusive), in time order."""
        return self._load_episodes(
            "WHERE diary_id = ? AND night >= ? AND night <= ?",
            (self.diary_id, start or "0000-01-01", end or "9999-12-31"),
        )

    def insert_after_effect(self, episode_id: int, effect: AfterEffect) -> None:
        """Rate soreness/knot for a day after an episode (inside a write; replaces same day)."""
        if (
            self.engine.query_one(
                "SELECT 1 FROM episodes WHERE id = ? AND diary_id = ?", (episode_id, self.diary_id)
            )
            is None
        ):
            raise StorageError(f"no episode {episode_id} in this diary")
        self.engine.execute(
            "DELETE FROM after_effects WHERE episode_id = ? AND date = ? AND kind = ?",
            (episode_id, effect.date, effect.kind),
        )
        self.engine.execute(
            "INSERT INTO after_effects (episode_id, date, kind, rating) VALUES (?, ?, ?, ?)",
            (episode_id, effect.date, effect.kind, effect.rating),
        )

    # -- internals -----------------------------------------------------------------------
    @staticmethod
    def _episode_values(e: Episode) -> tuple[Any, ...]:
        return (
            e.night,
            e.occurred_at,
            e.tz,
            int(e.approximate),
            e.side,
            e.severity,
            e.duration_min,
            e.waves,
            _int(e.woke),
            e.notes,
            e.client_id,
        )

    def _insert_episode_children(self, episode_id: int, e: Episode) -> None:
        self.engine.executemany(
            "INSERT INTO episode_muscles (episode_id, muscle, position) VALUES (?, ?, ?)",
            [(episode_id, m, i) for i, m in enumerate(e.muscles)],
        )
        self.engine.executemany(
            "INSERT INTO episode_reliefs (episode_id, method, helped, position) "
            "VALUES (?, ?, ?, ?)",
            [(episode_id, r.method, r.helped, i) for i, r in enumerate(e.reliefs)],
        )
        self.engine.executemany(
            "INSERT INTO after_effects (episode_id, date, kind, rating) VALUES (?, ?, ?, ?)",
            [(episode_id, a.date, a.kind, a.rating) for a in e.after_effects],
        )

    def _delete_episode_children(self, where: str, params: tuple[Any, ...]) -> None:
        # Explicit deletes (not only ON DELETE CASCADE) keep both backends identical.
        for table in ("episode_muscles", "episode_reliefs", "after_effects"):
            self.engine.execute(f"DELETE FROM {table} WHERE {where}", params)

    def _load_episodes(self, where: str, params: tuple[Any, ...]) -> list[Episode]:
        rows = self.engine.query(
            f"SELECT {_EPISODE_COLUMNS} FROM episodes {where} "
            "ORDER BY night, CASE WHEN occurred_at IS NULL THEN 1 ELSE 0 END, occurred_at, id",
            params,
        )
        if not rows:
            return []
        children = self._episode_children(where, params)
        muscles, reliefs, after = children["muscles"], children["reliefs"], children["after"]
        none: list[Row] = []
        out = []
        # Positional, in Episode's field order, and no generator for an empty list of
        # children: ten years hold thousands of episodes.
        for r in rows:
            episode_id = int(r[0])
            ms, rs, afs = (
                muscles.get(episode_id, none),
                reliefs.get(episode_id, none),
                after.get(episode_id, none),
            )
            out.append(
                Episode(
                    r[1],  # night
                    r[2],  # occurred_at
                    r[3],  # tz
                    bool(r[4]),  # approximate
                    r[5],  # side
                    tuple([m[1] for m in ms]) if ms else (),  # muscles
                    r[6],  # severity
                    None if r[7] is None else float(r[7]),  # duration_min
                    r[8],  # waves
                    None if r[9] is None else bool(r[9]),  # woke
                    tuple([Relief(x[1], x[2]) for x in rs]) if rs else (),  # reliefs
                    tuple(
                        [AfterEffect(a[1], a[2], int(a[3]), int(a[4])) for a in afs]
                    )  # after_effects
                    if afs
                    else (),
                    r[10],  # notes
                    r[11],  # client_id
                    episode_id,  # id
                )
            )
        return out

    def _episode_children(
        self, where: str, params: tuple[Any, ...]
    ) -> dict[str, dict[int, list[Row]]]:
        ids = f"SELECT id FROM episodes {where}"
        out: dict[str, dict[int, list[Row]]] = {}
        queries = {
            "muscles": "SELECT episode_id, muscle FROM episode_muscles",
            "reliefs": "SELECT episode_id, method, helped FROM episode_reliefs",
            "after": "SELECT episode_id, date, kind, rating, id FROM after_effects",
        }
        order = {"muscles": "position", "reliefs": "position", "after": "date, kind"}
        for key, select in queries.items():
            grouped: dict[int, list[Row]] = defaultdict(list)
            sql = f"{select} WHERE episode_id IN ({ids}) ORDER BY episode_id, {order[key]}"
            for row in self.engine.query(sql, params):
                grouped[int(row[0])].append(row)
            out[key] = grouped
        return out
