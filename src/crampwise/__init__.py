"""crampwise: find out, safely and with honest numbers, what stops your night-time leg cramps.

The public API is re-exported here and loaded lazily, so importing ``crampwise`` (as the
CLI does on every call) costs almost nothing::

    import crampwise
    with crampwise.Tracker("my-diary.sqlite") as tracker:
        tracker.diary.log_episode(at="around 3am", muscles=["calf"], severity=7)
        print(tracker.summary())

crampwise is not medical advice.
"""

from __future__ import annotations

import sys

# Neither importlib nor typing (together ~15 ms) is imported here: every CLI call pays for
# this module. mypy treats any name TYPE_CHECKING as true.
TYPE_CHECKING = False

__version__ = "0.1.0"

__all__ = [
    "AnalysisError",
    "ConfirmationRequired",
    "ConflictError",
    "CrampwiseError",
    "ImportFormatError",
    "InputError",
    "MigrationError",
    "NotFoundError",
    "StorageError",
    "Tracker",
    "UnknownNameError",
    "__version__",
    "analyze",
    "load_demo",
]

_LAZY = {
    "Tracker": "crampwise.tracker",
    "analyze": "crampwise.diaryseries",
    "load_demo": "crampwise.demo",
    **dict.fromkeys(
        (
            "AnalysisError",
            "ConfirmationRequired",
            "ConflictError",
            "CrampwiseError",
            "ImportFormatError",
            "InputError",
            "MigrationError",
            "NotFoundError",
            "StorageError",
            "UnknownNameError",
        ),
        "crampwise.errors",
    ),
}

if TYPE_CHECKING:
    from crampwise.demo import load_demo
    from crampwise.diaryseries import analyze
    from crampwise.errors import (
        AnalysisError,
        ConfirmationRequired,
        ConflictError,
        CrampwiseError,
        ImportFormatError,
        InputError,
        MigrationError,
        NotFoundError,
        StorageError,
        UnknownNameError,
    )
    from crampwise.tracker import Tracker


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crampwise' has no attribute {name!r}")
    __import__(module)
    value = getattr(sys.modules[module], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
