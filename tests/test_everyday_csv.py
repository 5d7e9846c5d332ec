"""Issue 11, item 10: ``export --format csv`` for a spreadsheet, as a person uses it.

The defect: ``nights.csv`` said 0 (``undetailed_cramps``) on a night with two logged
cramps, and times were UTC. Now each night has its total, missing nights stay empty
(never 0), and cramps carry the local time with its offset.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_nights_csv_has_each_nights_total_and_episodes_local_times(
    cli: Any, tmp_path: Path
) -> None:
    assert cli("night", "2026-02-27", "--none")[0] == 0
    assert cli("night", "2026-03-02", "--cramps", "2")[0] == 0
    assert cli("night", "--none", "--from", "2026-03-03", "--to", "2026-03-03")[0] == 0
    assert cli("log", "--at", "1am", "calf", "left")[0] == 0  # 01:00 in Berlin = 00:00 UTC
    assert cli("log", "--at", "around 3am")[0] == 0
    out = tmp_path / "sheet"
    code, _, err = cli("export", "--format", "csv", "--out", str(out))
    assert code == 0 and "Wrote" in err
    nights = {r["date"]: r for r in _rows(out / "nights.csv")}
    assert [(d, r["observed"], r["cramps"]) for d, r in sorted(nights.items())] == [
        ("2026-02-27", "true", "0"),
        ("2026-02-28", "false", ""),  # missing: empty, never 0
        ("2026-03-01", "false", ""),
        ("2026-03-02", "true", "2"),  # counted without details
        ("2026-03-03", "true", "0"),
        ("2026-03-04", "true", "2"),  # two logged cramps: the night's total
    ]
    episodes = _rows(out / "episodes.csv")
    assert [(e["night"], e["time"], e["utc_offset"], e["approximate"]) for e in episodes] == [
        ("2026-03-04", "01:00", "+01:00", "false"),
        ("2026-03-04", "03:00", "+01:00", "true"),
    ]
    assert (episodes[0]["side"], episodes[0]["muscles"]) == ("left", "calf")
