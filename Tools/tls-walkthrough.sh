#!/usr/bin/env bash
# The "Certificates and peers" walkthrough (docs/guide/certificates-and-peers.md), run end to end: a region CA, two node
# certificates, each node pinned as the other's peer, both servers started, `vve peer check`
# both ways, and curl as an outside client. IntegrationTests runs it on every `swift test`.
#
# Usage: Tools/tls-walkthrough.sh [VVE_BINARY]   (default: vve on PATH)
# Exits non-zero at the first step that fails.
set -euo pipefail
vve=${1:-vve}
root=$(mktemp -d)
camden_port=$(( 20000 + RANDOM % 20000 ))
haringey_port=$(( camden_port + 1 ))
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$root"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }

step "1. The region CA"
"$vve" cert ca-init --dir "$root/ca" --name "North London Region CA"

step "2. Each node: create it, then its key and certificate request (the key never leaves it)"
for node in camden haringey; do
  "$vve" init --name "$node" --dir "$root/$node"
  "$vve" cert request --node "$node" --dns localhost --dir "$root/$node"
done

step "3. At the CA: sign each request; each node gets its certificate and the CA's"
for node in camden haringey; do
  "$vve" cert sign --ca "$root/ca" "$root/$node/Certificates/$node.csr"
  cp "$root/ca/ca.pem" "$root/$node/Certificates/ca.pem"
done

step "4. Pin each node as the other's peer"
"$vve" peer add haringey --dir "$root/camden" --url "https://localhost:$haringey_port" --role borough \
  --cert "$root/haringey/Certificates/haringey.pem" \
  --agreement NL-ISA-2026-004 --lawful-basis "Children Act 1989 s.47; DPA 2018 Sch.8 para 4"
"$vve" peer add camden --dir "$root/haringey" --url "https://localhost:$camden_port" --role borough \
  --cert "$root/camden/Certificates/camden.pem" \
  --agreement NL-ISA-2026-004 --lawful-basis "Children Act 1989 s.47; DPA 2018 Sch.8 para 4"

step "5. Start both servers"
"$vve" serve --dir "$root/camden" --listen "127.0.0.1:$camden_port" > "$root/camden.log" 2>&1 &
pids+=($!)
"$vve" serve --dir "$root/haringey" --listen "127.0.0.1:$haringey_port" > "$root/haringey.log" 2>&1 &
pids+=($!)
for log in "$root/camden.log" "$root/haringey.log"; do
  for _ in $(seq 100); do grep -q "listening on" "$log" && break; sleep 0.1; done
  grep "listening on" "$log" || { cat "$log"; exit 1; }
done

step "6. Check both ways"
"$vve" peer check haringey --dir "$root/camden"
"$vve" peer check camden --dir "$root/haringey"

step "7. curl, as an outside client, with haringey's certificate"
curl -sS --fail --cert "$root/haringey/Certificates/haringey.pem" --key "$root/haringey/Certificates/haringey.key" \
  --cacert "$root/ca/ca.pem" "https://localhost:$camden_port/v1/whoami"
echo
if curl -sS --cacert "$root/ca/ca.pem" "https://localhost:$camden_port/v1/health" 2>/dev/null; then
  echo "tls-walkthrough: a client without a certificate was served" >&2
  exit 1
fi
echo "without a client certificate: refused, as it must be"

step "8. Graceful shutdown"
for pid in "${pids[@]}"; do kill -TERM "$pid"; wait "$pid"; done
pids=()
tail -n 1 "$root/camden.log" "$root/haringey.log"
echo
echo "tls-walkthrough: ok"
