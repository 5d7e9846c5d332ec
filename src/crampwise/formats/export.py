"""Export a diary as a canonical ``crampwise-diary`` v1 document (docs/format.md).

Canonical means: every observed night with its total, empty fields left out, whole
numbers written as integers, episodes in time order. Importing such a document into an
empty diary and exporting again gives an equal document.

The profile's time zone is written only when the person set it: a zone the machine
happened to have is not the person's and must not travel with their data. Every episode
time carries its UTC offset, so the instant is exact even in the repeated hour of a
daylight-saving change and on a machine in another zone.
"""

from __future__ import annotations

from typing import Any

from crampwise.formats.diaryformat import FORMAT, VERSION
from crampwise.formats.jsonrecords import (
    adherence_json,
    episode_json,
    experiment_json,
    factor_json,
    lab_json,
    medication_json,
    night_json,
    profile_json,
    red_flag_json,
    regimen_json,
    trigger_point_json,
)
from crampwise.records import DiaryData

__all__ = ["export_document"]


def _night_order(episode: dict[str, Any]) -> tuple[str, bool, str]:
    """Episodes in the order they happened: 23:00 comes before 01:00 of the same night, and
    the first 01:30 of a repeated hour before the second."""
    time = episode.get("time")
    if time is None:
        return episode["night"], True, ""
    hour = int(time[:2])
    # The offset orders the two passes of a repeated hour: summer time (larger offset) first.
    offset = episode.get("utc_offset", "+00:00")
    sign = -1 if offset[0] == "-" else 1
    minutes = sign * (int(offset[1:3]) * 60 + int(offset[4:6]))
    return (
        episode["night"],
        False,
        f"{hour + 24 if hour < 12 else hour:02d}{time[2:]}{-minutes:+05d}",
    )


def export_document(data: DiaryData) -> dict[str, Any]:
    """The diary as a canonical ``crampwise-diary`` v1 document."""
    document_zone = data.profile.timezone or data.timezone
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    doc["profile"] = profile_json(data.profile)
    doc["nights"] = [night_json(n) for n in data.nights]
    episodes = [episode_json(e, data.timezone, document_zone=document_zone) for e in data.episodes]
    for night in data.nights:  # cramps counted without details travel as bare episodes
        if night.undetailed_cramps and night.cramps != night.undetailed_cramps:
            episodes.extend({"night": night.date} for _ in range(night.undetailed_cramps))
    doc["episodes"] = sorted(episodes, key=_night_order)
    doc["regimen"] = [regimen_json(e) for e in data.regimen]
    doc["adherence"] = [adherence_json(a) for a in data.adherence]
    doc["medications"] = [medication_json(m) for m in data.medications]
    doc["labs"] = [lab_json(lab) for lab in data.labs]
    doc["factors"] = [factor_json(f) for f in data.factors]
    doc["trigger_points"] = [trigger_point_json(t) for t in data.trigger_points]
    doc["red_flags"] = [red_flag_json(r) for r in data.red_flags]
    if data.experiments:  # optional: documents without experiments stay as they were
        doc["experiments"] = [experiment_json(e) for e in data.experiments]
    return doc
