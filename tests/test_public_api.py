"""The curated public surface: an explicit, sorted, importable ``__all__``."""

from __future__ import annotations

import crampwise
from crampwise import errors


def test_all_is_explicit_and_sorted() -> None:
    assert crampwise.__all__ == sorted(crampwise.__all__)
    assert set(crampwise.__all__) == {
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
    }


def test_every_public_name_resolves() -> None:
    for name in crampwise.__all__:
        assert getattr(crampwise, name) is not None


def test_one_exception_tree() -> None:
    classes = [
        getattr(errors, name) for name in errors.__all__ if name not in ("HINT_CODES", "ACTIONS")
    ]
    for cls in classes:
        assert issubclass(cls, errors.CrampwiseError)
    assert len(classes) == 10
    assert issubclass(errors.ImportFormatError, errors.InputError)
    assert issubclass(errors.MigrationError, errors.StorageError)


def test_records_lists_every_feature_record_it_loads_lazily() -> None:
    """``crampwise.records`` names the feature records without importing them (so ``log``
    stays light); that list must be exactly what ``_records_features`` defines."""
    from crampwise import _records_features, records

    assert frozenset(_records_features.__all__) == records._FEATURES
    for name in _records_features.__all__:
        assert getattr(records, name) is getattr(_records_features, name)
        assert name in records.__all__
