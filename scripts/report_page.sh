#!/usr/bin/env bash
# Make the README's picture of the doctor report: the tests' one-year diary (the demo's
# first year with four medicines, a high potassium and a red flag), its PDF, page 1 as PNG.
#   bash scripts/report_page.sh            # writes docs/screenshots/report-page1.png
set -euo pipefail
cd "$(dirname "$0")/.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
export CRAMPWISE_NOW=2025-11-15T09:00:00Z
.venv/bin/python -c "import json, sys; sys.path.insert(0, '.'); from tests.report_diary import one_year_document; json.dump(one_year_document(), open('$tmp/year.json', 'w'))"
.venv/bin/crampwise --db "$tmp/year.sqlite" import "$tmp/year.json" >/dev/null
.venv/bin/crampwise --db "$tmp/year.sqlite" report --pdf "$tmp/report.pdf"
pdftoppm -r 100 -f 1 -l 1 -png "$tmp/report.pdf" "$tmp/page"
cp "$tmp/page-1.png" docs/screenshots/report-page1.png
echo "docs/screenshots/report-page1.png"
