#!/usr/bin/env bash
# Report benchmark (issue 18): the federated view over real mutual TLS between real
# processes on loopback, each authority with its own SQLite store.
#
# A region the size of London: AUTHORITIES authorities (32 boroughs and the City, then the
# police), each holding RECORDS synthetic records spread over two years, and the VRU asking
# them all. The authorities do not peer each other; only the VRU asks them.
#
#  1. Each measure, RUNS times, each run a new `vve report` process at the VRU, end to end:
#     p50 and p95. Goal: p95 under 2 s. `known-in-several-areas` is answered, and the deal-line
#     tokens of `county-lines`' `distinct-lines` are sent, once a day for each asker: the
#     county-lines runs ask its other tables, and each of those two is timed once.
#  2. The quarterly pack (every measure, eight quarters). Goal: under 30 s. It is asked by a
#     second VRU node, vru-board, so that its tokens are made and sent, not refused as sent
#     once today already.
#  3. The baseline, in the same run: the same measure counted by one authority over its own
#     store (`vve report MEASURE --local`), so that the ratio shows what federation costs.
#
# Usage: Tools/bench-report.sh [AUTHORITIES] [RECORDS] [RUNS]   (defaults 34 10000 20)
set -euo pipefail
authorities=${1:-34}
records=${2:-10000}
runs=${3:-20}
root=$(cd "$(dirname "$0")/.." && pwd)

source "$root/Tools/bench-nodes.sh"
start_region bench-report

# Limits far above what the benchmark asks: it measures speed, not throttling.
unlimited() {
  printf 'aggregate-tables-per-peer-per-day: 1000000\nreport-tables-per-analyst-per-day: 1000000\n' >> "$work/$1/node.yaml"
}

purpose="benchmark of the federated view"
# The VRU's nodes hold no linkage key, as the design requires.
for asker in vru vru-board; do
  make_node "$asker"
  unlimited "$asker"
  rm "$work/$asker/Certificates/linkage.key"
done
names=()
for i in $(seq 1 "$authorities"); do
  if [ "$i" -le 32 ]; then name=$(printf 'borough-%02d' "$i"); elif [ "$i" -eq 33 ]; then name=city-of-london; else name=$(printf 'police-%02d' "$i"); fi
  names+=("$name")
done
echo "bench-report: ${#names[@]} authorities of $records records each; importing..." >&2
for i in "${!names[@]}"; do
  name=${names[$i]}
  make_node "$name"
  unlimited "$name"
  "$vve" generate --count "$records" --seed "$((i + 1))" --owner "$name" > "$work/$name.ndjson"
  "$vve" record import "$work/$name.ndjson" --dir "$work/$name" > /dev/null
  for asker in vru vru-board; do
    "$vve" peer add "$asker" --url https://localhost:1 --cert "$work/$asker/Certificates/$asker.pem" --role vru \
      --agreement NL-ISA-2026-004 --lawful-basis "Crime and Disorder Act 1998 s.17A" --dir "$work/$name" > /dev/null
    sed -i 's/^aggregates: no$/aggregates: yes/' "$work/$name/Peers/$asker.yaml"
  done
done

echo "bench-report: starting ${#names[@]} servers..." >&2
for name in "${names[@]}"; do
  port=$(serve "$name" --no-pull)
  role=borough; [ "${name#police-}" != "$name" ] && role=police
  for asker in vru vru-board; do
    "$vve" peer add "$name" --url "https://localhost:$port" --cert "$work/$name/Certificates/$name.pem" --role "$role" \
      --agreement NL-ISA-2026-004 --lawful-basis "Crime and Disorder Act 1998 s.17A" --dir "$work/$asker" > /dev/null
    printf 'ask-aggregates: yes\n' >> "$work/$asker/Peers/$name.yaml"
  done
done

# One report; prints "WALL_MS EXIT".
run_report() {
  local dir=$1; shift
  local t0 t1 status=0
  t0=$(date +%s%N)
  "$vve" report "$@" --dir "$dir" --purpose "$purpose" --timeout 120 --json > "$work/report.out" 2> "$work/report.err" || status=$?
  t1=$(date +%s%N)
  [ -n "${BENCH_SHOW:-}" ] && cat "$work/report.err" >&2
  echo "$(( (t1 - t0) / 1000000 )) $status"
}

