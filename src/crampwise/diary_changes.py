"""``tracker.diary`` in full: reading episodes back, rating after-effects, editing and
deleting, on top of the recording in :class:`~crampwise.diary.DiaryModule`.

Apart from :mod:`crampwise.diary` because ``crampwise log`` and ``night`` only record:
they use the facade's hot half (:class:`~crampwise.tracker_core.TrackerCore`), whose
``diary`` is a plain ``DiaryModule``; :class:`~crampwise.tracker.Tracker`'s is a
:class:`DiaryChanges`.
"""

from __future__ import annotations

from crampwise import validate as v
from crampwise import vocab
from crampwise._record import replace
from crampwise.diary import DiaryModule, check_episode, plain_value
from crampwise.errors import ConfirmationRequired, InputError, NotFoundError
from crampwise.records import AfterEffect

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from crampwise.records import Episode

__all__ = ["EMPTIED_NIGHT", "DiaryChanges"]


_EDITABLE = (
    "night",
    "occurred_at",
    "side",
    "muscles",
    "severity",
    "duration_min",
    "waves",
    "woke",
    "reliefs",
    "notes",
)


#: What a night becomes when its only cramp is deleted or moved away.
EMPTIED_NIGHT: tuple[str, ...] = ("cramp-free", "missing")


def _overwritten(old: Episode, new: Episode) -> list[str]:
    """The fields whose recorded (non-empty) value an edit would change, as "a → b"; a
    list that only gains values (a muscle added) loses nothing and is not one of them."""
    changes = []
    for name in _EDITABLE:
        before, after = getattr(old, name), getattr(new, name)
        if isinstance(before, tuple) and isinstance(after, tuple) and set(before) <= set(after):
            continue
        if before not in (None, "", ()) and before != after:
            changes.append(f"{name.replace('_', ' ')} {plain_value(before)} → {plain_value(after)}")
    return changes


class DiaryChanges(DiaryModule):
    """Nights and episodes: record (:class:`~crampwise.diary.DiaryModule`), read back,
    rate after-effects, edit and delete (``tracker.diary``)."""

    def add_after_effect(
        self, episode_id: int, kind: str, rating: int | str, date: str | None = None
    ) -> Episode:
        """Rate soreness or a knot on a day on/after an episode's night."""
        episode = self.episode(episode_id)
        day = self._clock.day(date)
        if day < episode.night:
            raise InputError(
                "date", f"{day} is before the episode's night {episode.night}", code="out-of-range"
            )
        effect = AfterEffect(
            date=day,
            kind=v.choice(kind, "kind", vocab.AFTER_EFFECT_KINDS),
            rating=v.int_range(rating, "rating", 0, 10),
        )
        with self._store.write():
            self._store.insert_after_effect(episode_id, effect)
        return self.episode(episode_id)

    # -- reading -------------------------------------------------------------------------
    def episode(self, episode_id: int) -> Episode:
        """One episode by id."""
        if not 1 <= episode_id <= v.MAX_ID:  # the database cannot even look it up
            raise NotFoundError(f"episode {v.shown(episode_id)} does not exist")
        found = self._store.get_episode(episode_id)
        if found is None:
            raise NotFoundError(f"episode {episode_id} does not exist")
        return found

    def latest_episode(self) -> Episode | None:
        """The cramp logged last (whatever its night), or None when there is none."""
        return self._store.latest_episode()

    def episodes(self, start: str | None = None, end: str | None = None) -> list[Episode]:
        """Episodes of the nights from ``start`` to ``end`` (inclusive; ISO dates, today or
        yesterday)."""
        return self._store.list_episodes(*self._clock.date_range(start, end))

    # -- changing ------------------------------------------------------------------------
    def edit_episode(
        self,
        episode_id: int,
        *,
        confirm: bool = False,
        emptied_night: str | None = None,
        **changes: Any,
    ) -> Episode:
        """Change fields of an episode (same names as :meth:`log_episode`); overwriting a
        recorded value needs ``confirm``. Moving a night's only cramp to another night needs
        ``emptied_night`` (see :meth:`delete_episode`)."""
        current = self.episode(episode_id)
        fields: dict[str, Any] = {
            "side": current.side,
            "muscles": current.muscles,
            "severity": current.severity,
            "duration_min": current.duration_min,
            "waves": current.waves,
            "woke": current.woke,
            "reliefs": tuple((r.method, r.helped) for r in current.reliefs),
            "notes": current.notes,
        }
        unknown = set(changes) - set(fields) - {"at", "night"}
        if unknown:
            raise InputError(", ".join(sorted(unknown)), "cannot be edited")
        fields.update({k: val for k, val in changes.items() if k in fields})
        at, night = changes.get("at"), changes.get("night")
        if at is None and night is None:
            built = self._build_episode(
                at=None, night=current.night, client_id=current.client_id, **fields
            )
            built = replace(
                built,
                occurred_at=current.occurred_at,
                tz=current.tz,
                approximate=current.approximate,
            )
        else:
            built = self._build_episode(at=at, night=night, client_id=current.client_id, **fields)
        # The whole episode is checked again: moving it to a later night must not leave
        # soreness rated before its night (its export could not be imported).
        updated = check_episode(
            replace(built, id=episode_id, after_effects=current.after_effects),
            "",
            self._clock.today(),
        )
        overwritten = _overwritten(current, updated)
        if overwritten and not confirm:  # filling in what was left empty needs no question
            raise ConfirmationRequired(f"episode {episode_id}: overwrite {'; '.join(overwritten)}?")
        moved = updated.night != current.night
        becomes = self._emptied_night(current, emptied_night) if moved else None
        with self._store.write():
            if moved:
                self._store.ensure_night(updated.night)
            self._store.update_episode(episode_id, updated)
            if becomes == "missing":
                self._store.delete_night(current.night)
        return self.episode(episode_id)

    def delete_episode(
        self, episode_id: int, *, confirm: bool = False, emptied_night: str | None = None
    ) -> Episode:
        """Delete one episode; needs ``confirm``.

        When it is its night's only cramp, ``emptied_night`` says what the night becomes:
        ``cramp-free`` (you know it had no other cramp) or ``missing`` (unknown).
        """
        episode = self.episode(episode_id)
        if not confirm:
            raise ConfirmationRequired(f"delete episode {episode_id} (night {episode.night})?")
        becomes = self._emptied_night(episode, emptied_night)
        with self._store.write():
            self._store.delete_episode(episode_id)
            if becomes == "missing":
                self._store.delete_night(episode.night)
        return episode

    def _emptied_night(self, episode: Episode, answer: str | None) -> str | None:
        """What a night becomes when ``episode``, its only cramp, leaves it (else None).

        A night is observed because someone checked it in or logged a cramp on it; once
        its last cramp is gone, only the person knows whether it was cramp-free.
        """
        night = self._store.get_night(episode.night)
        if night is None or night.cramps != 1:
            return None
        if answer is None:
            raise InputError(
                "emptied_night",
                f"it is the only cramp of the night of {episode.night}: was that night "
                "otherwise cramp-free, or is it unknown? (cramp-free or missing)",
                code="required",
            )
        return v.choice(answer, "emptied_night", EMPTIED_NIGHT)
