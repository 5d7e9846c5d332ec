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
echo "== Safety check as it was on 1 July 2025 (magnesium 200 mg twice a day, potassium 99 mg):"
.venv/bin/crampwise --db "$DEMO_DB" safety --date 2025-07-01
echo
echo "== Safety check today:"
.venv/bin/crampwise --db "$DEMO_DB" safety
echo
echo "crampwise is installed in .venv and linked in ~/.local/bin: a new terminal runs it as 'crampwise'."
