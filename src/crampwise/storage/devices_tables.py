"""SQL for paired devices and pairing codes (hashes only; see migration 0005)."""

from __future__ import annotations

from crampwise.records import Device

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from crampwise.storage.engine import Engine, Row

__all__ = ["DevicesTables"]

_COLUMNS = "id, name, paired_at, last_seen, revoked_at"


def _device(r: Row) -> Device:
    return Device(
        id=int(r[0]),
        name=str(r[1]),
        paired_at=str(r[2]),
        last_seen=None if r[3] is None else str(r[3]),
        revoked_at=None if r[4] is None else str(r[4]),
    )


class DevicesTables:
    """Reads and writes of the device tables (mixed into :class:`Store`)."""

    engine: Engine
    diary_id: int

    def list_devices(self) -> list[Device]:
        """Every device ever paired with this diary, revoked ones included, by id."""
        rows = self.engine.query(
            f"SELECT {_COLUMNS} FROM devices WHERE diary_id = ? ORDER BY id", (self.diary_id,)
        )
        return [_device(r) for r in rows]

    def device_by_token_hash(self, token_hash: str) -> Device | None:
        """The device whose cookie token hashes to ``token_hash`` (revoked or not)."""
        row = self.engine.query_one(
            f"SELECT {_COLUMNS} FROM devices WHERE diary_id = ? AND token_hash = ?",
            (self.diary_id, token_hash),
        )
        return None if row is None else _device(row)

    def insert_device(self, name: str, token_hash: str, paired_at: str) -> int:
        """Store a newly paired device (inside a write)."""
        return self.engine.insert(
            "INSERT INTO devices (diary_id, name, token_hash, paired_at) "
            "VALUES (?, ?, ?, ?) RETURNING id",
            (self.diary_id, name, token_hash, paired_at),
        )

    def set_device_seen(self, device_id: int, when: str) -> None:
        """Note when a device was last seen (inside a write)."""
        self.engine.execute(
            "UPDATE devices SET last_seen = ? WHERE id = ? AND diary_id = ?",
            (when, device_id, self.diary_id),
        )

    def set_device_revoked(self, device_id: int, when: str) -> int:
        """Revoke a device (inside a write); returns the rows changed (0: no such device)."""
        return self.engine.execute(
            "UPDATE devices SET revoked_at = ? "
            "WHERE id = ? AND diary_id = ? AND revoked_at IS NULL",
            (when, device_id, self.diary_id),
        )

    def insert_pairing_code(self, code_hash: str, created_at: str, expires_at: str) -> None:
        """Store a new one-time pairing code (inside a write)."""
        self.engine.execute(
            "INSERT INTO pairing_codes (code_hash, diary_id, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)",
            (code_hash, self.diary_id, created_at, expires_at),
        )

    def pairing_code(self, code_hash: str) -> tuple[str, str | None] | None:
        """(expires_at, used_at) of a pairing code of this diary, or None."""
        row = self.engine.query_one(
            "SELECT expires_at, used_at FROM pairing_codes WHERE code_hash = ? AND diary_id = ?",
            (code_hash, self.diary_id),
        )
        if row is None:
            return None
        return str(row[0]), None if row[1] is None else str(row[1])

    def use_pairing_code(self, code_hash: str, when: str) -> int:
        """Mark a code used (inside a write); 0 when it was used already (a race lost)."""
        return self.engine.execute(
            "UPDATE pairing_codes SET used_at = ? "
            "WHERE code_hash = ? AND diary_id = ? AND used_at IS NULL",
            (when, code_hash, self.diary_id),
        )
