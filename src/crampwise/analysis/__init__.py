"""The honest analysis engine: rates, effects, warnings, changepoints, trends, streaks.

Pure statistics: validated nightly arrays (:class:`DiarySeries`) in, result dataclasses
out. It never reads documents, databases or the tracker: ``crampwise.analyze(path_or_dict)``
and ``Tracker.analyze()`` build the series (``crampwise.diaryseries``) and call
:func:`analyze_series`. See ``docs/analysis.md`` for the methods and
``reference/stats-methods.md`` for the formulas and reference numbers.

>>> import crampwise
>>> result = crampwise.analyze("diary.json")                        # doctest: +SKIP
>>> print(result.to_text())                                         # doctest: +SKIP
"""

from __future__ import annotations

from crampwise.analysis.engine import analyze_series
from crampwise.analysis.report import render_text
from crampwise.analysis.result import (
    AnalysisResult,
    Caveat,
    ChangepointResult,
    EffectResult,
    Interval,
    JointEffect,
    MedicationEffect,
    NightsSummary,
    PeriodResult,
    Sensitivity,
    Streaks,
    TrendResult,
)
from crampwise.analysis.series import DiarySeries, make_series

__all__ = [
    "AnalysisResult",
    "Caveat",
    "ChangepointResult",
    "DiarySeries",
    "EffectResult",
    "Interval",
    "JointEffect",
    "MedicationEffect",
    "NightsSummary",
    "PeriodResult",
    "Sensitivity",
    "Streaks",
    "TrendResult",
    "analyze_series",
    "make_series",
    "render_text",
]
