"""A plain table of nights from any spreadsheet (``date,cramps``, or columns mapped by
name), read into a ``crampwise-diary`` document as :mod:`crampwise.formats.csvimport`
reads the export folder: same cells, same origins in every error, same validation.
"""

from __future__ import annotations

import os
from typing import Any

from crampwise.errors import ImportFormatError, InputError
from crampwise.formats.csvimport import CsvDocument, _columns, _Origin, _rows
from crampwise.formats.diaryformat import FORMAT, VERSION

__all__ = ["NIGHT_FIELDS", "parse_column_map", "read_nights_csv"]

#: What a plain nights table may hold (``--map`` names these).
NIGHT_FIELDS: tuple[str, ...] = ("date", "cramps", "sleep_quality", "notes")


# -- a plain table of nights ---------------------------------------------------------------
def parse_column_map(text: str | None) -> dict[str, str]:
    """``date=Day,cramps=Count`` → ``{"date": "Day", "cramps": "Count"}``."""
    mapping: dict[str, str] = {}
    if not text:
        return mapping
    for part in text.split(","):
        ours, eq, theirs = part.partition("=")
        ours, theirs = ours.strip(), theirs.strip()
        if not eq or not ours or not theirs:
            raise InputError(
                "map", f"{part.strip()!r} is not FIELD=COLUMN (e.g. date=Day,cramps=Count)"
            )
        if ours not in NIGHT_FIELDS:
            raise InputError(
                "map",
                f"unknown field {ours!r}; allowed: {', '.join(NIGHT_FIELDS)}",
                code="not-allowed",
            )
        if ours in mapping:
            raise InputError("map", f"{ours} is mapped twice")
        mapping[ours] = theirs
    return mapping


def read_nights_csv(path: str, mapping: dict[str, str] | None = None) -> CsvDocument:
    """A table with a row per night: a date and that night's cramp count (any other
    columns are ignored). ``mapping`` names the columns (``{"date": "Day"}``); without
    it the columns are found by name (``date``, ``cramps``, ``sleep_quality``, ``notes``,
    any case). An empty count is a night without data (missing, never 0)."""
    label = os.path.basename(path)
    header = _columns(path, label)
    by_lower = {h.lower(): h for h in header}
    names: dict[str, str] = {}
    for ours in NIGHT_FIELDS:
        wanted = (mapping or {}).get(ours)
        if wanted is not None:
            found = by_lower.get(wanted.lower())
            if found is None:
                raise ImportFormatError(
                    f"{label}, row 1",
                    f"no column {wanted!r} (for {ours}); the columns are: {', '.join(header)}",
                )
            names[ours] = found
        elif ours in by_lower:
            names[ours] = by_lower[ours]
    for ours in ("date", "cramps"):
        if ours not in names:
            raise ImportFormatError(
                f"{label}, row 1",
                f"no {ours} column; name it {ours} or map it (e.g. {ours}=YourColumn); "
                f"the columns are: {', '.join(header)}",
            )
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION, "nights": []}
    origins: dict[str, _Origin] = {}
    for cells in _rows(path, label, names):
        cramps = cells.integer("cramps")
        if cramps is None:
            continue  # no count: the night is missing, never 0
        night = {
            "date": cells.text("date"),
            "cramps": cramps,
            "sleep_quality": cells.integer("sleep_quality"),
            "notes": cells.text("notes"),
        }
        origins[f"nights[{len(doc['nights'])}]"] = _Origin(label, cells.row, dict(names))
        doc["nights"].append({k: v for k, v in night.items() if v is not None})
    return CsvDocument(doc, origins)
