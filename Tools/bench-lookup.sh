#!/usr/bin/env bash
# Lookup benchmark (issue 6), over real mutual TLS between real processes on loopback, each
# borough with its own SQLite store:
#
#  1. The curve, in process: blocked fuzzy matching (`MatchIndex`, as the responder uses it)
#     against scoring every person, at 1,000, 10,000 and 100,000 people (`vve match-curve`).
#  2. PEERS borough nodes (`vve serve`), each holding PEOPLE people (relocations), and a police
#     node asking all of them: LOOKUPS cold `vve lookup` runs, half for people one borough
#     holds and half for strangers. Prints p50 and p99 end to end (process start included)
#     and each peer's answering time (its Server-Timing: refresh, block, score, confirm and
#     audit in one transaction). Goal: p99 under 500 ms.
#  3. The baseline, in the same run: the same lookups from a second police node asking three
#     boroughs, of 1,000, 10,000 and PEOPLE people (the last one of the ten). Their answering
#     times, measured side by side, are the curve as the servers see it.
#
# Usage: Tools/bench-lookup.sh [PEERS] [PEOPLE] [LOOKUPS]   (defaults 10 100000 100)
set -euo pipefail
peers=${1:-10}
people=${2:-100000}
lookups=${3:-100}
root=$(cd "$(dirname "$0")/.." && pwd)

source "$root/Tools/bench-nodes.sh"
start_region bench-lookup

echo "== 1. Blocked matching against a full scan, in process (microseconds per query) =="
"$vve" match-curve --sizes 1000,10000,100000 --queries 200
echo

# Limits far above what the benchmark asks: it measures speed, not throttling.
unlimited() {
  printf 'peer-lookups-per-minute: 1000000\npeer-lookups-per-day: 1000000\noperator-lookups-per-minute: 1000000\noperator-lookups-per-day: 1000000\n' >> "$work/$1/node.yaml"
}

# A borough holding `count` people, answering `asker`'s lookups and showing it the risk
# level and status of relocations.
make_borough() {
  local name=$1 count=$2 seed=$3
  make_node "$name"
  unlimited "$name"
  printf 'lookup-contact: %s MASH, 020 7946 0000\n' "$name" >> "$work/$name/node.yaml"
  "$vve" generate --kind relocation --count "$count" --seed "$seed" --owner "$name" > "$work/$name.ndjson"
  "$vve" record import "$work/$name.ndjson" --dir "$work/$name" > /dev/null
}

answer_lookups_of() {
  local borough=$1 asker=$2
  "$vve" peer add "$asker" --url https://localhost:1 --cert "$work/$asker/Certificates/$asker.pem" --role police \
    --agreement NL-ISA-2026-004 --lawful-basis "Crime and Disorder Act 1998 s.115" --dir "$work/$borough" > /dev/null
  local file="$work/$borough/Peers/$asker.yaml"
  grep -v '^lookups:\|^aggregates:' "$file" > "$file.tmp"
  printf 'share:\n  review-days: 30\n  relocation:\n    audience: [police]\n    groups: [placement, status]\nlookups: yes\naggregates: no\n' >> "$file.tmp"
  mv "$file.tmp" "$file"
}

ask_lookups_of() {
  local asker=$1 borough=$2 port=$3
  "$vve" peer add "$borough" --url "https://localhost:$port" --cert "$work/$borough/Certificates/$borough.pem" --role borough \
    --agreement NL-ISA-2026-004 --lawful-basis "Crime and Disorder Act 1998 s.115" --dir "$work/$asker" > /dev/null
  printf 'ask-lookups: yes\n' >> "$work/$asker/Peers/$borough.yaml"
}

echo "bench-lookup: $peers boroughs of $people people each, and two small ones; importing..." >&2
for asker in met-police met-police-base; do make_node "$asker"; unlimited "$asker"; done
names=()
for i in $(seq 1 "$peers"); do
  name=$(printf 'borough-%02d' "$i")
  names+=("$name")
  make_borough "$name" "$people" "$i"
  answer_lookups_of "$name" met-police
done
make_borough small-1k 1000 101
make_borough small-10k 10000 102
answer_lookups_of small-1k met-police-base
answer_lookups_of small-10k met-police-base
answer_lookups_of "${names[0]}" met-police-base

echo "bench-lookup: starting $((peers + 2)) servers; each indexes its people at start..." >&2
start=$(date +%s.%N)
for name in "${names[@]}"; do
  port=$(serve "$name" --no-pull)
  ask_lookups_of met-police "$name" "$port"
  [ "$name" = "${names[0]}" ] && ask_lookups_of met-police-base "$name" "$port"
done
for name in small-1k small-10k; do
  port=$(serve "$name" --no-pull)
  ask_lookups_of met-police-base "$name" "$port"
done

# Lookup names: people the boroughs hold (their generated records) and strangers.
python3 - "$work" "$lookups" "${names[@]}" > "$work/queries.tsv" <<'PY'
import json, random, sys
work, count, names = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
random.seed(7)
held = []
for name in names:
    with open(f"{work}/{name}.ndjson") as f:
        for n, line in enumerate(f):
            if n % 97 == 0:
                held.append(json.loads(line)["fields"]["youngPerson"])
