#!/usr/bin/env bash
# N1 benchmark: import a generated 1,000,000-row StockEtablissement file (the
# real 54-column layout) with `vigie directory import`, the sqlite3 shell's
# .import of the same CSV in the same run, and directory search p50/p99.
# Usage: bench/directory.sh [rows]   (needs sqlite3; data under bench/data/)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
data=bench/data
mkdir -p "$data"
csv="$data/sirene-$rows.csv"
[ -f "$csv" ] || go run ./bench/sirenegen -rows "$rows" > "$csv"
go build -o "$data/vigie" .
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

seconds() { local s=$(date +%s.%N); "$@" > /dev/null; echo "$(date +%s.%N) - $s" | bc; }
vigie_s=$(seconds "$data/vigie" directory import "$csv" --dir "$work/pb_data")
sqlite_s=$(seconds sqlite3 "$work/raw.db" -cmd ".mode csv" ".import $csv stock")
printf 'directory import   %8.0f rows/s (%.1f s)\n' "$(echo "$rows / $vigie_s" | bc -l)" "$vigie_s"
printf 'sqlite3 .import    %8.0f rows/s (%.1f s)\n' "$(echo "$rows / $sqlite_s" | bc -l)" "$sqlite_s"
ratio=$(echo "$sqlite_s / $vigie_s" | bc -l)
printf 'ratio              %8.2f (budget >= 0.50)\n' "$ratio"
verdict=FAIL; [ "$(echo "$ratio >= 0.5" | bc -l)" = 1 ] && verdict=PASS
printf 'BUDGET\tdirectory import, %s rows\t%.0f rows/s = %.2fx sqlite3 .import (%.0f rows/s)\t>= 0.50x\t%s\n' \
  "$rows" "$(echo "$rows / $vigie_s" | bc -l)" "$ratio" "$(echo "$rows / $sqlite_s" | bc -l)" "$verdict"
go run ./bench/dirsearch -dir "$work/pb_data"
