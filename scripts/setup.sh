#!/usr/bin/env bash
# Create .venv and install crampwise into it (with the dev extras when asked: setup.sh dev).
# The plain setup (the quick start) also makes `crampwise` runnable from any new terminal
# (scripts/link.sh: a link in ~/.local/bin; CRAMPWISE_NO_LINK=1 skips it).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="$(command -v python3.11 || command -v python3)"
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
if [ "${1:-}" = "dev" ]; then
  .venv/bin/python -m pip install --quiet -e ".[dev]" 2>&1 | grep -v "^WARNING: Location" || true
else
  .venv/bin/python -m pip install --quiet -e . 2>&1 | grep -v "^WARNING: Location" || true
fi
.venv/bin/python -c "import crampwise" # fail loudly if the install did not work
if [ "${1:-}" != "dev" ]; then
  bash scripts/link.sh
fi
