#!/usr/bin/env bash
# Quick start: install crampwise, load the demo story and show what crampwise makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DEMO_DB="${CRAMPWISE_DEMO_DB:-$(.venv/bin/python -c 'from crampwise.storage import default_database_path as d; print(d("demo.sqlite"))')}"
.venv/bin/crampwise demo --db "$DEMO_DB" --yes
echo
.venv/bin/crampwise --db "$DEMO_DB" summary
echo
.venv/bin/crampwise --db "$DEMO_DB" analyze
echo
.venv/bin/crampwise --db "$DEMO_DB" safety
