"""Phones paired with the diary for the web app: one-time pairing codes, device tokens.

Personal mode has no accounts. A server bound to anything but loopback lets in only
paired devices: ``crampwise serve`` shows a one-time pairing code (and a QR code of the
pairing URL); the phone exchanges it once for a long-lived device token, which the web
app keeps in a cookie; ``crampwise devices revoke ID`` shuts a device out again.

Codes and tokens are random (``secrets``) and only their SHA-256 is stored: a copy of
the database does not let anyone in. A plain hash (no slow password hash) is right here
because both are long random strings, not something a person chose.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from crampwise import validate as v
from crampwise.errors import InputError, NotFoundError
from crampwise.records import Device

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.clock import Clock
    from crampwise.storage.store import Store

__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "CODE_TTL", "DevicesModule", "normalise_code"]

#: No 0/O, 1/I/L: a code may be typed from the terminal into a phone.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31**10 ≈ 8e14: with one-time use and a short life, not guessable
#: How long a pairing code can be used.
CODE_TTL = dt.timedelta(minutes=15)
#: ``last_seen`` is written at most this often per device (not on every request).
_SEEN_EVERY = dt.timedelta(minutes=10)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _iso(instant: dt.datetime) -> str:
    return instant.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def normalise_code(text: str) -> str:
    """A code as typed (``abcd-efgh 23``) in its stored form (``ABCDEFGH23``)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


class DevicesModule:
    """Pairing codes and paired devices of one diary (``tracker.devices``)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def _now(self) -> dt.datetime:
        return self._clock.now().astimezone(dt.UTC)

    def new_pairing_code(self) -> str:
        """A fresh one-time pairing code, valid for :data:`CODE_TTL`."""
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        now = self._now()
        with self._store.write():
            self._store.insert_pairing_code(_hash(code), _iso(now), _iso(now + CODE_TTL))
        return code

    def pair(self, code: str, name: str = "") -> tuple[Device, str]:
        """Exchange a pairing code for a new device; returns it and its token (shown once)."""
        if not isinstance(code, str) or not normalise_code(code):
            raise InputError("code", "give the pairing code shown by the computer", code="required")
        wanted = _hash(normalise_code(code))
        label = v.text(name or "phone", "name", 80).strip() or "phone"
        token = secrets.token_urlsafe(32)
        now = _iso(self._now())
        with self._store.write():
            found = self._store.pairing_code(wanted)
            if found is None:
                raise InputError(
                    "code", "this pairing code is not known; check it or get a new one"
                )
            expires_at, used_at = found
            if used_at is not None or not self._store.use_pairing_code(wanted, now):
                raise InputError("code", "this pairing code was used already; get a new one")
            if now >= expires_at:
                raise InputError("code", "this pairing code has expired; get a new one")
            device_id = self._store.insert_device(label, _hash(token), now)
        return Device(id=device_id, name=label, paired_at=now), token

    def device_for_token(self, token: str) -> Device | None:
        """The active device a cookie token belongs to (None: unknown or revoked)."""
        if not token:
            return None
        device = self._store.device_by_token_hash(_hash(token))
        if device is None or not device.active:
            return None
        now = self._now()
        seen = device.last_seen
        if (
            seen is None
            or dt.datetime.fromisoformat(seen.replace("Z", "+00:00")) + (_SEEN_EVERY) <= now
        ):
            with self._store.write():
                self._store.set_device_seen(device.id, _iso(now))
        return device

    def list(self) -> list[Device]:
        """Every paired device, revoked ones included."""
        return self._store.list_devices()

    def revoke(self, device_id: int) -> Device:
        """Shut a device out; its cookie no longer opens the diary."""
        with self._store.write():
            changed = self._store.set_device_revoked(device_id, _iso(self._now()))
        found = next((d for d in self._store.list_devices() if d.id == device_id), None)
        if found is None:
            raise NotFoundError(f"device {device_id} does not exist")
        if not changed and found.revoked_at is None:  # pragma: no cover - a race only
            raise NotFoundError(f"device {device_id} could not be revoked")
        return found
