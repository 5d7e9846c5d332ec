"""Import WeasyPrint without the work a report never needs (a fifth of a cold report).

Costs of ``import weasyprint`` that the doctor report does not need to pay:

* On Linux, WeasyPrint opens Pango, HarfBuzz and fontconfig by trying the names of every
  platform in turn ("libpango-1.0-0", "pango-1.0-0", ... "libpango-1.0.so.0"); for each
  name that is not a loadable file, cffi asks ``ctypes.util.find_library``, which runs
  ``ldconfig``, ``gcc`` and ``ld`` as subprocesses: about twenty of them, 0.4 s of CPU.
  Each list ends with the Linux soname, which the dynamic loader opens directly, so the
  same libraries load without the search.
* It imports fontTools' subsetter, variable-font instancer and WOFF2 decoder (0.2 s)
  for fallbacks and web fonts: subsetting when HarfBuzz's subsetter is missing,
  instancing a variable font, reading a ``.woff2``. The report embeds two static
  TrueType fonts through HarfBuzz, so none of them runs; they are bound to stand-ins
  that import the real module on first use. So is Pillow's colour-management module
  (``PIL.ImageCms``, ~25 ms with LittleCMS), which WeasyPrint calls only for a
  stylesheet's ``@color-profile`` rule; the report has none.
* It parses its C declarations with pycparser (0.15-0.25 s): on Linux they are read
  from tables cached by the first report instead (:mod:`crampwise.reports.ffi_cache`).

If the libraries do not load this way (an unusual layout only the search finds), the
module is imported again the usual way; if the cached declarations are not WeasyPrint's
(another version), it is imported again with them parsed, and the cache made anew.
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import Any

__all__ = ["import_weasyprint"]

#: modules WeasyPrint imports for fallbacks, web fonts and colour profiles only.
DEFERRED = (
    "fontTools.subset",
    "fontTools.varLib.instancer",
    "fontTools.ttLib.woff2",
    "PIL.ImageCms",
)


class _Deferred(ModuleType):
    """Stands in for a module during ``import weasyprint``: each name taken from it is a
    function that imports the real module when called and calls the real name."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        module = self.__name__

        def call(*args: Any, **kwargs: Any) -> Any:
            return getattr(import_module(module), name)(*args, **kwargs)

        call.__name__ = call.__qualname__ = name
        return call


def import_weasyprint() -> Any:
    """``import weasyprint`` (see the module's doc); raises what that import raises."""
    if "weasyprint" in sys.modules:  # imported, or blocked (None: ImportError)
        import weasyprint

        return weasyprint
    stand_ins = [name for name in DEFERRED if name not in sys.modules]
    for name in stand_ins:
        sys.modules[name] = _Deferred(name)
    try:
        if sys.platform == "linux":
            from crampwise.reports.ffi_cache import StaleCache

            try:
                try:
                    return _without_library_search(use_cache=True)
                except StaleCache:
                    _forget_weasyprint()
                    return _without_library_search(use_cache=False)
            except OSError:
                _forget_weasyprint()
        import weasyprint

        return weasyprint
    finally:
        for name in stand_ins:
            if isinstance(sys.modules.get(name), _Deferred):
                del sys.modules[name]


def _forget_weasyprint() -> None:
    """Drop the modules of a failed ``import weasyprint`` (so the next one starts anew)."""
    for name in [m for m in sys.modules if m.split(".")[0] == "weasyprint"]:
        del sys.modules[name]


def _without_library_search(use_cache: bool) -> Any:
    from crampwise.reports.ffi_cache import patched_ffi, store

    with patched_ffi(use_cache):
        weasyprint = _import_without_search()
    store(sys.modules["weasyprint.text.ffi"].ffi)  # when made by a recording FFI
    return weasyprint


def _import_without_search() -> Any:
    import ctypes.util
    import threading
    from contextlib import redirect_stdout
    from io import StringIO

    search = ctypes.util.find_library
    importer = threading.get_ident()

    def no_search_here(name: str) -> str | None:
        # other threads (the web server's) keep the real search meanwhile
        return None if threading.get_ident() == importer else search(name)

    ctypes.util.find_library = no_search_here
    try:
        # its "could not import some external libraries" notice belongs to the usual way
        with redirect_stdout(StringIO()):
            import weasyprint
        return weasyprint
    finally:
        ctypes.util.find_library = search
