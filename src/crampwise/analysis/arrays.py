"""numpy's ``unique`` and ``quantile`` as the analysis uses them, without ``numpy.ma``.

``np.unique`` of a plain 1-d array (and ``np.quantile``, which calls it) imports
``numpy.ma`` to ask whether the array is masked: ~10-20 ms on a cold ``crampwise analyze``
for nothing. These give the same values, bit for bit (``tests/test_analysis_arrays.py``
checks them against numpy).
"""

from __future__ import annotations

import numpy as np

from crampwise.analysis.series import FloatArray

__all__ = ["distinct", "quantiles"]


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values of a 1-d array without NaNs (``np.unique(values)``)."""
    ordered = np.sort(values, kind="stable")
    if ordered.shape[0] == 0:
        return ordered
    first = np.empty(ordered.shape[0], dtype=np.bool_)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


def quantiles(values: FloatArray, q: FloatArray) -> FloatArray:
    """``np.quantile(values, q)`` with numpy's default method (``linear``, Hyndman & Fan
    type 7), computed as numpy does: the same indices and the same interpolation, so the
    same floating-point result. ``values``: 1-d, finite, at least one."""
    ordered = np.sort(values)
    n = ordered.shape[0]
    virtual = (n - 1) * np.asarray(q, dtype=np.float64)
    below = np.floor(virtual)
    above = below + 1
    at_end = virtual >= n - 1
    below[at_end] = -1
    above[at_end] = -1
    at_start = virtual < 0
    below[at_start] = 0
    above[at_start] = 0
    lo_i, hi_i = below.astype(np.intp), above.astype(np.intp)
    gamma = np.asarray(virtual - lo_i, dtype=np.float64)
    lo, hi = ordered[lo_i], ordered[hi_i]
    diff = hi - lo
    out = np.add(lo, diff * gamma)
    np.subtract(hi, diff * (1 - gamma), out=out, where=gamma >= 0.5)
    return np.asarray(out, dtype=np.float64)
