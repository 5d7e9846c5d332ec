"""The honest analysis engine: rates, effects, warnings, changepoints, trends, streaks.

Pure functions over a ``crampwise-diary`` v1 dict; see ``docs/analysis.md`` for the methods
and ``reference/stats-methods.md`` for the formulas and reference numbers.

>>> from crampwise.analysis import analyze
>>> result = analyze("diary.json")          # or a dict, or a tracker  # doctest: +SKIP
>>> print(result.to_text())                                            # doctest: +SKIP
"""

from __future__ import annotations

from crampwise.analysis.engine import analyze, analyze_series, load_diary
from crampwise.analysis.report import render_text
from crampwise.analysis.result import (
    AnalysisResult,
    Caveat,
    ChangepointResult,
    EffectResult,
    Interval,
    JointEffect,
    NightsSummary,
    PeriodResult,
    Streaks,
    TrendResult,
)
from crampwise.analysis.series import DiarySeries, build_series

__all__ = [
    "AnalysisResult",
    "Caveat",
    "ChangepointResult",
    "DiarySeries",
    "EffectResult",
    "Interval",
    "JointEffect",
    "NightsSummary",
    "PeriodResult",
    "Streaks",
    "TrendResult",
    "analyze",
    "analyze_series",
    "build_series",
    "load_diary",
    "render_text",
]
