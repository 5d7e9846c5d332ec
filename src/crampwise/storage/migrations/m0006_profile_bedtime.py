"""Profile: the usual bedtime (HH:MM), for the bedtime reminder."""

from __future__ import annotations

NAME = "0006_profile_bedtime"

# A nullable column added in place: existing profiles keep every value; no bedtime reads as
# unknown and the reminder uses its default.
STATEMENTS = ("ALTER TABLE profile ADD COLUMN bedtime TEXT",)
