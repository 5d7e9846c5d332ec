"""Regimen and medicines: how often each is taken (every day, N days, weeks or months)."""

from __future__ import annotations

NAME = "0009_regimen_every"

# A column with a default added in place: every existing entry was daily (the only
# schedule there was), which is what the default says.
STATEMENTS = (
    "ALTER TABLE regimen ADD COLUMN every TEXT NOT NULL DEFAULT 'day'",
    "ALTER TABLE medications ADD COLUMN every TEXT NOT NULL DEFAULT 'day'",
)
