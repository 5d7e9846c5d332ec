"""The readable analysis report (what ``crampwise analyze`` prints)."""

from __future__ import annotations

import textwrap
from datetime import date

from crampwise.analysis.result import AnalysisResult
from crampwise.analysis.series import fmt_date, fmt_rate

__all__ = ["render_text"]

WIDTH = 88


def _bullets(lines: tuple[str, ...] | list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += textwrap.wrap(line, WIDTH, initial_indent="  - ", subsequent_indent="    ")
    return out


def render_text(result: AnalysisResult) -> str:
    """Plain-text report: what we can say, what we cannot, why, and how to find out."""
    lines = ["Cramp diary analysis", "=" * 20, ""]
    lines += ["What we can say:", *_bullets(result.can_say or ["Nothing yet."]), ""]
    cannot = list(result.cannot_say)
    if cannot:
        lines += ["What we cannot say:", *_bullets(cannot), ""]
    if result.warnings:
        lines += ["Why we are careful:", *_bullets([w.message for w in result.warnings]), ""]
    if result.changepoints:
        cps = [
            f"Around {fmt_date(date.fromisoformat(c.night))}: from about "
            f"{fmt_rate(c.rate_before or 0.0)} to {fmt_rate(c.rate_after or 0.0)} cramps a week"
            + (
                f" (near a change of {', '.join(c.changes_nearby)})."
                if c.near_change
                else " (nothing in your regimen changed then)."
            )
            for c in result.changepoints
        ]
        lines += ["Where your cramp rate shifted:", *_bullets(cps), ""]
    lines += ["How to find out:", *_bullets(result.how_to_find_out), ""]
    lines += textwrap.wrap(result.disclaimer, WIDTH)
    return "\n".join(lines) + "\n"
