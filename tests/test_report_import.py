"""How the report imports WeasyPrint (``crampwise.reports.weasy``): the same libraries as
a plain ``import weasyprint``, no ``find_library`` subprocesses, fontTools' fallbacks
left unimported until used, and the usual import when the quick one fails; WeasyPrint's C
declarations cached as tables after the first import, the same PDF from them, and the
usual parse whenever the cache is missing, stale, broken or unwritable.

Each check runs in a fresh interpreter: an import can be watched only once per process.
"""

from __future__ import annotations

import glob
import json
import marshal
import os
import subprocess
import sys
import textwrap

import pytest

from crampwise.reports import ffi_cache

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the quick import is Linux's")


def _run(code: str, env: dict[str, str] | None = None) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
        env=None if env is None else {**os.environ, **env},
    )
    result: dict[str, object] = json.loads(out.stdout.splitlines()[-1])
    return result


# The shared libraries the process has mapped, by file name (Pango, HarfBuzz, ...).
_LIBS = """
def libs():
    import re
    found = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            m = re.search(r"/(lib(?:pango|harfbuzz|fontconfig|gobject)[^/]*\\.so[^/]*)$", line)
            if m:
                found.add(m.group(1))
    return sorted(found)
"""


def test_the_quick_import_loads_the_same_libraries_without_subprocesses() -> None:
    plain = _run(_LIBS + "import json, weasyprint\nprint(json.dumps({'libs': libs()}))")
    quick = _run(
        _LIBS
        + """
import ctypes.util, json, subprocess, sys
search = ctypes.util.find_library
spawned = []
real_popen_init = subprocess.Popen.__init__
def watch(self, args, *a, **k):
    spawned.append(str(args))
    real_popen_init(self, args, *a, **k)
subprocess.Popen.__init__ = watch
from crampwise.reports.weasy import import_weasyprint
weasyprint = import_weasyprint()
import weasyprint.text.ffi as ffi
print(json.dumps({
    "libs": libs(),
    "spawned": spawned,
    "search_restored": ctypes.util.find_library is search,
    "subset_library": ffi.harfbuzz_subset is not None,
    "deferred_imported": [m for m in ("fontTools.subset", "fontTools.varLib.instancer",
                                      "fontTools.ttLib.woff2", "PIL.ImageCms")
                          if m in sys.modules],
}))
"""
    )
    libs = quick["libs"]
    assert libs == plain["libs"] and isinstance(libs, list)
    assert any("pango" in name for name in libs)
    assert quick["spawned"] == []
    assert quick["search_restored"] is True
    assert quick["subset_library"] is True  # the PDF fonts are subset by HarfBuzz
    assert quick["deferred_imported"] == []


def test_the_deferred_fonttools_names_reach_the_real_ones_when_used() -> None:
    """WeasyPrint's fallbacks (fontTools subsetting, variable-font instancing, WOFF2
    decoding) and colour profiles still work: their names import the real modules
    (fontTools, Pillow's ImageCms) when called."""
    result = _run(
        """
import json, sys
from crampwise.reports.weasy import import_weasyprint
import_weasyprint()
from weasyprint.pdf import fonts
from weasyprint.text import fonts as text_fonts
options = fonts.subset.Options(retain_gids=True)
import io
try:
    text_fonts.woff2.decompress(io.BytesIO(b"not a font"), io.BytesIO())
    woff2 = "no error"
except Exception as exc:
    woff2 = type(exc).__module__
import fontTools.subset, fontTools.varLib.instancer
from weasyprint import css
from PIL import ImageCms
srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
profile = css.ImageCmsProfile(io.BytesIO(srgb))  # what an @color-profile rule calls
print(json.dumps({
    "profile": type(profile) is ImageCms.ImageCmsProfile
    and profile.tobytes() == srgb,
    "options": type(options) is fontTools.subset.Options and options.retain_gids,
    "instancer": fonts.instantiateVariableFont.__name__,
    "woff2": woff2,
    "real_modules": type(sys.modules["fontTools.subset"]).__name__,
}))
"""
    )
    assert result == {
        "profile": True,
        "options": True,
        "instancer": "instantiateVariableFont",
        "woff2": "fontTools.ttLib",  # the real decoder ran and refused the bytes (TTLibError)
        "real_modules": "module",
    }


def test_when_the_quick_import_fails_the_usual_one_runs() -> None:
    """A library layout that only ``find_library`` finds: WeasyPrint is imported again
    the usual way, from scratch, and renders."""
    result = _run(
        """
import json, sys
from crampwise.reports import weasy
def fail():
    import weasyprint  # half-imported modules must not survive the failure
    raise OSError("cannot load library 'libpango-1.0.so.0'")
weasy._import_without_search = fail
weasyprint = weasy.import_weasyprint()
pdf = weasyprint.HTML(string="<p>hello</p>").write_pdf()
print(json.dumps({"pdf": pdf[:5].decode(), "stand_ins": [
    m for m in weasy.DEFERRED if isinstance(sys.modules.get(m), weasy._Deferred)]}))
"""
    )
    assert result == {"pdf": "%PDF-", "stand_ins": []}


def test_other_threads_keep_the_library_search_during_the_import() -> None:
    """The web server imports WeasyPrint on a request's thread: its other threads still
    find libraries meanwhile; only the importing thread skips the search."""
    result = _run(
        """
import ctypes.util, json, sys, threading
seen = {}
class Watch:
    # runs inside the import, just before WeasyPrint opens its libraries
    def find_spec(self, name, path=None, target=None):
        if name == "weasyprint.text.ffi" and not seen:
            other = threading.Thread(
                target=lambda: seen.update(other=ctypes.util.find_library("c")))
            other.start(); other.join()
            seen["importer"] = ctypes.util.find_library("c")
        return None
sys.meta_path.insert(0, Watch())
from crampwise.reports.weasy import import_weasyprint
import_weasyprint()
print(json.dumps(seen))
"""
    )
    assert result["importer"] is None
    assert isinstance(result["other"], str) and result["other"].startswith("libc.so")


