#!/usr/bin/env bash
# Set up everything the test suite needs and run all of it: lint, types, docs, tests on
# SQLite and on a real throwaway PostgreSQL. This is the README's test command; CI runs it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  else
    echo "PostgreSQL server binaries are missing: sudo apt-get install postgresql" >&2
    exit 1
  fi
fi

# The browser tests drive Debian's Chromium (never a browser Playwright downloads).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
  else
    echo "Chromium is missing (the browser tests need it): sudo apt-get install chromium" >&2
    exit 1
  fi
fi

bash scripts/setup.sh dev

source scripts/pg.sh start
trap 'bash scripts/pg.sh stop' EXIT
export PGDATA_CRAMPWISE

echo "== ruff"; .venv/bin/ruff check .
echo "== mypy --strict"; .venv/bin/mypy
echo "== docs generated from code are current"; .venv/bin/python -m cogapp --check README.md docs/cli.md docs/export-csv.md docs/knowledge.md
echo "== pytest (SQLite + PostgreSQL)"
.venv/bin/python -m pytest "$@"
