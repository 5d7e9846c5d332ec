"""Issue 11, items 1 and 2: ``log`` never loses the cramp; duplicates and the latest cramp.

Everything here goes through the CLI as a person types it at 3 a.m. (clock pinned to
03:30 in Berlin, night of Wed 4 March 2026). The rule under test: the cramp is saved
first, in its own committed write, whatever else is typed; what could not be read is
said afterwards, with the command that fixes it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shlex
from typing import Any

import pytest

from crampwise.tracker import Tracker

#: What a half-asleep person types after ``crampwise log`` (typos, plurals, wrong order,
#: extra words, options mistyped), what must be saved, and what must be said (each
#: fragment must appear in a line "I did not understand …" followed by "to fix: …").
HALF_ASLEEP: list[tuple[list[str], dict[str, Any], list[str]]] = [
    (["calf"], {"muscles": ["calf"]}, []),
    (["calves"], {"muscles": ["calf"]}, []),
    (["--muscle", "calves"], {"muscles": ["calf"]}, []),
    (
        ["--muscle", "thigh"],
        {"muscles": []},
        ["'thigh': could be inner-thigh, hamstring, quadriceps or outer-thigh"],
    ),
    (["--side", "lef"], {"side": "left"}, []),
    (["--severity", "8/10"], {"severity": 8}, []),
    (
        ["calf", "left", "8", "3min"],
        {"muscles": ["calf"], "side": "left", "severity": 8, "duration_min": 3},
        [],
    ),
    (["8", "calf", "left"], {"muscles": ["calf"], "side": "left", "severity": 8}, []),
    (["left", "calf", "3", "min", "8/10"], {"duration_min": 3, "severity": 8}, []),
    (["calff"], {"muscles": []}, ["'calff': not a muscle I know; did you mean calf?"]),
    (["lfet", "calf"], {"side": None}, ["'lfet': not a side I know; did you mean left?"]),
    (["hamstrings", "rite"], {"muscles": ["hamstring"], "side": "right"}, []),
    (["inner", "thigh"], {"muscles": ["inner-thigh"]}, []),
    (["quads", "both", "legs"], {"muscles": ["quadriceps"], "side": "both"}, []),
    (
        ["my", "left", "calf", "woke", "me", "up"],
        {"side": "left", "muscles": ["calf"], "woke": True},
        [],
    ),
    (["around", "3am", "calf"], {"time": "03:00", "approximate": True}, []),
    (["30", "min", "ago", "foot"], {"time": "03:00", "muscles": ["foot"]}, []),
    (["--sevrity", "8"], {"severity": 8}, []),
    (["--musle", "calf", "--side", "r"], {"muscles": ["calf"], "side": "right"}, []),
    (["--at"], {"time": None, "night": "2026-03-04"}, ["--at: no value was given"]),
    (["--severity", "eleven"], {"severity": None}, ["--severity 'eleven': not a severity"]),
    (["--severity", "11"], {"severity": None}, ["--severity '11': not a severity"]),
    (["15"], {"severity": None}, ["'15': not a severity (0-10); for a duration write"]),
    (["8", "3"], {"severity": 8}, ["'3': a second number after the severity 8"]),
    (["stretched", "a", "lot"], {"reliefs": [{"method": "stretch", "helped": "a-lot"}]}, []),
    (["--relief", "stretched:alot"], {"reliefs": [{"method": "stretch", "helped": "a-lot"}]}, []),
    (["xyzzy", "calf"], {"muscles": ["calf"]}, ["'xyzzy': not a detail I know"]),
    (["--side", "up"], {"side": None}, ["--side 'up': not a side I know; allowed: left"]),
    (["--woke=yes", "calf"], {"woke": True, "muscles": ["calf"]}, []),
    (["--at", "3;10"], {"time": None}, ["--at: '3;10' is not a time I understand"]),
    (["--duration", "3 minutes"], {"duration_min": 3}, []),
    (["8", "out", "of", "10", "shin"], {"severity": 8, "muscles": ["shin"]}, []),
    (["st"], {"reliefs": []}, ["'st': could be abdomen, stretch or stand"]),  # stomach
    (["--at", "5am"], {"time": None}, ["--at: '5am' is 1.5 h in the future (it is 03:30 now)"]),
    (["left", "right", "calf"], {"side": "both"}, []),
    (["Calf,", "LEFT."], {"muscles": ["calf"], "side": "left"}, []),
    (["--muscle", "calf", "--muscle", "foot,toe"], {"muscles": ["calf", "foot", "toes"]}, []),
    (["3am", "--at", "2am"], {"time": "02:00"}, ["'3am': a second time after 2am; kept 2am"]),
    (
        ["--night", "2026-02-30", "calf"],
        {"night": "2026-03-04", "time": None, "muscles": ["calf"]},
        ["--night: '2026-02-30' is not a date"],
    ),
    (["--woke", "--no-woke"], {"woke": None}, ["both 'woke' and 'did not wake' were given"]),
    (["--", "--at", "calf"], {"muscles": [], "time": None}, ["--at: 'calf' is not a time"]),
    # an option typed twice: the first counts, the second is said (not silently dropped)
    (["--severity", "8", "--severity", "9"], {"severity": 8}, ["a second severity after 8"]),
    (["--at", "2am", "--at", "3am"], {"time": "02:00"}, ["a second time after 2am; kept 2am"]),
    (["--waves", "2", "--waves", "3"], {"waves": 2}, ["a second number of waves after 2"]),
    (["--side", "left", "--side", "right"], {"side": "both"}, []),
    (["--note", "cold", "--note", "feet"], {"notes": "cold feet"}, []),
]


def test_at_least_thirty_half_asleep_inputs() -> None:
    assert len(HALF_ASLEEP) >= 30


@pytest.mark.parametrize(
    ("words", "saved", "said"), HALF_ASLEEP, ids=[" ".join(w) for w, _, _ in HALF_ASLEEP]
)
def test_the_cramp_is_saved_whatever_is_typed(
    cli: Any, words: list[str], saved: dict[str, Any], said: list[str]
) -> None:
    code, out, err = cli("log", *words)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("Logged cramp #1")
    episodes = json.loads(cli("episodes", "--json")[1])
    assert len(episodes) == 1
    assert {key: episodes[0][key] for key in saved} == saved
    problems = [line for line in lines if line.startswith("I did not understand")]
    assert len(problems) == len(said), out
    for fragment in said:
        at = next(i for i, line in enumerate(lines) if fragment in line)
        assert lines[at + 1].startswith("  to fix: crampwise --db ")
        assert " edit 1 --" in lines[at + 1]


def test_the_fix_command_works_as_printed(cli: Any, db_url: str) -> None:
    code, out, _ = cli("log", "calff", "left", "--muscle", "thigh")
    fixes = [line.split("to fix: ", 1)[1] for line in out.splitlines() if "to fix:" in line]
    assert fixes == [  # the option's value first (options outrank words), then the words
        f"crampwise --db {shlex.quote(db_url)} edit 1 --muscle inner-thigh "
        "(or hamstring, quadriceps, outer-thigh)",
        f"crampwise --db {shlex.quote(db_url)} edit 1 --muscle calf",
    ]
    assert cli("edit", "1", "--muscle", "calf")[0] == 0
    code, out, _ = cli("log", "--muscle", "foot", "thigh")  # keeps what was saved
    fix = next(line for line in out.splitlines() if "to fix:" in line)
    assert fix.endswith("edit 2 --muscle foot,inner-thigh (or hamstring, quadriceps, outer-thigh)")
    code, out, _ = cli("edit", "2", "--muscle", "foot,inner-thigh")
    assert code == 0 and "foot/inner-thigh" in out


def test_the_json_answer_lists_what_was_not_read(cli: Any, db_url: str) -> None:
    code, out, err = cli("log", "calf", "--severity", "8/10", "thigh", "--json")
    assert (code, err) == (0, "")
    logged = json.loads(out)
    assert (logged["id"], logged["muscles"], logged["severity"]) == (1, ["calf"], 8)
    assert logged["unread"] == [
        {
            "field": "muscles",
            "value": "thigh",
            "message": "'thigh': could be inner-thigh, hamstring, quadriceps or outer-thigh",
            "choices": ["inner-thigh", "hamstring", "quadriceps", "outer-thigh"],
            "code": "not-allowed",
            "fix": f"crampwise --db {shlex.quote(db_url)} edit 1 --muscle calf,inner-thigh "
            "(or hamstring, quadriceps, outer-thigh)",
        }
    ]
    assert logged["near"] == []


def test_a_bad_client_id_is_still_refused(cli: Any) -> None:
    """Only a program's mistake is refused: a person never types a client id."""
    code, out, err = cli("log", "calf", "--client-id", "")
    assert (code, out) == (1, "") and "--client-id: is empty" in err
    assert json.loads(cli("episodes", "--json")[1]) == []


