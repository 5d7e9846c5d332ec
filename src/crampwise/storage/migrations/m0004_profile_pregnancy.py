"""Profile: pregnancy and breastfeeding (reference intakes and DVT risk change with them)."""

from __future__ import annotations

NAME = "0004_profile_pregnancy"

# Nullable columns added in place: existing profiles keep every value and read as unknown.
STATEMENTS = (
    "ALTER TABLE profile ADD COLUMN pregnant INTEGER",
    "ALTER TABLE profile ADD COLUMN breastfeeding INTEGER",
)
