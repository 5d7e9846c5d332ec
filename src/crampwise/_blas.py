"""One BLAS thread for the analysis, set before numpy loads.

The analysis' matrices are small (tens of columns), so BLAS threads only add start-up and
contention: under load, competing OpenBLAS threads turned a 35 ms analysis into 3 s. The
CLI commands that analyse and the web app (whose requests already run in threads of their
own) call :func:`single_thread_blas` before anything imports numpy; OpenBLAS reads the
variables once, when numpy loads it, so a later call changes nothing.
"""

from __future__ import annotations

import os

__all__ = ["BLAS_THREAD_VARIABLES", "single_thread_blas"]

#: The thread-count variables of OpenBLAS (numpy's wheels), OpenMP builds and MKL.
BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def single_thread_blas() -> None:
    """One BLAS thread, unless the person set a count themselves."""
    for name in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(name, "1")
