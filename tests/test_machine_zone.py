"""The machine's time zone (issue 7 item 7, issue 8 item 7): read even when /etc/localtime
is a copy rather than a link (many containers), TZ values from tzdata such as EST5EDT
honoured, and a warning instead of silently using UTC when it cannot be told."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from crampwise._machinezone import TZDIRS, detect_localtime_name, zone_from_environment

TZDIR = next((d for d in TZDIRS if os.path.isfile(os.path.join(d, "Europe", "Berlin"))), None)
needs_tzdata = pytest.mark.skipif(TZDIR is None, reason="needs the system's tzdata files")


def _copy(zone: str, target: Path) -> Path:
    assert TZDIR is not None
    shutil.copyfile(os.path.join(TZDIR, zone), target)
    return target


@needs_tzdata
def test_a_link_names_its_zone(tmp_path: Path) -> None:
    assert TZDIR is not None
    link = tmp_path / "localtime"
    link.symlink_to(os.path.join(TZDIR, "America", "New_York"))
    assert detect_localtime_name(str(link), str(tmp_path / "none")) == "America/New_York"


@needs_tzdata
@pytest.mark.parametrize("zone", ["America/New_York", "Europe/London", "Asia/Kolkata", "UTC"])
def test_a_copied_zone_file_is_found_by_its_bytes(tmp_path: Path, zone: str) -> None:
    found = detect_localtime_name(str(_copy(zone, tmp_path / "localtime")), "/nonexistent")
    assert found is not None
    assert TZDIR is not None
    same = Path(TZDIR, found).read_bytes() == Path(TZDIR, zone).read_bytes()
    assert same  # the zone itself or a name for the very same rules
    if zone in ("America/New_York", "Asia/Kolkata", "UTC"):
        assert found == zone  # canonical names win over their aliases (US/Eastern …)


@needs_tzdata
def test_etc_timezone_names_the_zone_when_its_bytes_agree(tmp_path: Path) -> None:
    localtime = _copy("Europe/Berlin", tmp_path / "localtime")
    named = tmp_path / "timezone"
    named.write_text("Europe/Berlin\n")
    assert detect_localtime_name(str(localtime), str(named)) == "Europe/Berlin"
    named.write_text("Asia/Tokyo\n")  # stale: the bytes decide
    assert detect_localtime_name(str(localtime), str(named)) != "Asia/Tokyo"


def test_no_zone_file_means_unknown(tmp_path: Path) -> None:
    junk = tmp_path / "localtime"
    junk.write_text("not a zone file")
    assert detect_localtime_name(str(junk), "/nonexistent") is None
    assert detect_localtime_name(str(tmp_path / "missing"), "/nonexistent") is None


@pytest.mark.parametrize(
    ("tz", "expected"),
    [("EST5EDT", "EST5EDT"), (":Europe/Paris", "Europe/Paris"), ("", "UTC"), ("UTC", "UTC")],
)
def test_tz_values_from_tzdata_are_honoured(
    tz: str, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", tz)
    assert zone_from_environment() == expected


def test_est5edt_through_the_cli(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: TZ=EST5EDT was ignored and the machine's zone (here UTC) used instead."""
    monkeypatch.setenv("TZ", "EST5EDT")
    code, out, _ = cli("profile", "show", "--json")
    assert json.loads(out)["timezone_in_use"] == "EST5EDT"
    code, out, err = cli("log", "--at", "30 min ago", "--json")  # NOW is 21:30 EST on the 4th
    assert code == 0 and err == ""
    assert json.loads(out)["time"] == "21:00" and json.loads(out)["night"] == "2026-03-04"


def test_a_posix_rule_warns_rather_than_silently_using_utc(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3")
    code, out, err = cli("log", "--json")
    assert code == 0 and json.loads(out)["time"] == "02:30"  # UTC, as the warning says
    assert err.splitlines() == [
        "crampwise: warning: TZ='CET-1CEST,M3.5.0,M10.5.0/3' is not a time zone name crampwise "
        "knows; times are taken as UTC until a time zone is set; set yours with "
        "'crampwise profile set --timezone Europe/Berlin'"
    ]
    assert cli("profile", "set", "--timezone", "Europe/Berlin")[0] == 0
    code, out, err = cli("log", "--json")
    assert err == "" and json.loads(out)["time"] == "03:30"
