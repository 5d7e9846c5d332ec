"""How ``crampwise serve`` runs the web app."""

from __future__ import annotations

from dataclasses import dataclass
from importlib.util import find_spec
from typing import Any

__all__ = [
    "DEFAULT_MAX_BODY",
    "GC_THRESHOLDS",
    "WebSettings",
    "is_loopback",
    "server_collector",
    "server_options",
]

#: The largest request body accepted (bytes): a cramp or a form is a few hundred bytes.
DEFAULT_MAX_BODY = 64 * 1024


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and ``localhost`` (the person's own computer)."""
    if not host:
        return False
    host = host.strip("[]").lower()
    if host in ("localhost", "::1", "0:0:0:0:0:0:0:1"):
        return True
    if host.startswith("::ffff:"):
        host = host[len("::ffff:") :]
    parts = host.split(".")
    return len(parts) == 4 and parts[0] == "127" and all(p.isdigit() for p in parts)


@dataclass(frozen=True)
class WebSettings:
    """Settings of one web app.

    ``require_pairing``: every client needs a paired device, even one on this computer
    (``serve --require-pairing``); otherwise only clients from other machines do.
    ``demo``: the diary is the demo story (the pages say so). ``secure_cookies``: the app
    is served over HTTPS. ``diary_id``: which diary of the database.
    """

    db: str | None = None
    diary_id: int = 1
    require_pairing: bool = False
    demo: bool = False
    secure_cookies: bool = False
    max_body: int = DEFAULT_MAX_BODY


def server_options() -> dict[str, Any]:
    """uvicorn's settings for ``crampwise serve`` (and the benchmark's bare endpoint).

    The C HTTP parser (httptools) and event loop (uvloop) are dependencies: they halve
    the server's CPU time per request against the pure-Python h11 parser and the stdlib
    loop. Named here rather than left to uvicorn's "auto" so the choice is visible and
    tested; the fallbacks are for a platform without their wheels (uvloop has none for
    Windows). No access log: one line per request costs CPU and the terminal shows only
    the URL and warnings.
    """
    return {
        "http": "httptools" if find_spec("httptools") else "h11",
        "loop": "uvloop" if find_spec("uvloop") else "asyncio",
        "log_level": "warning",
        "access_log": False,
    }


#: The collector's thresholds for the server (generation 0, 1, 2; Python's: 700, 10, 10).
#: A request leaves few reference cycles, and at Python's rate the collector ran every
#: ~10 requests and walked the app's ~75,000 objects (every route, model and template)
#: in each full collection: 0.6-0.9 s of the 8 s of the benchmark's load. See
#: :func:`server_collector`.
GC_THRESHOLDS = (5000, 20, 100)


def server_collector() -> None:
    """Set up the cyclic garbage collector for a long-running server, once the app is
    built: what start-up made is frozen (never walked again, never freed: it lives as
    long as the process anyway) and collections run less often (``GC_THRESHOLDS``).
    The benchmark's bare endpoint gets the same settings."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
