"""The garbage collector is paused only inside validation and the analysis: it runs
again afterwards, after an error too, and stays off for a caller who turned it off."""

from __future__ import annotations

import datetime as dt
import gc

import pytest

import crampwise
from crampwise.analysis.simulate import simulate_diary
from crampwise.errors import InputError


def test_the_collector_runs_again_after_an_analysis_and_after_a_bad_document() -> None:
    doc = simulate_diary(120, 1.0, [("magnesium", 60, None)], seed=3)
    assert gc.isenabled()
    result = crampwise.analyze(doc, today=dt.date(2030, 1, 1))
    assert result.nights.observed > 0 and gc.isenabled()
    bad = {**doc, "episodes": [{"night": "2025-01-01", "severity": 11}]}
    with pytest.raises(InputError):
        crampwise.analyze(bad, today=dt.date(2030, 1, 1))
    assert gc.isenabled()
    gc.disable()
    try:
        crampwise.analyze(doc, today=dt.date(2030, 1, 1))
        assert not gc.isenabled()  # the caller's choice is kept
    finally:
        gc.enable()
