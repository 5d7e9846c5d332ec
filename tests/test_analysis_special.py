"""The analysis' own special functions against scipy.special (the reference), and the
promise behind them: the analysis never imports scipy at run time."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

from crampwise.analysis import special


def _grid(seed: int, n: int = 400) -> np.random.Generator:
    return np.random.default_rng(seed)


def test_incomplete_gamma_and_inverse_match_scipy() -> None:
    """Reference: scipy.special.gammainc / gammaincc / gammaincinv, shapes 0.05–2000."""
    from scipy import special as ref

    rng = _grid(1)
    for _ in range(400):
        a = float(np.exp(rng.uniform(np.log(0.05), np.log(2000))))
        x = float(np.exp(rng.uniform(-8, 8)))
        p = float(rng.uniform(1e-6, 1 - 1e-6))
        assert special.gammainc(a, x) == pytest.approx(ref.gammainc(a, x), rel=1e-9, abs=1e-300)
        assert special.gammaincc(a, x) == pytest.approx(ref.gammaincc(a, x), rel=1e-9, abs=1e-300)
        assert special.gammaincinv(a, p) == pytest.approx(ref.gammaincinv(a, p), rel=1e-9)
    assert special.chi2_sf(3.84, 1) == pytest.approx(0.05, abs=1e-3)


def test_incomplete_beta_and_inverse_match_scipy() -> None:
    """Reference: scipy.special.betainc / betaincinv, parameters 0.05–2000."""
    from scipy import special as ref

    rng = _grid(2)
    for _ in range(400):
        a = float(np.exp(rng.uniform(np.log(0.05), np.log(2000))))
        b = float(np.exp(rng.uniform(np.log(0.05), np.log(2000))))
        x = float(rng.uniform(0, 1))
        p = float(rng.uniform(1e-6, 1 - 1e-6))
        want = float(ref.betainc(a, b, x))
        if want > 1e-250:  # below that scipy itself underflows
            assert special.betainc(a, b, x) == pytest.approx(want, rel=1e-9)
        assert special.betaincinv(a, b, p) == pytest.approx(ref.betaincinv(a, b, p), rel=1e-8)


def test_normal_and_student_t_match_scipy() -> None:
    """Reference: scipy.special.ndtr / ndtri / stdtr / stdtrit."""
    from scipy import special as ref

    rng = _grid(3)
    for _ in range(400):
        z = float(rng.normal() * 5)
        p = float(rng.uniform(1e-9, 1 - 1e-9))
        df = float(np.exp(rng.uniform(0, 6)))
        t = float(rng.normal() * 4)
        assert special.ndtr(z) == pytest.approx(ref.ndtr(z), rel=1e-12, abs=1e-300)
        assert special.ndtri(p) == pytest.approx(ref.ndtri(p), rel=1e-10, abs=1e-12)
        assert special.stdtr(df, t) == pytest.approx(ref.stdtr(df, t), rel=1e-9)
        assert special.stdtrit(df, p) == pytest.approx(ref.stdtrit(df, p), rel=1e-8, abs=1e-9)
    assert special.ndtri(0.0) == -math.inf
    assert special.stdtrit(5.0, 1.0) == math.inf


def test_analysis_runs_without_scipy_or_the_outer_layers() -> None:
    """``crampwise analyze`` must start fast: analysing a diary imports neither scipy
    (≈0.2 s) nor the diary format, storage or tracker (issue 7: no import circle)."""
    code = (
        "import sys, numpy as np\n"
        "from crampwise.analysis import analyze_series, make_series\n"
        "from datetime import date\n"
        "n = 200\n"
        "on = np.arange(n) >= 100\n"
        "counts = np.random.default_rng(0).poisson(0.3, n).astype(float)\n"
        "s = make_series(date(2025, 1, 1), np.ones(n, bool), counts, {'magnesium': on})\n"
        "analyze_series(s).to_text()\n"
        "outer = ('crampwise.formats', 'crampwise.storage', 'crampwise.tracker',"
        " 'crampwise.diaryseries')\n"
        "bad = [m for m in sys.modules if m == 'scipy' or m.startswith(outer)]\n"
        "print(bad)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
