"""The ``crampwise`` console script: Ctrl-C while Python loads crampwise is no traceback.

The script generated for ``crampwise.cli:main`` imports the CLI before any of its code
can catch anything; this module is tiny, so the window it leaves open is too.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> int:
    """Import the CLI and run it; an interrupt during the import exits quietly (130)."""
    try:
        from crampwise.cli import main as cli_main
    except KeyboardInterrupt:
        if sys.stderr is not None:
            sys.stderr.write("crampwise: error: interrupted; nothing was changed\n")
        return 130
    return cli_main()
