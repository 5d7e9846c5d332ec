"""Issue 11, item 4 (medicines and safety): evidence in words, statistics on request.

The defect: ``med add lisinopril`` showed "evidence grade D", and the statin's "adjusted
sequence ratio 1.16 (95 % CI 1.04–1.29)" - numbers nobody asked for. Now ``med add``,
``drug`` and ``safety`` say who found the link in words ("a large study found a small
link", "only a magazine article lists it"); ``--details`` shows the grade, the ratio
with its range and the sources; ``safety`` begins with a headline.

The words follow the shipped grades and Garrison 2012's ratios (drug_classes.csv): statin
1.16 (1.04-1.29): a small link; loop diuretic 1.20 (1.00-1.44): the range reaches 1, so
at most a weak link; LABA + inhaled corticosteroid 2.55 (2.06-3.12): a clear link.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

#: 22:00 in Berlin on Sat 28 Nov 2026.
EVENING = dt.datetime(2026, 11, 28, 21, 0, tzinfo=dt.UTC)

#: What the plain view must not show.
STATISTICS = ("grade", "ratio", "95%", "CI", "source:")


def _statistics(text: str) -> list[str]:
    return [word for word in STATISTICS if word in text]


def test_med_add_says_the_evidence_in_words(cli: Any) -> None:
    code, out, err = cli("med", "add", "lisinopril", "--start", "2026-11-01", now=EVENING)
    assert code == 0 and out.strip() == "Added lisinopril from 2026-11-01."
    assert (
        "INFO lisinopril may be linked with leg cramps. ACE inhibitor: only a magazine "
        "article lists it; no study has tested it. A link is not proof" in err
    )
    assert _statistics(err) == []
    code, _, err = cli("med", "add", "atorvastatin", "--start", "2026-11-01", now=EVENING)
    assert "atorvastatin is linked with leg cramps. Statin: a large study found a small " in err
    assert "You started it on 2026-11-01, within the past year" in err  # kept in words
    assert _statistics(err) == []


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("atorvastatin", "Statin: a large study found a small link."),
        ("furosemide", "Loop diuretic: a large study found at most a weak link (it may be"),
        ("Advair", "Long-acting beta2-agonist (inhaled): a large study found a clear link."),
        ("raloxifene", "a medical review of trials names it among the medicines most often"),
        ("lisinopril", "ACE inhibitor: only a magazine article lists it; no study has tested"),
    ],
)
def test_drug_says_who_found_the_link(cli: Any, name: str, words: str) -> None:
    code, out, _ = cli("drug", name)
    assert code == 0 and words in out
    assert _statistics(out) == []
    assert out.splitlines()[-1] == "The evidence, its numbers and sources: add --details."


def test_drug_details_show_the_grade_the_ratio_and_the_sources(cli: Any) -> None:
    code, out, _ = cli("drug", "atorvastatin", "--details")
    assert code == 0
    assert "evidence grade A; adjusted sequence ratio 1.16 (95% CI 1.04-1.29)" in out
    assert "source: Garrison SR" in out
    assert json.loads(cli("drug", "atorvastatin", "--json")[1])["drugs"][0]["evidence"]


def test_safety_starts_with_a_headline_and_keeps_numbers_for_details(cli: Any) -> None:
    assert cli("med", "add", "atorvastatin", "--start", "2026-01-01", now=EVENING)[0] == 0
    code, out, _ = cli("safety", now=EVENING)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Nothing urgent and no warnings; some things to know are below."
    assert lines[1].endswith("not answered yet: crampwise red-flags --ask goes through them "
                             "one at a time.")  # fmt: skip
    statin = "  atorvastatin is linked with leg cramps. Statin: a large study found a small "
    assert statin in out
    assert _statistics(out.split("Questions to answer")[0]) == []
    assert "crampwise safety --details" in out
    code, details, _ = cli("safety", "--details", now=EVENING)
    assert code == 0 and details.splitlines()[0] == lines[0]
    assert "evidence grade A; adjusted sequence ratio 1.16 (95% CI 1.04-1.29)" in details
    assert "  source: Garrison SR" in details
    # --json is the safety layer's document, unchanged by the words
    findings = json.loads(cli("safety", "--json", now=EVENING)[1])["findings"]
    assert "evidence grade A" in findings[0]["message"]


@pytest.mark.parametrize(
    ("setup", "first"),
    [
        ((), "Nothing found in what crampwise checks (that does not mean it is all safe)."),
        (
            (("regimen", "start", "magnesium", "--dose", "400", "--unit", "mg"),),
            "1 warning to talk over with your doctor or pharmacist soon (below, most "
            "serious first).",
        ),
    ],
)
def test_the_headline_follows_the_most_serious_finding(
    cli: Any, setup: tuple[tuple[str, ...], ...], first: str
) -> None:
    for command in setup:
        assert cli(*command, now=EVENING)[0] == 0
    code, out, _ = cli("safety", now=EVENING)
    assert code == 0 and out.splitlines()[0] == first


@pytest.mark.parametrize(
    ("doses", "first"),
    [
        ((), "Nothing in your regimen on this day adds these minerals."),
        (("200", "morning"), "Under every upper limit that applies."),
        (
            ("200", "morning,bedtime"),
            "Over the upper limit: magnesium 400 mg from supplements, limit 350 mg. Ask your "
            "doctor or pharmacist before going on this way.",
        ),
    ],
)
def test_nutrition_starts_with_the_upper_limit_in_words(
    cli: Any, doses: tuple[str, ...], first: str
) -> None:
    """Magnesium's upper limit is 350 mg a day from supplements (IOM 1997, the shipped
    nutrient_limits.csv): 200 mg twice is 400 mg, over it; once is under."""
    if doses:
        dose, times = doses
        args = ("regimen", "start", "magnesium", "--dose", dose, "--unit", "mg", "--times", times)
        assert cli(*args, now=EVENING)[0] == 0
    code, out, _ = cli("nutrition", now=EVENING)
    assert code == 0
    assert out.splitlines()[:3] == [first, "", "Daily totals for 2026-11-28 (age unknown, sex "
                                    "unknown)"]  # fmt: skip
    assert "Over the upper limit" not in cli("nutrition", "--json", now=EVENING)[1]


def test_no_sentence_is_said_twice_in_the_safety_report(cli: Any) -> None:
    for name in ("atorvastatin", "hydrochlorothiazide", "lisinopril"):
        assert cli("med", "add", name, "--start", "2026-01-01", now=EVENING)[0] == 0
    code, out, _ = cli("safety", now=EVENING)
    assert code == 0
    assert out.count("is linked with leg cramps") + out.count("may be linked with") == 3
    assert out.count("A link is not proof that it causes your cramps.") == 1
