#!/usr/bin/env bash
# Quick start: install crampwise, load the demo story into its own demo diary and start the
# web app on it (the URL is printed; Ctrl+C stops it). Extra arguments go to 'serve', e.g.
#   bash scripts/demo.sh --host 0.0.0.0     # reach it from a phone on the same network (pairing)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
DEMO_DB="${CRAMPWISE_DEMO_DB:-$(.venv/bin/python -c 'from crampwise.storage import default_database_path as d; print(d("demo.sqlite"))')}"
echo "crampwise is installed in .venv and linked as ~/.local/bin/crampwise: a new terminal runs 'crampwise'."
echo "The demo diary is $DEMO_DB; your own diary is never touched."
echo "From the command line: crampwise --db $DEMO_DB summary | analyze | safety"
exec .venv/bin/crampwise --db "$DEMO_DB" serve --demo --port "${CRAMPWISE_PORT:-8000}" "$@"
