"""What the web app reuses between requests: the last analysis, while the diary is unchanged.

The analysis (``Tracker.analyze``) is a pure function of the diary snapshot it is given,
and costs more than anything else on the dashboard; pages are opened far more often than
the diary changes. So the last snapshot and its result are kept (one entry, per process)
and reused when the next snapshot is equal to it - record by record, so any change to
the diary, however small, is analysed afresh.
"""

from __future__ import annotations

TYPE_CHECKING = False  # the project's one convention (see tests/test_conventions.py)
if TYPE_CHECKING:
    from crampwise.analysis.result import AnalysisResult
    from crampwise.records import DiaryData
    from crampwise.tracker import Tracker

__all__ = ["analysis_of"]

#: "analysis" -> (snapshot, its analysis): replaced as one tuple, so threads never see
#: half of one.
_MEMO: dict[str, tuple[DiaryData, AnalysisResult]] = {}


def analysis_of(t: Tracker, snapshot: DiaryData | None = None) -> AnalysisResult:
    """``t.analyze(snapshot)`` (of a fresh whole-diary snapshot when none is given),
    reused while the snapshot is unchanged."""
    data = snapshot if snapshot is not None else t.snapshot()
    last = _MEMO.get("analysis")
    if last is not None and last[0] == data:
        return last[1]
    result = t.analyze(data)
    _MEMO["analysis"] = (data, result)
    return result
