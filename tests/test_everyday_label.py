"""Issue 11, item 5: doses as the label prints them, through the CLI as typed.

The defect: ``regimen start potassium --form gluconate --dose 595`` took the label's
595 mg of potassium gluconate as 595 mg of potassium. By hand, from atomic weights
(K 39.098, C 12.011, H 1.008, O 15.999): potassium gluconate C6H11KO7 weighs
6·12.011 + 11·1.008 + 39.098 + 7·15.999 = 234.245 g/mol, so potassium is
39.098 / 234.245 = 16.7 % of it, and 595 mg of it hold 595 × 0.167 = 99.4 mg (the seed
story's "99 mg"). Magnesium citrate Mg3(C6H5O7)2 (451.1 g/mol): 3·24.305 / 451.1 =
16.2 %; calcium carbonate CaCO3: 40.078 / 100.086 = 40.0 %.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shlex
from typing import Any

import pytest

#: 22:00 in Berlin on Sat 28 Nov 2026.
EVENING = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)

K_IN_GLUCONATE = 39.098 / (6 * 12.011 + 11 * 1.008 + 39.098 + 7 * 15.999)


def _entries(cli: Any) -> list[dict[str, Any]]:
    return json.loads(cli("regimen", "list", "--all", "--json", now=EVENING)[1])  # type: ignore[no-any-return]


def test_the_fraction_by_hand_matches_the_knowledge_base() -> None:
    assert round(K_IN_GLUCONATE, 3) == 0.167
    assert round(595 * K_IN_GLUCONATE, 1) == 99.3  # the table's 3 digits give 99.4


def test_the_issue_command_stores_the_potassium_not_the_salt(cli: Any, db_url: str) -> None:
    """As typed in the issue: no unit, no --dose-of, not at a terminal: converted, said."""
    code, out, err = cli("regimen", "start", "potassium", "--form", "gluconate", "--dose", "595",
                         now=EVENING)  # fmt: skip
    assert code == 0
    assert out.startswith("Started potassium gluconate — 99.4 mg from 2026-11-28.")
    assert "The dose of potassium is in mg (no unit was given)." in err
    assert "595 mg potassium gluconate ≈ 99 mg potassium" in err
    undo = (
        f"crampwise --db {shlex.quote(db_url)} regimen switch potassium --dose 595 --unit mg "
        "--dose-of element --start 2026-11-28"
    )
    assert undo in err
    (entry,) = _entries(cli)
    assert (entry["dose"], entry["unit"], entry["form"]) == (99.4, "mg", "gluconate")
    assert entry["notes"] == "label: 595 mg potassium gluconate"
    # The printed undo command works: the entry of that day is corrected in place.
    code, out, _ = cli(*shlex.split(undo)[3:], now=EVENING)
    assert code == 0
    (entry,) = _entries(cli)
    assert (entry["dose"], entry["notes"]) == (595.0, "")


def test_dose_of_salt_converts_and_keeps_the_label_words(cli: Any) -> None:
    args = ("regimen", "start", "calcium", "--form", "carbonate", "--dose", "1250", "--unit",
            "mg", "--dose-of", "salt", "--note", "Tums", "--start", "2026-11-01")  # fmt: skip
    code, out, err = cli(*args, now=EVENING)
    assert code == 0 and out.startswith("Started calcium carbonate — 500 mg from 2026-11-01.")
    assert "Read as the label's weight of the salt: 1250 mg calcium carbonate ≈ 500 mg" in err
    (entry,) = _entries(cli)
    assert (entry["dose"], entry["notes"]) == (500.0, "Tums; label: 1250 mg calcium carbonate")


def test_the_name_may_carry_salt_and_dose(cli: Any) -> None:
    code, _, _ = cli("regimen", "start", "potassium gluconate 595 mg", "--times", "bedtime",
                       "--dose-of", "salt", now=EVENING)  # fmt: skip
    assert code == 0
    (entry,) = _entries(cli)
    assert (entry["form"], entry["dose"], entry["times"]) == ("gluconate", 99.4, ["bedtime"])


@pytest.mark.parametrize(
    ("item", "form", "dose"),
    [
        ("magnesium", "glycinate", "200"),  # 200 / 0.141 = 1.4 g of salt
        ("calcium", "citrate", "630"),  # two caplets: 630 / 0.211 = 2.99 g of salt
        ("calcium", "carbonate", "600"),  # 600 / 0.400 = 1.5 g
    ],
)
def test_a_usual_elemental_label_is_not_questioned(
    cli: Any, item: str, form: str, dose: str
) -> None:
    """Labels that give the mineral itself ("calcium 630 mg (as citrate)"): kept as typed,
    nothing asked, nothing said."""
    code, _, err = cli("regimen", "start", item, "--form", form, "--dose", dose,
                       "--unit", "mg", now=EVENING)  # fmt: skip
    assert (code, err) == (0, "")
    assert _entries(cli)[0]["dose"] == float(dose)


def test_dose_of_element_keeps_a_large_dose(cli: Any) -> None:
    code, _, err = cli("regimen", "start", "potassium", "--form", "gluconate", "--dose", "595",
                       "--dose-of", "element", now=EVENING)  # fmt: skip
    assert code == 0 and "salt" not in err
    assert _entries(cli)[0]["dose"] == 595.0


def test_the_json_answer_is_the_stored_entry(cli: Any) -> None:
    code, out, _ = cli("regimen", "start", "magnesium", "--form", "citrate", "--dose", "300",
                       "--dose-of", "salt", "--json", now=EVENING)  # fmt: skip
    assert code == 0
    entry = json.loads(out)  # only the JSON document on stdout
    assert entry["dose"] == pytest.approx(300 * 0.162, abs=0.05)


def test_a_switch_takes_the_label_weight_too(cli: Any) -> None:
    args = ("regimen", "start", "magnesium", "--form", "oxide", "--dose", "250", "--unit", "mg")
    assert cli(*args, "--start", "2026-11-01", now=EVENING)[0] == 0
    code, out, err = cli("regimen", "switch", "magnesium", "--form", "citrate", "--dose", "1000",
                         "--dose-of", "salt", now=EVENING)  # fmt: skip
    assert code == 0 and out.startswith("Switched magnesium on 2026-11-28")
    assert "1000 mg magnesium citrate ≈ 162 mg magnesium" in err
    assert [(e["form"], e["dose"]) for e in _entries(cli)] == [("oxide", 250.0), ("citrate", 162.0)]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "dose"), [("\n", 99.4), ("1\n", 99.4), ("2\n", 595.0)])
def test_at_a_terminal_it_asks(
    cli: Any, monkeypatch: pytest.MonkeyPatch, answer: str, dose: float
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal(answer))
    code, _, err = cli("regimen", "start", "potassium", "--form", "gluconate", "--dose", "595",
                       "--unit", "mg", now=EVENING)  # fmt: skip
    assert code == 0
    asked = "Is 595 mg the weight of the potassium gluconate (595 mg potassium gluconate ≈ 99 mg "
    assert asked in err
    assert "If 595 mg is the potassium itself" not in err  # asked, so nothing was guessed
    assert _entries(cli)[0]["dose"] == dose


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("vitamin-d", "--dose", "1000", "--unit", "IU"), "--dose-of: crampwise knows no salt of "
         "vitamin-d; give the dose of the mineral itself"),
        (("magnesium", "--dose", "100"), "--dose-of: give the form the label names (oxide,"),
        (("magnesium", "--form", "unobtainium", "--dose", "100"),
         "--dose-of: 'unobtainium' is not a form of magnesium crampwise knows; known: oxide"),
        (("potassium", "--form", "citrate", "--dose", "2", "--unit", "tablet"),
         "--dose-of: a dose in tablet counts the mineral itself; a salt's weight is in mg or g"),
        (("stretching", "--kind", "routine", "--dose", "5", "--unit", "min"),
         "--dose-of: only a supplement has a salt; stretching is a routine"),
        (("potassium", "--form", "citrate"), "--dose: is needed with a dose of the salt"),
    ],
)  # fmt: skip
def test_a_salt_dose_that_cannot_be_is_refused_and_nothing_saved(
    cli: Any, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli("regimen", "start", *args, "--dose-of", "salt", now=EVENING)
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and message in err
    assert _entries(cli) == []
