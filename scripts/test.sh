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

# The doctor report: WeasyPrint's system libraries (in Debian's base image already; listed
# in case it changes) and poppler-utils, whose pdftotext/pdfinfo/pdftoppm read the PDF back.
if ! command -v pdftotext >/dev/null 2>&1 || ! ldconfig -p | grep -q libpangoft2-1.0; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
      libfontconfig1 fonts-dejavu-core >/dev/null
  else
    echo "poppler-utils or Pango is missing (the report tests need them): sudo apt-get install poppler-utils libpango-1.0-0 libpangoft2-1.0-0" >&2
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
