"""Doses typed with their unit, and names said back as people write them, through the CLI.

"--dose 99mg" or "--dose '20 mEq'" is what people type from a label; it used to be refused
as "not a number". A unit typed in the dose and a different ``--unit`` is refused, and
nothing is saved. Confirmations name items as people write them ("magnesium citrate",
"vitamin D3", "Diovan HCT 160/12.5"), not as stored slugs ("magnesium-citrate citrate").
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

EVENING = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)


def _regimen(cli: Any) -> list[dict[str, Any]]:
    code, out, err = cli("regimen", "list", "--all", "--json", now=EVENING)
    assert code == 0, err
    return list(json.loads(out))


@pytest.mark.parametrize(
    ("item", "dose", "stored"),
    [
        ("potassium", "99mg", (99.0, "mg")),
        ("magnesium", "20 mEq", (20.0, "mEq")),
        ("vitamin D3", "5,000 IU", (5000.0, "IU")),
        ("calcium", "0.5 g", (0.5, "g")),
    ],
)
def test_a_dose_with_its_unit_is_read(
    cli: Any, item: str, dose: str, stored: tuple[float, str]
) -> None:
    code, out, err = cli("regimen", "start", item, "--dose", dose, now=EVENING)
    assert code == 0, err
    (entry,) = _regimen(cli)
    assert (entry["dose"], entry["unit"]) == stored
    assert f"— {stored[0]:g} {stored[1]}" in out
    assert "no unit was given" not in out + err


def test_a_switch_and_a_medicine_read_the_unit_too(cli: Any) -> None:
    assert cli("regimen", "start", "potassium", "--dose", "99mg", now=EVENING)[0] == 0
    code, out, err = cli("regimen", "switch", "potassium", "--dose", "2,000mg", now=EVENING)
    assert code == 0, err
    assert "no unit was given" not in out + err
    current = [e for e in _regimen(cli) if e.get("end") is None]
    assert [(e["dose"], e["unit"]) for e in current] == [(2000.0, "mg")]
    code, out, err = cli("med", "add", "K-Tab", "--dose", "20mEq", now=EVENING)
    assert code == 0, err
    assert out.startswith("Added K-Tab 20 mEq from 2026-11-28.")
    meds = json.loads(cli("med", "list", "--json", now=EVENING)[1])
    assert [(m["dose"], m["unit"]) for m in meds] == [(20.0, "mEq")]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (
            ("regimen", "start", "magnesium", "--dose", "200 mg", "--unit", "mEq"),
            "--dose: '200 mg' says mg but the unit given is 'mEq'; give the unit once",
        ),
        (("regimen", "start", "magnesium", "--dose", "lots"), "--dose: 'lots' is not a number"),
        (
            ("med", "add", "lisinopril", "--dose", "10 mg", "--unit", "g"),
            "--dose: '10 mg' says mg but the unit given is 'g'; give the unit once",
        ),
    ],
)
def test_a_dose_that_disagrees_saves_nothing(
    cli: Any, command: tuple[str, ...], message: str
) -> None:
    code, out, err = cli(*command, now=EVENING)
    assert code != 0 and out == ""
    assert err.strip() == f"crampwise: error: {message}"
    assert _regimen(cli) == []
    assert json.loads(cli("med", "list", "--json", now=EVENING)[1]) == []


@pytest.mark.parametrize(
    ("command", "said"),
    [
        (
            ("regimen", "start", "magnesium citrate 300mg"),
            "Started magnesium citrate — 300 mg from 2026-11-28.",
        ),
        (("regimen", "start", "vitamin-d3", "--dose", "1000 IU"), "Started vitamin D3 — 1000 IU"),
        (("med", "add", "Diovan HCT 160/12.5"), "Added Diovan HCT 160/12.5 from 2026-11-28."),
        (("med", "add", "zestril"), "Added Zestril from 2026-11-28."),
    ],
)
def test_confirmations_name_items_as_people_write_them(
    cli: Any, command: tuple[str, ...], said: str
) -> None:
    code, out, err = cli(*command, now=EVENING)
    assert code == 0, err
    assert out.splitlines()[0].startswith(said)
