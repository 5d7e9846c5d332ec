"""Writing export files safely: atomically, never over a file without asking, no strays.

A crash or a full disk leaves either the old file or the new one, never half of one, and
never a ``.tmp`` beside it. Errors name the target and say what to do.
"""

from __future__ import annotations

import os
import tempfile

from crampwise.errors import ConfirmationRequired, InputError

__all__ = ["check_targets", "write_atomic"]


def check_targets(paths: list[str], *, field: str, confirm: bool) -> None:
    """Refuse targets that cannot be written; ask before replacing existing files."""
    existing = []
    for path in paths:
        if os.path.isdir(path):
            raise InputError(field, f"{path!r} is a folder; give a file name", code="invalid")
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise InputError(field, f"the folder {folder!r} does not exist", code="invalid")
        if os.path.exists(path):
            existing.append(path)
    if existing and not confirm:
        listed = ", ".join(os.path.basename(p) for p in existing[:3])
        more = f" and {len(existing) - 3} more" if len(existing) > 3 else ""
        raise ConfirmationRequired(
            f"overwrite {listed}{more} in {os.path.dirname(existing[0]) or '.'}?"
        )


def write_atomic(path: str, text: str | bytes, *, field: str) -> None:
    """Write ``text`` (or bytes, such as a PDF) to ``path`` through a temporary file in
    the same folder."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        handle, tmp = tempfile.mkstemp(prefix=".crampwise-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(field, f"cannot write in {folder!r}: {exc.strerror}") from None
    try:
        if isinstance(text, bytes):
            with os.fdopen(handle, "wb") as binary:
                binary.write(text)
                binary.flush()
                os.fsync(binary.fileno())
        else:
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise InputError(field, f"cannot write {path!r}: {exc.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
