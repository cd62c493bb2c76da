#!/usr/bin/env bash
# Runs the two-node walkthrough of docs/guide/certificates-and-peers.md exactly as the doc
# writes it: the fenced block under "A two-node region, step by step" is read from the doc
# itself, so the doc and this run cannot drift apart. Only three things change, mechanically:
# HOME is a fresh folder (so ~/vve is a throwaway), the ports 7443 and 7444 become free
# ones, and each `vve serve` line runs in the background until it listens. Then it checks
# what the walkthrough promises: both peer checks passed, haringey holds camden's record,
# the lookup found it at camden, a client without a certificate is refused, and both
# servers stop gracefully. IntegrationTests runs it on every `swift test`.
#
# Usage: Tools/tls-walkthrough.sh [VVE_BINARY]   (default: vve on PATH)
# Exits non-zero at the first step that fails.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
binary=${1:-$(command -v vve)}
binary=$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")
root=$(mktemp -d)
mkdir -p "$root/bin" "$root/home"
ln -s "$binary" "$root/bin/vve"
camden_port=$(( 20000 + RANDOM % 20000 ))
haringey_port=$(( camden_port + 1 ))
cleanup() {
  for pid in $(cat "$root/pids" 2>/dev/null); do kill -TERM "$pid" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT

# The block, from the line after "```sh" under the heading to the closing fence.
awk '/^## A two-node region, step by step/ { found = 1 } found && /^```sh$/ { inside = 1; next }
     inside && /^```$/ { exit } inside { print }' "$here/docs/guide/certificates-and-peers.md" > "$root/steps.sh"
[ -s "$root/steps.sh" ] || { echo "tls-walkthrough: the walkthrough block was not found in the doc" >&2; exit 1; }

# The three mechanical changes: ports, and each server in the background until it listens.
sed -i -e "s/7443/$camden_port/g" -e "s/7444/$haringey_port/g" \
  -e 's|^vve serve \(.*\)$|vve serve \1 >> "$HOME/serve.log" 2>\&1 \& echo $! >> "'"$root"'/pids"; listening|' "$root/steps.sh"
cat > "$root/run.sh" <<PROLOGUE
set -euo pipefail
servers=0
# Waits until one more server has printed that it listens.
listening() {
  { set +x; } 2>/dev/null
  servers=\$((servers + 1))
  for _ in \$(seq 200); do
    if [ "\$(grep -c "^vve serve: node .* listening on" "\$HOME/serve.log" || true)" -ge "\$servers" ]; then set -x; return 0; fi
    sleep 0.1
  done
  cat "\$HOME/serve.log"
  exit 1
}
set -x
PROLOGUE
cat "$root/steps.sh" >> "$root/run.sh"

HOME="$root/home" PATH="$root/bin:$PATH" bash "$root/run.sh" 2>&1 | tee "$root/out.txt"

echo
echo "== What the walkthrough promises"
[ "$(grep -c "Peer check passed." "$root/out.txt")" -eq 2 ] || { echo "tls-walkthrough: a peer check failed" >&2; exit 1; }
grep -q "relocation  camden" "$root/out.txt" || { echo "tls-walkthrough: haringey holds no copy of camden's record" >&2; exit 1; }
grep -q "^camden: 1 hit" "$root/out.txt" || { echo "tls-walkthrough: the lookup did not find the young person at camden" >&2; exit 1; }
if curl -sS --cacert "$root/home/vve/ca/ca.pem" "https://localhost:$camden_port/v1/health" 2>/dev/null; then
  echo "tls-walkthrough: a client without a certificate was served" >&2
  exit 1
fi
echo "without a client certificate: refused, as it must be"
for pid in $(cat "$root/pids"); do kill -TERM "$pid"; done
for pid in $(cat "$root/pids"); do while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done; done
rm -f "$root/pids"
grep -c "^vve serve: node .* stopped" "$root/home/serve.log" | grep -qx 2 || { cat "$root/home/serve.log"; echo "tls-walkthrough: a server did not stop gracefully" >&2; exit 1; }
echo
echo "tls-walkthrough: ok"
