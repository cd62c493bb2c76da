#!/usr/bin/env bash
# Store benchmark (issue 2): `vve record import` of N synthetic records, against the sqlite3
# shell bulk-loading exactly the same rows into an equivalent table, in the same run.
#
# The baseline is the fastest load the sqlite3 shell offers: `.import` of CSV in a single
# transaction into a table with the same columns, indexes and settings as vve's store (WAL,
# synchronous=FULL, the same 256 MiB page cache).
# vve's figure is end to end: process start, reading and validating every line, writing each
# record with its change-log entry and its hash-chained audit entry, in one transaction.
#
# The same file imported a second time is what a borough's daily feed from its case system
# mostly is: every line's source reference known, nothing changed. It must change nothing,
# report N unchanged, and take at most half the first import's time.
#
# Usage: Tools/bench-store.sh [N]   (default 100000). Goals: ratio >= 0.5; again/first <= 0.5.
set -euo pipefail
count=${1:-100000}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v sqlite3 >/dev/null || { echo "bench-store: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }

echo "bench-store: building vve (release)..." >&2
swift build -c release --product vve --package-path "$root" >/dev/null
vve="$root/.build/release/vve"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
"$vve" generate --count "$count" --seed 42 > "$work/records.ndjson"
"$vve" init --name camden --dir "$work/node" > /dev/null

start=$(now)
VVE_OPERATOR=bench.runner "$vve" record import "$work/records.ndjson" --dir "$work/node" > /dev/null
vve_seconds=$(calc "$(now) - $start")
changes_before=$(sqlite3 "$work/node/vve.sqlite" "SELECT COUNT(*) FROM change_log")

start=$(now)
again=$(VVE_OPERATOR=bench.runner "$vve" record import "$work/records.ndjson" --dir "$work/node")
again_seconds=$(calc "$(now) - $start")
[ "$again" = "Imported $count lines: 0 created, 0 updated, $count unchanged, 0 refused" ] || {
  echo "bench-store: the second import did not leave every record unchanged: $again" >&2; exit 1; }
[ "$(sqlite3 "$work/node/vve.sqlite" "SELECT COUNT(*) FROM change_log")" = "$changes_before" ] || {
  echo "bench-store: the second import wrote to the change log" >&2; exit 1; }

# The same rows vve wrote, every column in table order, as CSV, and the same table definition.
sqlite3 -csv "$work/node/vve.sqlite" "SELECT * FROM record" > "$work/rows.csv"
schema=$(sqlite3 "$work/node/vve.sqlite" ".schema record")
sqlite3 "$work/raw.sqlite" "PRAGMA journal_mode=WAL;" > /dev/null

start=$(now)
(sqlite3 "$work/raw.sqlite" <<SQL
PRAGMA synchronous=FULL;
PRAGMA cache_size=-262144;
$schema
BEGIN;
.import --csv $work/rows.csv record
COMMIT;
SQL
) 2> "$work/raw.err"
raw_seconds=$(calc "$(now) - $start")
if [ -s "$work/raw.err" ]; then
  echo "bench-store: the sqlite3 shell reported problems, so its figure is not a fair baseline:" >&2
  head -3 "$work/raw.err" >&2
  exit 1
fi

raw_rows=$(sqlite3 "$work/raw.sqlite" "SELECT COUNT(*) FROM record")
vve_rows=$(sqlite3 "$work/node/vve.sqlite" "SELECT COUNT(*) FROM record")
audit_rows=$(sqlite3 "$work/node/vve.sqlite" "SELECT COUNT(*) FROM audit_log")
[ "$raw_rows" = "$count" ] && [ "$vve_rows" = "$count" ] && [ "$audit_rows" = "$count" ] || {
  echo "bench-store: row counts differ (vve $vve_rows, audit $audit_rows, raw $raw_rows, expected $count)" >&2; exit 1; }

vve_rate=$(calc "$count / $vve_seconds")
raw_rate=$(calc "$count / $raw_seconds")
ratio=$(calc "$vve_rate / $raw_rate")
printf 'records:                      %d (%s MB of NDJSON)\n' "$count" "$(( $(stat -c %s "$work/records.ndjson") / 1000000 ))"
printf 'vve record import:            %8.2f s  %9.0f records/s  (with change log and audit chain)\n' "$vve_seconds" "$vve_rate"
printf 'sqlite3 .import (same rows):  %8.2f s  %9.0f rows/s\n' "$raw_seconds" "$raw_rate"
printf 'ratio vve/raw:                %8.2f  (goal >= 0.50)\n' "$ratio"
printf 'same file again:              %8.2f s  (%d unchanged, nothing written)\n' "$again_seconds" "$count"
printf 'ratio again/first:            %8.2f  (goal <= 0.50)\n' "$(calc "$again_seconds / $vve_seconds")"