percentile() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int((NR - 1) * p / 100) + 1; printf "%.0f", v[i] }'; }

# Each authority indexes its people at start in the background (for known-in-several-areas,
# as for lookups): wait for that, so the figures are of the region's steady state.
if command -v sqlite3 > /dev/null; then
  for name in "${names[@]}"; do
    for _ in $(seq 1 600); do
      behind=$(sqlite3 -cmd ".timeout 5000" "$work/$name/vve.sqlite" \
        "SELECT (SELECT MAX(seq) FROM change_log) - COALESCE((SELECT CAST(value AS INTEGER) FROM node_meta WHERE key = 'match-index.own-cursor'), 0)" 2> /dev/null || echo 1)
      [ "$behind" = 0 ] && break
      sleep 0.5
    done
  done
  echo "bench-report: every authority has indexed its people" >&2
else
  echo "bench-report: no sqlite3 to see the authorities' indexing finish; the first figures may include it" >&2
fi

# county-lines without distinct-lines, whose tokens go once a day.
county_lines=(county-lines)
for table in by-exporting-area by-importing-area by-risk-level by-nrm-referral by-status linked-people-by-role \
  cuckooed-addresses-by-district exporting-by-importing; do
  county_lines+=(--table "$table")
done
measure_arguments() { if [ "$1" = county-lines ]; then echo "${county_lines[@]}"; else echo "$1"; fi; }

# Warm-up: every authority keeps its quarters at start; one report of each counted measure
# waits for that and for the first connections.
for measure in relocations relocation-briefing county-lines perpetrators; do
  # shellcheck disable=SC2046
  result=$(run_report "$work/vru" $(measure_arguments "$measure"))
  [ "${result#* }" = 0 ] || { echo "bench-report: warm-up $measure exited ${result#* }: $(head -c 400 "$work/report.err")" >&2; exit 1; }
done

echo
echo "== 1. One measure from the CLI, end to end (a new process each run, ${#names[@]} authorities of $records records, $runs runs) =="
printf '%-24s %-8s %-8s %-10s %-12s %-8s\n' MEASURE P50_MS P95_MS LOCAL_P50 RATIO_P50 EXITS
for measure in relocations relocation-briefing county-lines perpetrators; do
  : > "$work/$measure.walls"; : > "$work/$measure.local"
  exits=""
  for _ in $(seq 1 "$runs"); do
    # shellcheck disable=SC2046
    result=$(run_report "$work/vru" $(measure_arguments "$measure"))
    echo "${result% *}" >> "$work/$measure.walls"
    exits+="${result#* }"
    # shellcheck disable=SC2046
    result=$(run_report "$work/${names[0]}" $(measure_arguments "$measure") --local)
    echo "${result% *}" >> "$work/$measure.local"
  done
  p50=$(percentile "$work/$measure.walls" 50); p95=$(percentile "$work/$measure.walls" 95); l50=$(percentile "$work/$measure.local" 50)
  printf '%-24s %-8s %-8s %-10s %-12s %-8s\n' "$measure" "$p50" "$p95" "$l50" "$(awk "BEGIN { printf \"%.1f\", $p50 / $l50 }")" "$(echo "$exits" | fold -w1 | sort | uniq -c | awk '{ printf "%s×%s ", $1, $2 }')"
done
result=$(run_report "$work/vru" county-lines)
printf '%-24s %-8s %-8s %-10s %-12s %-8s\n' "county-lines, all" "${result% *}" "-" "-" "-" "1×${result#* }"
result=$(run_report "$work/vru" known-in-several-areas)
printf '%-24s %-8s %-8s %-10s %-12s %-8s\n' known-in-several-areas "${result% *}" "-" "-" "-" "1×${result#* }"
echo "(goal: p95 < 2000 ms; LOCAL is ${names[0]} counting its own store with --local, the baseline;"
echo " county-lines runs ask every table but distinct-lines, and 'county-lines, all' adds it, once)"

echo
echo "== 2. The quarterly pack (every measure, eight quarters) =="
result=$(run_report "$work/vru-board" pack)
echo "pack ${result% *} ms, exit ${result#* } (goal: < 30000 ms; asked by vru-board, so every token is made and sent)"
