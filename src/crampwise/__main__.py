"""``python -m crampwise``."""

from __future__ import annotations

import sys

from crampwise._entry import main

if __name__ == "__main__":
    sys.exit(main())
