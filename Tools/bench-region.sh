#!/usr/bin/env bash
# Region benchmark (issue 23): a full mesh of real `vve serve` processes over mutual TLS on
# loopback, each with its own SQLite store, at the size of London (35 nodes), against the
# same figures for 5 nodes measured first in the same run, so the ratios show how the cost
# grows with the region.
#
# Each node holds RECORDS synthetic relocations; one in ten moves to another node of the
# region (cross-border) and is shared with it (`audience: [receiving-authority]`), the rest
# move outside it and stay home. Every pair pins each other; every node answers lookups.
#
#  1. Convergence from empty: every peer file written first, at fixed ports, then every node
#     started; from the moment all listen to the moment every node holds every copy it should
#     (shared_copy against the cross-border records sent to it).
#  2. Edit propagation: EDITS edits of cross-border records, each from the owner's updatedAt
#     to the receiving node's commit of its copy (received_at). p50 and p99; goal p99 < 500 ms.
#  3. A lookup across every peer (`vve lookup` from the first node, end to end, a process
#     each): p50 and p99 of LOOKUPS lookups.
#  4. The quarterly pack: a VRU node, pinned by every node with `aggregates: yes` and serving
#     with `--no-pull` as a real VRU would (so that the nodes' pulls from it succeed, finding
#     it shares nothing), asks every node every measure for eight quarters (`vve report pack`,
#     end to end, once), while the mesh keeps pulling. Tools/bench-report.sh measures each measure
#     and the pack over larger stores, with no mesh.
#  5. The whole region idle: the CPU of every node's `vve serve` over IDLE_SECONDS, and their
#     memory (the VRU's not counted, so that the figures compare with a region without one).
#
# Usage: Tools/bench-region.sh [NODES] [RECORDS] [EDITS] [LOOKUPS] [IDLE_SECONDS]
#        (defaults 35 2000 40 20 30)
set -euo pipefail
size=${1:-35}
records=${2:-2000}
edits=${3:-40}
lookups=${4:-20}
idle_seconds=${5:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v sqlite3 >/dev/null || { echo "bench-region: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }

source "$root/Tools/bench-nodes.sh"
start_region bench-region

# p50 and p99 of the numbers (one a line) in file $1, as "P50 P99".
percentiles() {
  sort -n "$1" | awk '{ v[NR] = $1 } END { p99 = int(NR * 0.99); if (p99 < 1) p99 = 1; print v[int((NR + 1) / 2)], v[p99] }'
}

policy='share:
  review-days: 90
  relocation:
    audience: [receiving-authority]
    groups: [placement, status]
lookups: yes
ask-lookups: yes
aggregates: no'

# Starts `vve serve` for node $1 at port $2, with any further arguments; `wait_listening`
# waits for it. Its pid goes to "$work/NAME.pid", for the cleanup.
serve_at() {
  local name=$1 at=$2; shift 2
  "$vve" serve --listen "127.0.0.1:$at" --dir "$work/$name" --log-level error "$@" > "$work/$name.out" 2> "$work/$name.err" &
  echo $! > "$work/$name.pid"
}

# Waits until node $1 listens.
wait_listening() {
  for _ in $(seq 1 600); do
    grep -q 'listening on' "$work/$1.out" 2>/dev/null && return
    sleep 0.05
  done
  echo "bench-region: $1 did not start: $(cat "$work/$1.err")" >&2
  exit 1
}

# Runs the whole benchmark for a region of $1 nodes named $2NN, listening from port $3 on;
# prints its figures and leaves them in the `result_*` variables.
run_region() {
  local count=$1 prefix=$2 base=$3 names=() node peer i
  for i in $(seq 1 "$count"); do names+=("$prefix$(printf '%02d' "$i")"); done
  echo "bench-region: $count nodes: making stores..." >&2
  # The region's VRU: no linkage key; it serves, shares nothing and pulls nothing.
  local vru=${prefix}vru
  make_node "$vru"
  rm "$work/$vru/Certificates/linkage.key"
  printf 'report-tables-per-analyst-per-day: 1000000\n' >> "$work/$vru/node.yaml"
  declare -gA port=()
  declare -A expected=()
  for node in "${names[@]}"; do expected[$node]=0; done
  i=0
  for node in "${names[@]}"; do
    i=$((i + 1))
    make_node "$node"
    # Every peer connects from 127.0.0.1 here, so the limit of connections from one address
    # (32 by default, for a real region where each peer has its own) is raised.
    printf 'lookup-contact: %s duty desk, 020 7946 0000\noperator-lookups-per-minute: 100000\noperator-lookups-per-day: 100000\npeer-lookups-per-minute: 100000\npeer-lookups-per-day: 100000\nconnections-per-address: 4096\nmaximum-connections: 4096\naggregate-tables-per-peer-per-day: 1000000\n' \
      "$node" >> "$work/$node/node.yaml"
    # One in ten moves to another node of the region.
    "$vve" generate --kind relocation --count "$records" --seed "$i" --owner "$node" \
      | awk -v seed="$i" -v self="$node" -v others="$(printf '%s ' "${names[@]}")" '
          BEGIN { srand(seed); n = split(others, pool, " ") }
          { if (rand() < 0.1) { do { to = pool[int(rand() * n) + 1] } while (to == self)
              sub(/"receivingAuthority":"[^"]*"/, "\"receivingAuthority\":\"" to "\"") }
            print }' > "$work/$node.ndjson"
    "$vve" record import "$work/$node.ndjson" --dir "$work/$node" > /dev/null
    for peer in "${names[@]}"; do
      [ "$peer" = "$node" ] && continue
      expected[$peer]=$(( expected[$peer] + $(grep -c "\"receivingAuthority\":\"$peer\"" "$work/$node.ndjson" || true) ))
    done
  done
  # A person the first node's officers look for, held at the last node.
  local last=${names[$((count - 1))]}
  "$vve" record add relocation --dir "$work/$last" --json "{\"reviewDate\": \"$(date -u -d '+180 days' +%F)\", \"fields\": {\"youngPerson\": {\"forenames\": \"Tia\", \"surname\": \"Okonjo\", \"dateOfBirth\": \"2011-03-04\"}, \"originatingAuthority\": \"$last\", \"receivingAuthority\": \"hertfordshire\", \"moveDate\": \"$(date -u -d '-30 days' +%F)\", \"accommodationType\": \"relatives\", \"reasonCategory\": \"threat-of-violence\", \"riskLevel\": \"high\", \"originatingSpoc\": {\"name\": \"Ada Brennan\", \"phone\": \"020 7946 0001\"}}}" > /dev/null

  echo "bench-region: $count nodes: pinning every pair, then serving..." >&2
  i=0
  for node in "${names[@]}"; do port[$node]=$(( base + i )); i=$((i + 1)); done
  port[$vru]=$(( base + count ))
  for node in "${names[@]}"; do
    for peer in "${names[@]}"; do
      [ "$peer" = "$node" ] && continue
      "$vve" peer add "$peer" --url "https://localhost:${port[$peer]}" --cert "$work/$peer/Certificates/$peer.pem" --role borough \
        --agreement NL-ISA-2026-004 --lawful-basis "Children Act 1989 s.47" --dir "$work/$node" > /dev/null
      set_policy "$node" "$peer" "$policy"
    done
    "$vve" peer add "$vru" --url "https://localhost:${port[$vru]}" --cert "$work/$vru/Certificates/$vru.pem" --role vru \
      --agreement NL-ISA-2026-004 --lawful-basis "Crime and Disorder Act 1998 s.17A" --dir "$work/$node" > /dev/null
    sed -i 's/^aggregates: no$/aggregates: yes/' "$work/$node/Peers/$vru.yaml"
    "$vve" peer add "$node" --url "https://localhost:${port[$node]}" --cert "$work/$node/Certificates/$node.pem" --role borough \
      --agreement NL-ISA-2026-004 --lawful-basis "Crime and Disorder Act 1998 s.17A" --dir "$work/$vru" > /dev/null
    printf 'ask-aggregates: yes\n' >> "$work/$vru/Peers/$node.yaml"
  done

  # 1. Convergence from empty.
  local started converged=no
  for node in "${names[@]}"; do serve_at "$node" "${port[$node]}"; done
  serve_at "$vru" "${port[$vru]}" --no-pull
  for node in "${names[@]}" "$vru"; do wait_listening "$node"; done
  started=$(now)
  for _ in $(seq 1 6000); do
    converged=yes
    for node in "${names[@]}"; do
      [ "$(sqlite3 "$work/$node/vve.sqlite" "SELECT COUNT(*) FROM shared_copy")" = "${expected[$node]}" ] || { converged=no; break; }
    done
    [ "$converged" = yes ] && break
    sleep 0.1
  done
  [ "$converged" = yes ] || { echo "bench-region: $count nodes did not converge" >&2; exit 1; }
  result_converge=$(calc "$(now) - $started")
  result_copies=$(for node in "${names[@]}"; do echo "${expected[$node]}"; done | awk '{ s += $1 } END { print s }')

  # 2. Edit propagation, to the receiving node of cross-border records.
  : > "$work/$prefix.edits"
  for i in $(seq 1 "$edits"); do
    local owner=${names[$(( i % count ))]} id holder updated
    read -r id holder < <(sqlite3 -separator ' ' "$work/$owner/vve.sqlite" \
      "SELECT id, json_extract(document, '$.fields.receivingAuthority') FROM record
         WHERE json_extract(document, '$.fields.receivingAuthority') LIKE '${prefix}__' ORDER BY id LIMIT 1 OFFSET $(( i / count ))")
    updated=$(edit_risk_level "$owner" "$id")
    delivery_millis "$holder" "$id" "$updated" >> "$work/$prefix.edits" \
      || { echo "bench-region: edit $i did not reach $holder" >&2; exit 1; }
  done
  read -r result_edit_p50 result_edit_p99 < <(percentiles "$work/$prefix.edits")

  # 3. Lookups across every peer, from the first node.
  : > "$work/$prefix.lookups"
  for _ in $(seq 1 "$lookups"); do
    started=$(now)
    "$vve" lookup --surname Okonjo --forename Tia --dob 2011-03-04 --reason "missing child enquiry, benchmark" \
      --dir "$work/${names[0]}" > "$work/$prefix.lookup.out" || { echo "bench-region: a lookup failed: $(cat "$work/$prefix.lookup.out")" >&2; exit 1; }
    grep -q "$last" "$work/$prefix.lookup.out" || { echo "bench-region: the lookup did not find the person at $last" >&2; exit 1; }
    calc "($(now) - $started) * 1000" >> "$work/$prefix.lookups"
    echo >> "$work/$prefix.lookups"
  done
  read -r result_lookup_p50 result_lookup_p99 < <(percentiles "$work/$prefix.lookups")

  # 4. The quarterly pack, asked by the VRU of every node.
  started=$(now)
  "$vve" report pack --purpose "benchmark of the quarterly pack" --timeout 120 --json --dir "$work/$vru" > "$work/$prefix.pack.out" 2> "$work/$prefix.pack.err" \
    || { echo "bench-region: the pack was incomplete:" >&2; cat "$work/$prefix.pack.err" >&2
         grep -E '"(measure|state|reason)"' "$work/$prefix.pack.out" | grep -v '"answered"' | uniq -c >&2; exit 1; }
  result_pack=$(calc "$(now) - $started")

  # 5. The region idle.
  sleep 5
  local pids=() ticks_before=0 ticks_after=0 rss=0 pid
  for node in "${names[@]}"; do pids+=("$(cat "$work/$node.pid")"); done
  for pid in "${pids[@]}"; do ticks_before=$(( ticks_before + $(awk '{ print $14 + $15 }' "/proc/$pid/stat") )); done
  sleep "$idle_seconds"
  for pid in "${pids[@]}"; do
    ticks_after=$(( ticks_after + $(awk '{ print $14 + $15 }' "/proc/$pid/stat") ))
    rss=$(( rss + $(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status") ))
  done
  result_idle_cpu=$(calc "($ticks_after - $ticks_before) / $(getconf CLK_TCK) / $idle_seconds * 100")
  result_memory=$(( rss / 1024 ))
  for pid in "${pids[@]}" "$(cat "$work/$vru.pid")"; do kill "$pid"; done
  wait 2>/dev/null || true
  rm -f "$work"/"$prefix"*.pid

  printf '%d nodes, full mesh (%d peer files), %d relocations each, %d copies to converge\n' "$count" $(( count * (count - 1) )) "$records" "$result_copies"
  printf '  1. converged from empty:        %8.1f s\n' "$result_converge"
  printf '  2. edit propagation p50 / p99:  %6d / %d ms  (%d edits; goal p99 < 500 ms)\n' "$result_edit_p50" "$result_edit_p99" "$edits"
  printf '  3. lookup across %2d peers p50 / p99: %6.0f / %.0f ms  (%d lookups, a process each)\n' $(( count - 1 )) "$result_lookup_p50" "$result_lookup_p99" "$lookups"
  printf '  4. quarterly pack from the VRU:  %8.1f s  (every measure, 8 quarters, from %d nodes)\n' "$result_pack" "$count"
  printf '  5. idle, whole region:          %8.1f%% of one core, %d MiB resident  (%d s)\n' "$result_idle_cpu" "$result_memory" "$idle_seconds"
}

run_region 5 f 21100
base_converge=$result_converge base_edit=$result_edit_p99 base_lookup=$result_lookup_p99 base_pack=$result_pack base_cpu=$result_idle_cpu base_memory=$result_memory
run_region "$size" n 21200
printf 'ratios %d nodes / 5 nodes: converge %.1f, edit p99 %.1f, lookup p99 %.1f, pack %.1f, idle CPU %.1f, memory %.1f\n' "$size" \
  "$(calc "$result_converge / $base_converge")" "$(calc "$result_edit_p99 / $base_edit")" "$(calc "$result_lookup_p99 / $base_lookup")" \
  "$(calc "$result_pack / $base_pack")" \
  "$(calc "($result_idle_cpu + 0.01) / ($base_cpu + 0.01)")" "$(calc "$result_memory / $base_memory")"