# A page with both shipped faces, so the PDF goes through Pango, HarfBuzz and fontconfig.
_RENDER = """
import hashlib, json, sys
from crampwise.reports.render import PACKAGE_DIR, PackageFetcher
from crampwise.reports.weasy import import_weasyprint
weasyprint = import_weasyprint()
import weasyprint.text.ffi as ffi
page = (
    '<style>@font-face { font-family: D; src: url("fonts/DejaVuSansCondensed.ttf"); }'
    '@font-face { font-family: D; font-weight: bold;'
    ' src: url("fonts/DejaVuSansCondensed-Bold.ttf"); }'
    'body { font-family: D } @page { size: A6 }</style>'
    '<h1>G47.62 leg cramps</h1><p>0.42 per week (95 % interval 0.21-0.80) <b>flagged</b></p>'
    '<table><tr><td>furosemide</td><td>40 mg</td></tr></table>'
)
document = weasyprint.HTML(
    string=page, base_url=PACKAGE_DIR.as_uri() + "/", url_fetcher=PackageFetcher()
).render()
pdf = document.write_pdf()
print(json.dumps({
    "pdf": hashlib.sha256(pdf).hexdigest(),
    "pages": len(document.pages),
    "parsed": "pycparser" in sys.modules,
    "ffi": type(ffi.ffi).__name__,
}))
"""


def _entry(cache: str) -> tuple[object, ...]:
    """The one cache entry under ``cache`` (its layout: format, digest, FFI tables)."""
    (path,) = glob.glob(os.path.join(cache, "crampwise", "weasyprint-ffi-*.marshal"))
    with open(path, "rb") as f:
        entry: tuple[object, ...] = marshal.load(f)
    return entry


def test_the_declarations_are_cached_and_give_the_same_pdf(tmp_path: object) -> None:
    """The first import parses WeasyPrint's C declarations (pycparser) and caches them;
    the next one builds its FFI from the cache, parses nothing, and writes the same PDF
    byte for byte."""
    cache = str(tmp_path)
    first = _run(_RENDER, {"XDG_CACHE_HOME": cache})
    second = _run(_RENDER, {"XDG_CACHE_HOME": cache})
    assert first["parsed"] is True and first["ffi"] == "Recording"
    assert second["parsed"] is False and second["ffi"] == "Compiled"
    assert second["pdf"] == first["pdf"] and second["pages"] == first["pages"] == 1
    entry = _entry(cache)
    assert entry[0] == ffi_cache.FORMAT and isinstance(entry[2], dict)
    assert set(entry[2]) >= {"_types", "_globals"}


def test_a_stale_or_broken_cache_is_parsed_again_and_replaced(tmp_path: object) -> None:
    """Declarations of another WeasyPrint (another digest), a damaged file, or tables
    cffi's backend refuses: the usual parse, the same PDF, and a good entry written in
    its place."""
    cache = str(tmp_path)
    good = _run(_RENDER, {"XDG_CACHE_HOME": cache})
    entry = _entry(cache)
    (path,) = glob.glob(os.path.join(cache, "crampwise", "weasyprint-ffi-*.marshal"))
    with open(path, "wb") as f:
        marshal.dump((entry[0], "0" * 64, entry[2]), f)
    stale = _run(_RENDER, {"XDG_CACHE_HOME": cache})
    assert stale["parsed"] is True and stale["pdf"] == good["pdf"]
    assert _entry(cache)[1] == entry[1]  # the right digest again
    with open(path, "wb") as f:
        f.write(b"\x00not marshal")
    broken = _run(_RENDER, {"XDG_CACHE_HOME": cache})
    assert broken["parsed"] is True and broken["pdf"] == good["pdf"]
    assert _entry(cache) == entry
    with open(path, "wb") as f:  # the right digest, tables cffi's backend refuses
        marshal.dump((entry[0], entry[1], {"_types": "not bytes"}), f)
    refused = _run(_RENDER, {"XDG_CACHE_HOME": cache})
    assert refused["parsed"] is True and refused["pdf"] == good["pdf"]
    assert _entry(cache) == entry
    after = _run(_RENDER, {"XDG_CACHE_HOME": cache})
    assert after["parsed"] is False and after["pdf"] == good["pdf"]


def test_an_unwritable_cache_only_means_the_usual_parse(tmp_path: object) -> None:
    """A cache directory that cannot be made (a file in its way): every import parses,
    and the report is made all the same."""
    blocker = os.path.join(str(tmp_path), "cache")
    with open(blocker, "w") as f:
        f.write("not a directory")
    for _ in range(2):
        result = _run(_RENDER, {"XDG_CACHE_HOME": blocker})
        assert result["parsed"] is True and result["pages"] == 1


def test_other_threads_get_cffis_own_ffi_while_weasyprint_is_imported() -> None:
    """Only the importing thread's ``cffi.FFI()`` is replaced, and only meanwhile."""
    import threading

    import cffi

    real = cffi.FFI
    seen: dict[str, object] = {}
    with ffi_cache.patched_ffi(use_cache=False):
        other = threading.Thread(target=lambda: seen.update(other=type(cffi.FFI())))
        other.start()
        other.join()
        seen["importer"] = type(cffi.FFI()).__name__
    assert seen["other"] is real and seen["importer"] == "Recording"
    assert cffi.FFI is real