strangers = ["Zebedee Quartermaine", "Ottoline Fairweather", "Barnaby Ruddigore", "Philippa Esterhazy", "Cornelius Vandersloot"]
for i in range(count):
    if i % 2 == 0:
        p = random.choice(held)
        dob = p.get("dateOfBirth", "")
        print(f"{p.get('forenames', 'Unknown').split(' ')[0]}\t{p.get('surname', p.get('aliases', ['Unknown'])[0])}\t{dob if len(dob) == 10 else ''}")
    else:
        f, s = random.choice(strangers).split(" ")
        print(f"{f}\t{s}\t20{random.randint(5, 15):02d}-0{random.randint(1, 9)}-1{random.randint(0, 9)}")
PY

# One lookup; prints "WALL_MS EXIT" and appends each peer's timing line to $2.
run_lookup() {
  local asker=$1 timings=$2 forename=$3 surname=$4 dob=$5
  local args=(lookup --dir "$work/$asker" --surname "$surname" --forename "$forename" --reason "benchmark of cross-border lookups" --timeout 60 --timing)
  [ -n "$dob" ] && args+=(--dob "$dob")
  local t0 t1 status=0
  t0=$(date +%s%N)
  "$vve" "${args[@]}" > "$work/lookup.out" 2> "$work/lookup.err" || status=$?
  [ -n "${BENCH_SHOW:-}" ] && cat "$work/lookup.out" "$work/lookup.err" >&2
  t1=$(date +%s%N)
  grep '^vve: timing ' "$work/lookup.err" >> "$timings" || true
  echo "$(( (t1 - t0) / 1000000 )) $status"
}

# Warm-up: until every borough answers (each has indexed all its people).
for _ in $(seq 1 120); do
  result=$(run_lookup met-police /dev/null Warm Up "")
  [ "${result#* }" != 2 ] && break
  sleep 1
done
indexed=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $start }")
echo "bench-lookup: every server answered ${indexed} s after the first started (indexing included)" >&2
for _ in 1 2 3; do run_lookup met-police-base /dev/null Warm Up "" > /dev/null; done

measure() {
  local asker=$1 label=$2
  : > "$work/$label.walls"
  : > "$work/$label.timings"
  local incomplete=0
  while IFS=$'\t' read -r forename surname dob; do
    result=$(run_lookup "$asker" "$work/$label.timings" "$forename" "$surname" "$dob")
    echo "${result% *}" >> "$work/$label.walls"
    [ "${result#* }" = 2 ] && incomplete=$((incomplete + 1))
  done < "$work/queries.tsv"
  echo "$incomplete"
}

percentile() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int((NR - 1) * p / 100) + 1; printf "%.1f", v[i] }'; }

echo "bench-lookup: $lookups lookups against $peers boroughs..." >&2
incomplete=$(measure met-police main)
echo "bench-lookup: $lookups lookups against three boroughs of 1,000, 10,000 and $people people..." >&2
base_incomplete=$(measure met-police-base base)

awk '{ print $7 }' "$work/main.timings" | grep -v '^-$' > "$work/main.server"
awk '{ print $5 }' "$work/main.timings" > "$work/main.trip"
grep ' small-1k ' "$work/base.timings" | awk '{ print $7 }' > "$work/1k.server"
grep ' small-10k ' "$work/base.timings" | awk '{ print $7 }' > "$work/10k.server"
grep " ${names[0]} " "$work/base.timings" | awk '{ print $7 }' > "$work/big.server"

p50=$(percentile "$work/main.walls" 50); p99=$(percentile "$work/main.walls" 99)
b50=$(percentile "$work/base.walls" 50); b99=$(percentile "$work/base.walls" 99)
echo
echo "== 2. One lookup from the CLI, end to end (cold process, $peers peers of $people people, $lookups lookups) =="
echo "p50 ${p50} ms, p99 ${p99} ms (goal: p99 < 500 ms); $incomplete incomplete"
echo "per peer: round trip p50 $(percentile "$work/main.trip" 50) ms, p99 $(percentile "$work/main.trip" 99) ms; answering p50 $(percentile "$work/main.server" 50) ms, p99 $(percentile "$work/main.server" 99) ms"
echo
echo "== 3. Baseline: the same lookups against three peers (1,000, 10,000 and $people people), same run =="
echo "p50 ${b50} ms, p99 ${b99} ms; $base_incomplete incomplete"
echo "ratio p99 ${p99} / ${b99} = $(awk "BEGIN { printf \"%.2f\", $p99 / $b99 }")"
echo
echo "Answering time at one peer by its size, the three asked side by side (Server-Timing, ms):"
printf '%-8s %-8s %-8s\n' PEOPLE P50 P99
printf '%-8s %-8s %-8s\n' 1000 "$(percentile "$work/1k.server" 50)" "$(percentile "$work/1k.server" 99)"
printf '%-8s %-8s %-8s\n' 10000 "$(percentile "$work/10k.server" 50)" "$(percentile "$work/10k.server" 99)"
printf '%-8s %-8s %-8s\n' "$people" "$(percentile "$work/big.server" 50)" "$(percentile "$work/big.server" 99)"