def test_what_was_saved_is_shown_to_check_at_a_glance(cli: Any) -> None:
    code, out, _ = cli("log", "left", "calf", "8", "3min", "2", "waves", "woke", "stretched")
    assert code == 0
    assert out.splitlines()[0] == (
        "Logged cramp #1 at 03:30, night of Wed 4 Mar 2026 (1 this night): left calf, "
        "severity 8, 3 min, 2 waves, woke you, stretch."
    )


class _Terminal(io.StringIO):
    """What a person types at a terminal (stdin that says it is one)."""

    def isatty(self) -> bool:
        return True


def test_an_ambiguous_word_is_asked_about_after_saving(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal("2\n"))
    code, out, err = cli("log", "calf", "thigh")
    assert code == 0
    assert "Cramp #1 is saved. 'thigh': could be inner-thigh, hamstring" in err
    assert "1 inner-thigh  2 hamstring  3 quadriceps  4 outer-thigh" in err
    assert "Cramp #1: added hamstring." in out
    assert json.loads(cli("episodes", "--json")[1])[0]["muscles"] == ["calf", "hamstring"]


def test_enter_leaves_the_word_out_and_says_how_to_add_it(
    cli: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal("\n"))
    code, out, _ = cli("log", "--side", "lfet")
    assert code == 0
    assert "Left out 'lfet'; to add it later: crampwise --db" in out and "--side left" in out
    assert json.loads(cli("episodes", "--json")[1])[0]["side"] is None


