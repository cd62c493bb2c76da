#!/usr/bin/env bash
# A stranger storm does not disturb sync (issue 19). Two real `vve serve` processes on
# loopback: camden owns relocations to haringey, which pulls them with long-polls and asks
# camden's lookups. Then:
#
#  1. Baseline: EDITS edits at camden, each timed from its updatedAt at camden to the moment
#     haringey applied it (shared_copy.received_at). Prints p50 and p99.
#  2. Storm: one client process (python3's ssl) opens HANDSHAKES TLS connections to camden
#     without a certificate within a minute, from 127.0.0.1, while the same edits are made
#     and timed and haringey's officer runs a lookup every 2 s. Prints the audit rows camden
#     added during the storm (goal: a few a minute per address), the propagation p99 during
#     the storm against the baseline's, the lookups answered, and camden's peak resident
#     memory (VmHWM).
#  3. Optional: testssl.sh (Debian's `testssl.sh` package) against camden, when installed:
#     prints whether it reports an obsolete cipher or a vulnerability.
#
# Usage: Tools/bench-storm.sh [EDITS] [HANDSHAKES]   (defaults 40 5000)
set -euo pipefail
edits=${1:-40}
handshakes=${2:-5000}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v sqlite3 >/dev/null || { echo "bench-storm: needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "bench-storm: needs python3, for the storm's client" >&2; exit 2; }

source "$root/Tools/bench-nodes.sh"
start_region bench-storm

percentile() { sort -n "$1" | awk -v p="$2" '{ v[NR] = $1 } END { i = int((NR - 1) * p / 100) + 1; print v[i] }'; }

pin() {
  "$vve" peer add "$2" --url "https://localhost:$3" --cert "$work/$2/Certificates/$2.pem" --role borough \
    --agreement NL-ISA-2026-004 --lawful-basis "Children Act 1989 s.47" --dir "$work/$1" > /dev/null
}

make_node camden
make_node haringey
# Lookups run every 2 s for a minute: well within limits that measure the storm, not them.
for node in camden haringey; do
  printf 'peer-lookups-per-minute: 1000\npeer-lookups-per-day: 100000\noperator-lookups-per-minute: 1000\noperator-lookups-per-day: 100000\n' >> "$work/$node/node.yaml"
done
camden_port=$(serve camden)
haringey_port=$(serve haringey)
pin camden haringey "$haringey_port"
pin haringey camden "$camden_port"
# camden shares relocations with haringey and answers its lookups; haringey asks them.
set_policy camden haringey "$(printf 'share:\n  review-days: 90\n  relocation:\n    audience: [all]\n    groups: [placement, follow-up, status]\nlookups: yes\naggregates: no')"
printf 'ask-lookups: yes\n' >> "$work/haringey/Peers/camden.yaml"
kill -HUP "$(cat "$work/camden.pid")" "$(cat "$work/haringey.pid")"

"$vve" generate --kind relocation --count 1 --seed 19 --owner camden > "$work/one.ndjson"
"$vve" record import "$work/one.ndjson" --dir "$work/camden" > /dev/null
id=$(sqlite3 "$work/camden/vve.sqlite" "SELECT id FROM record")
for _ in $(seq 1 400); do
  [ "$(sqlite3 "$work/haringey/vve.sqlite" "SELECT COUNT(*) FROM shared_copy")" = 1 ] && break
  sleep 0.05
done
[ "$(sqlite3 "$work/haringey/vve.sqlite" "SELECT COUNT(*) FROM shared_copy")" = 1 ] || { echo "bench-storm: haringey never received the record" >&2; exit 1; }

# Times EDITS edits of the record from camden to haringey into file $1.
propagate() {
  : > "$1"
  for _ in $(seq 1 "$edits"); do
    updated=$(edit_risk_level camden "$id")
    delivery_millis haringey "$id" "$updated" >> "$1" || { echo "bench-storm: an edit did not reach haringey within 10 s" >&2; exit 1; }
  done
}

echo "bench-storm: 1/3 baseline: $edits edits without a storm..." >&2
propagate "$work/calm"

echo "bench-storm: 2/3 $handshakes handshakes without a certificate in a minute, with sync and lookups..." >&2
audit_before=$(sqlite3 "$work/camden/vve.sqlite" "SELECT COUNT(*) FROM audit_log")
refusals_before=$(sqlite3 "$work/camden/vve.sqlite" "SELECT COUNT(*) FROM audit_log WHERE action = 'refuse'")
python3 - "$camden_port" "$handshakes" > "$work/storm.out" 2>&1 <<'PY' &
import socket, ssl, sys, threading, time
port, total = int(sys.argv[1]), int(sys.argv[2])
context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
context.check_hostname = False
context.verify_mode = ssl.CERT_NONE
lock = threading.Lock()
counts = {"handshakes": 0, "refused": 0}
start = time.monotonic()
def worker(share):
    for n in range(share):
        # Paced to spread the storm over 60 s.
        due = start + 60.0 * (n * workers) / total
        pause = due - time.monotonic()
        if pause > 0: time.sleep(pause)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    with lock: counts["handshakes"] += 1
        except (OSError, ssl.SSLError):
            with lock: counts["refused"] += 1
workers = 16
threads = [threading.Thread(target=worker, args=(total // workers + (1 if i < total % workers else 0),)) for i in range(workers)]
for t in threads: t.start()
for t in threads: t.join()
print(f"{counts['handshakes']} {counts['refused']} {time.monotonic() - start:.1f}")
PY
storm=$!
storm_start=$(date +%s.%N)
: > "$work/lookups"
(
  while kill -0 "$storm" 2>/dev/null; do
    status=0
    "$vve" lookup --dir "$work/haringey" --surname Adeyemi --forename Kofi --yob 2010 --reason "benchmark of lookups during a flood of handshakes" \
      --timeout 10 > /dev/null 2>&1 || status=$?
    echo "$status" >> "$work/lookups"
    sleep 2
  done
) &
lookups_loop=$!
propagate "$work/stormy"
wait "$storm"
wait "$lookups_loop" || true
storm_seconds=$(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $storm_start }")
sleep 2  # refusal counts are written once a second
audit_added=$(( $(sqlite3 "$work/camden/vve.sqlite" "SELECT COUNT(*) FROM audit_log") - audit_before ))
refusals_added=$(( $(sqlite3 "$work/camden/vve.sqlite" "SELECT COUNT(*) FROM audit_log WHERE action = 'refuse'") - refusals_before ))
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$(cat "$work/camden.pid")/status")
read -r shaken refused storm_elapsed < "$work/storm.out" || { echo "bench-storm: the storm client failed: $(cat "$work/storm.out")" >&2; exit 1; }
answered=$(grep -cx '[01]' "$work/lookups" || true)
asked=$(wc -l < "$work/lookups")

calm50=$(percentile "$work/calm" 50); calm99=$(percentile "$work/calm" 99)
stormy50=$(percentile "$work/stormy" 50); stormy99=$(percentile "$work/stormy" 99)
printf 'storm: %d connections from 127.0.0.1 in %.1f s (%d handshakes completed by the client, %d refused or cut)\n' \
  "$handshakes" "$storm_elapsed" "$shaken" "$refused"
printf '  audit rows added at camden:    %6d  (%d refusals; goal: a few a minute for the one address)\n' "$audit_added" "$refusals_added"
printf '  propagation without storm:     p50 %d ms, p99 %d ms (baseline, %d edits)\n' "$calm50" "$calm99" "$edits"
printf '  propagation during the storm:  p50 %d ms, p99 %d ms\n' "$stormy50" "$stormy99"
printf '  ratio p99 storm/baseline:      %8.2f\n' "$(awk "BEGIN { printf \"%.2f\", $stormy99 / ($calm99 > 0 ? $calm99 : 1) }")"
printf '  lookups answered:              %d of %d asked during the storm (%.1f s)\n' "$answered" "$asked" "$storm_seconds"
printf '  camden peak memory (VmHWM):    %d MiB\n' "$(( peak / 1024 ))"

echo "bench-storm: 3/3 testssl.sh..." >&2
# Debian installs testssl.sh as `testssl`. Protocols, cipher categories, ciphers per
# protocol and every vulnerability check, against the server without a client certificate.
testssl=$(command -v testssl || command -v testssl.sh || true)
if [ -z "$testssl" ]; then
  echo "testssl.sh: not installed; skipped (apt-get install testssl.sh)"
else
  "$testssl" --quiet --color 0 --warnings off -p -s -E -U "127.0.0.1:$camden_port" > "$work/testssl.out" 2>&1 || true
  grep -q 'TLS 1.3 *offered' "$work/testssl.out" || { echo "testssl.sh: did not run: $(tail -3 "$work/testssl.out")"; exit 1; }
  findings=$(awk '/VULNERABLE|NOT ok/ || (/[Oo]bsolete/ && !/not offered/)' "$work/testssl.out")
  if [ -n "$findings" ]; then
    echo "testssl.sh: findings:"; echo "$findings" | sed 's/^/  /'
  else
    echo "testssl.sh: $(grep -c 'not vulnerable' "$work/testssl.out") vulnerability checks passed; no obsolete protocol or cipher offered; only TLS 1.3"
  fi
fi
