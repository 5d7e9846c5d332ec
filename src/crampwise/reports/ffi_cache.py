"""WeasyPrint's C declarations, parsed once and kept in the user's cache (~0.2 s a report).

``import weasyprint`` declares the Pango, HarfBuzz and fontconfig functions it calls with
``cffi.FFI().cdef(...)``: cffi imports pycparser and parses 460 lines of C, and parses
again (in Python, with every type name declared so far) each new type that WeasyPrint
later asks for by name (``ffi.new("PangoRectangle *")``). That is a tenth of a cold
report, and the same every time for the same WeasyPrint and cffi.

cffi can write such declarations out as tables (its "out-of-line ABI mode", what
``ffi.emit_python_code`` writes) that its C backend reads without parsing anything. The
first report makes those tables from WeasyPrint's own declarations and keeps them as
data (``marshal``, no code) in ``$XDG_CACHE_HOME/crampwise`` (default ``~/.cache``);
later reports give WeasyPrint an FFI built from them, which answers the same calls
(``new``, ``cast``, ``gc``, ``dlopen`` ...) through the same C backend.

Each entry holds the SHA-256 of the declarations it was made from: WeasyPrint's
``cdef`` call checks it, and any other text (another WeasyPrint) raises
:class:`StaleCache`, whereupon the caller imports WeasyPrint the usual way and the entry
is made again. An unreadable or unwritable cache only means the usual, slower import.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from hashlib import sha256
from typing import Any

__all__ = ["StaleCache", "cache_dir", "cache_path", "patched_ffi", "store"]

#: bump when the layout of an entry changes
FORMAT = 1
MODULE_NAME = "_crampwise_weasyprint_ffi"


class StaleCache(Exception):
    """WeasyPrint declared something other than what the cache entry was made from."""


def cache_dir() -> str:
    """crampwise's directory in the user's cache: ``$XDG_CACHE_HOME/crampwise`` when that
    is an absolute path (the XDG rule), else ``~/.cache/crampwise``; may not exist."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "crampwise")


def cache_path() -> str:
    """The cache entry for this Python and cffi (an absolute path; may not exist)."""
    import _cffi_backend

    tag = f"py{sys.version_info[0]}{sys.version_info[1]}-cffi{_cffi_backend.__version__}"
    return os.path.join(cache_dir(), f"weasyprint-ffi-{tag}.marshal")


def _load() -> tuple[str, dict[str, Any]] | None:
    """The cached (digest, constructor arguments), or None when there is no usable entry."""
    import marshal

    try:
        with open(cache_path(), "rb") as f:
            entry = marshal.load(f)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if (
        not isinstance(entry, tuple)
        or len(entry) != 3
        or entry[0] != FORMAT
        or not isinstance(entry[1], str)
        or not isinstance(entry[2], dict)
    ):
        return None
    return entry[1], entry[2]


def _digest(csource: str) -> str:
    return sha256(csource.encode("utf-8", "surrogatepass")).hexdigest()


def _compiled_class() -> type:
    import _cffi_backend

    class Compiled(_cffi_backend.FFI):  # type: ignore[misc]
        """cffi's compiled FFI, from the cached tables; ``cdef`` only checks that the
        declarations are the ones the tables were made from."""

        digest = ""

        def cdef(self, csource: str, override: bool = False, **options: Any) -> None:
            if override or any(options.values()) or _digest(csource) != self.digest:
                raise StaleCache("WeasyPrint's C declarations changed")

    return Compiled


def _recording_class() -> type:
    import cffi

    class Recording(cffi.FFI):  # type: ignore[misc]
        """cffi's usual FFI, remembering the declarations it parsed (to cache them)."""

        def cdef(self, csource: str, override: bool = False, **options: Any) -> None:
            super().cdef(csource, override=override, **options)
            sources = self.__dict__.setdefault("crampwise_sources", [])
            sources.append(None if override or any(options.values()) else csource)

    return Recording


class patched_ffi:  # noqa: N801 - used as a context manager, like a function
    """While active, ``cffi.FFI()`` called from this thread gives the cached FFI when
    there is a cache entry, else a recording one; other threads get cffi's own."""

    def __init__(self, use_cache: bool = True) -> None:
        self.use_cache = use_cache
        self.original: Callable[..., Any] | None = None

    def __enter__(self) -> patched_ffi:
        import cffi

        self.original = original = cffi.FFI
        entry = _load() if self.use_cache else None
        recording = _recording_class()  # made of cffi's own class, before the swap
        importer = threading.get_ident()

        def factory(*args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != importer or args or kwargs:
                return original(*args, **kwargs)
            if entry is not None:
                try:
                    ffi = _compiled_class()(MODULE_NAME, **entry[1])
                except Exception:  # tables cffi's backend refuses: parse as usual
                    pass
                else:
                    ffi.digest = entry[0]
                    return ffi
            return recording()

        cffi.FFI = factory
        return self

    def __exit__(self, *exc: object) -> None:
        import cffi

        cffi.FFI = self.original


def store(ffi: Any) -> bool:
    """Cache the tables of ``ffi`` (WeasyPrint's, made by a recording FFI); False when
    there is nothing to cache or the cache cannot be written."""
    import ast
    import io
    import marshal

    sources = getattr(ffi, "__dict__", {}).get("crampwise_sources")
    if not sources or None in sources:
        return False
    path = cache_path()
    try:  # where nothing can be kept, do not make the tables (a second parse) at all
        os.makedirs(os.path.dirname(path), exist_ok=True)
    except OSError:
        return False
    if not os.access(os.path.dirname(path), os.W_OK):
        return False
    import cffi
    from cffi.recompiler import make_py_source

    csource = "".join(sources)
    fresh = cffi.FFI()
    fresh.cdef(csource)
    out = io.StringIO()
    make_py_source(fresh, MODULE_NAME, out)
    # the generated module is one call, _cffi_backend.FFI(name, key=literal, ...)
    calls = [
        node
        for node in ast.walk(ast.parse(out.getvalue()))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "FFI"
    ]
    if len(calls) != 1 or any(k.arg is None for k in calls[0].keywords):
        return False
    try:
        kwargs = {str(k.arg): ast.literal_eval(k.value) for k in calls[0].keywords}
    except ValueError:  # not plain data (an included FFI): keep the usual import
        return False
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            marshal.dump((FORMAT, _digest(csource), kwargs), f)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True