def test_ctrl_c_at_the_question_keeps_the_cramp(cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    class Interrupted(_Terminal):
        def readline(self, size: int | None = -1) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr("sys.stdin", Interrupted())
    code, _, err = cli("log", "thigh")
    assert code == 130 and "interrupted; cramp #1 WAS saved" in err
    assert len(json.loads(cli("episodes", "--json")[1])) == 1


def test_the_cramp_is_committed_before_anything_is_reported(
    cli: Any, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While ``log`` asks its question, another connection already sees the cramp."""
    seen: list[int] = []

    class Peek(_Terminal):
        def readline(self, size: int | None = -1) -> str:
            with Tracker(db_url) as other:
                seen.append(len(other.diary.episodes()))
            return "\n"

    monkeypatch.setattr("sys.stdin", Peek())
    assert cli("log", "thigh")[0] == 0
    assert seen == [1]


# -- item 2: duplicates and the latest cramp -------------------------------------------------
MINUTE_LATER = dt.datetime(2026, 3, 5, 2, 31, tzinfo=dt.UTC)
MORNING = dt.datetime(2026, 3, 5, 7, 0, tzinfo=dt.UTC)


def test_log_pressed_twice_a_minute_apart_warns(cli: Any, db_url: str) -> None:
    assert cli("log")[0] == 0
    code, out, _ = cli("log", now=MINUTE_LATER)
    assert code == 0
    assert out.splitlines()[1] == (
        "A second cramp, 1 min from #1? If it was the same one: "
        f"crampwise --db {shlex.quote(db_url)} delete episode 2"
    )
    code, out, _ = cli("delete", "episode", "2", "--yes")
    assert code == 0 and out.strip() == "Deleted episode 2."
    assert [e["id"] for e in json.loads(cli("episodes", "--json")[1])] == [1]


def test_a_morning_backfill_matching_a_logged_cramp_warns(cli: Any) -> None:
    assert cli("log", "--at", "03:05")[0] == 0
    code, out, _ = cli("log", "--at", "3am", "calf", now=MORNING)
    assert "A second cramp, 5 min from #1? If it was the same one:" in out
    code, out, _ = cli("log", "--at", "around 2:40", now=MORNING)  # approximate: 30 min
    assert "A second cramp, 20 min from #2?" in out
    code, out, _ = cli("log", "--at", "01:00", now=MORNING)
    assert "A second cramp" not in out
    code, out, _ = cli("log", "--night", "2026-03-04", now=MORNING)  # no time: the night
    assert code == 0
    assert "The night of 2026-03-04 already had 4 cramps (#1 … #4); if this was one of them" in (
        out
    )


def test_log_json_lists_the_near_cramps(cli: Any) -> None:
    assert cli("log")[0] == 0
    code, out, _ = cli("log", "--json", now=MINUTE_LATER)
    assert code == 0 and json.loads(out)["near"] == [1]


def test_edit_last_and_edit_without_an_id_edit_the_latest_cramp(cli: Any) -> None:
    code, _, err = cli("edit", "--severity", "3")
    assert code == 1 and "there is no cramp in the diary yet" in err
    assert cli("log", "--at", "02:00")[0] == 0
    assert cli("log", "--night", "2026-03-01")[0] == 0  # logged last, on an earlier night
    code, out, err = cli("edit", "--severity", "6")
    assert code == 0 and err.startswith("before: #2  2026-03-01")
    assert out.strip() == "after:  #2  2026-03-01  time ?  severity 6"
    code, out, _ = cli("edit", "last", "--muscle", "calves")
    assert code == 1  # edit is strict: 'calves' is not a muscle id
    code, out, _ = cli("edit", "last", "--muscle", "calf")
    assert code == 0 and "calf" in out
    code, out, _ = cli("after-effect", "last", "knot", "4")
    assert code == 0 and out.strip() == "Rated knot 4/10 after cramp #2."
    code, out, _ = cli("delete", "episode", "last", "--yes", "--then", "missing")
    assert code == 0 and out.strip() == "Deleted episode 2."


def test_episodes_shows_reliefs_woke_waves_and_notes(cli: Any) -> None:
    args = ("--relief", "stretch:a-lot", "--relief", "walk:not", "--waves", "3", "--woke")
    assert cli("log", "calf", *args, "--note", "after a long drive")[0] == 0
    assert cli("log", "--night", "2026-03-02", "--no-woke", "--relief", "heat")[0] == 0
    code, out, _ = cli("episodes")
    assert code == 0
    assert out.splitlines() == [
        "#2  2026-03-02  time ?  did not wake  tried heat",
        "#1  2026-03-04  03:30  calf  3 waves  woke  tried stretch (helped a lot), "
        "walk (did not help)  “after a long drive”",
    ]


# -- plain words on the nights the clocks change (Berlin) -------------------------------------
AUTUMN_SECOND_PASS = dt.datetime(2026, 10, 25, 1, 10, tzinfo=dt.UTC)  # 02:10 CET, 2nd pass
SPRING_AFTER = dt.datetime(2026, 3, 29, 1, 20, tzinfo=dt.UTC)  # 03:20 CEST, just after


def test_30_min_ago_in_words_on_the_night_the_clocks_go_back(cli: Any) -> None:
    """01:10 UTC is 02:10 CET; 30 minutes earlier, 00:40 UTC, was 02:40 CEST (the first
    02:40 of that night), not 01:40."""
    code, out, _ = cli("log", "30", "min", "ago", "calf", now=AUTUMN_SECOND_PASS)
    assert code == 0
    assert out.startswith("Logged cramp #1 at 02:40 CEST (the first 02:40 that night")
    (episode,) = json.loads(cli("episodes", "--json", now=AUTUMN_SECOND_PASS)[1])
    assert (episode["night"], episode["time"], episode["muscles"]) == (
        "2026-10-24",
        "02:40",
        ["calf"],
    )


def test_a_skipped_time_in_words_keeps_the_cramp_without_it(cli: Any) -> None:
    """02:30 did not happen in Berlin on 29 March 2026 (02:00 CET became 03:00 CEST)."""
    code, out, _ = cli("log", "2:30am", "foot", now=SPRING_AFTER)
    assert code == 0
    assert out.startswith("Logged cramp #1 (time not known), night of Sat 28 Mar 2026")
    assert "the clocks went forward" in out
    (episode,) = json.loads(cli("episodes", "--json", now=SPRING_AFTER)[1])
    assert (episode["time"], episode["muscles"]) == (None, ["foot"])
    code, out, _ = cli("log", "20", "minutes", "ago", now=SPRING_AFTER)  # 03:00 CEST
    assert code == 0 and "at 03:00" in out


# -- typo suggestions compare only names of a near length ----------------------------------
def test_typo_suggestions_skip_only_names_too_long_or_short_to_be_near() -> None:
    """``closest`` and the reader's typo search skip names whose length alone puts them
    more slips away than allowed; on 300 typed variants of the names (letters added, cut
    or changed; seeded) they find exactly what comparing every name finds."""
    import random

    from crampwise.plainwords import _FIELDS, _distance, _match, closest

    names = sorted({name for _, table in _FIELDS for name in table})

    def brute_closest(word: str) -> list[str]:
        starts = [c for c in names if c.startswith(word)]
        allowed = 1 if len(word) <= 5 else 2
        return starts or [
            c for d, c in sorted((_distance(word, c), c) for c in names) if d <= allowed
        ]

    def brute_typos(word: str) -> list[tuple[str, tuple[str, ...]]]:
        allowed = 1 if len(word) <= 5 else 2
        found = []
        for field, table in _FIELDS:
            values = tuple(
                dict.fromkeys(
                    v for k, vs in table.items() if _distance(word, k) <= allowed for v in vs
                )
            )
            if values:
                found.append((field, values))
        return found

    rnd = random.Random(7)
    letters = "abcdefghiklmnorstuvw-"
    checked = 0
    for _ in range(300):
        chars = list(rnd.choice(names))
        for _ in range(rnd.randint(1, 3)):
            at = rnd.randrange(len(chars) + 1)
            kind = rnd.randrange(3)
            if kind == 0:
                chars.insert(at, rnd.choice(letters))
            elif kind == 1 and len(chars) > 1:
                del chars[min(at, len(chars) - 1)]
            else:
                chars[min(at, len(chars) - 1)] = rnd.choice(letters)
        word = "".join(chars)
        assert closest(word, names) == brute_closest(word), word
        typos = [(m.field, m.values) for m in _match(word) if m.how == "typo"]
        if typos or not _match(word):
            assert typos == (brute_typos(word) if len(word) >= 3 else []), word
        checked += 1
    assert checked == 300
