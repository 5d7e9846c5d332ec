"""The readable analysis report (what ``crampwise analyze`` prints).

Fits an 80-column terminal. Each thing is said once: a warning's ``shared`` sentences (the
placebo fact, the N-of-1 advice, a shift already named in an item's line) are printed only
the first time, or left to the section that says them ("How to find out"); a bullet that
repeats an earlier one is dropped. The JSON keeps every message whole.
"""

from __future__ import annotations

import textwrap
from datetime import date

from crampwise.analysis.result import AnalysisResult, Caveat, ChangepointResult
from crampwise.analysis.series import fmt_date, fmt_rate

__all__ = ["WIDTH", "render_text"]

WIDTH = 79


def _bullets(lines: tuple[str, ...] | list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, WIDTH, initial_indent="  - ", subsequent_indent="    ")
    return out


class _Said:
    """What the report has said (or will say) already, to say each thing once."""

    def __init__(self, later: tuple[str, ...]) -> None:
        self.text = " ".join(later)
        self.bullets: set[str] = set()

    def add(self, lines: tuple[str, ...] | list[str]) -> list[str]:
        fresh = [line for line in lines if line and line not in self.bullets]
        self.bullets.update(fresh)
        self.text += " " + " ".join(fresh)
        return fresh

    def trim(self, w: Caveat) -> str:
        """The warning's message without the shared sentences said elsewhere already."""
        msg = w.message
        for sentence in w.shared:
            if sentence in self.text:
                msg = msg.replace(sentence, "")
        return " ".join(msg.split())


def _shift_line(c: ChangepointResult) -> str:
    return (
        f"Around {fmt_date(date.fromisoformat(c.night))}: from about "
        f"{fmt_rate(c.rate_before or 0.0)} to {fmt_rate(c.rate_after or 0.0)} cramps a week"
        + (
            f" (near a change of {', '.join(c.changes_nearby)})."
            if c.near_change
            else " (nothing in your regimen changed then)."
        )
    )


def render_text(result: AnalysisResult) -> str:
    """Plain-text report: what we can say, what we cannot, why, and how to find out."""
    said = _Said(result.how_to_find_out)
    lines = ["Cramp diary analysis", "=" * 20, ""]
    lines += ["What we can say:", *_bullets(said.add(list(result.can_say) or ["Nothing yet."]))]
    lines.append("")
    cannot = said.add(list(result.cannot_say))
    if cannot:
        lines += ["What we cannot say:", *_bullets(cannot), ""]
    # Shifts without a regimen change are explained where the shifts are listed.
    shift_notes = {
        w.dates[0]: w for w in result.warnings if w.code == "changepoint-without-change" and w.dates
    }
    careful: list[str] = []
    for w in result.warnings:
        if w.code != "changepoint-without-change":
            careful += said.add([said.trim(w)])
    if careful:
        lines += ["Why we are careful:", *_bullets(careful), ""]
    if result.changepoints:
        shifts: list[str] = []
        for c in result.changepoints:
            note = shift_notes.get(c.night)
            shifts += said.add([_shift_line(c) if note is None else said.trim(note)])
        lines += ["Where your cramp rate shifted:", *_bullets(shifts), ""]
    lines += ["How to find out:", *_bullets(list(result.how_to_find_out)), ""]
    lines += textwrap.wrap(result.disclaimer, WIDTH)
    return "\n".join(lines) + "\n"
