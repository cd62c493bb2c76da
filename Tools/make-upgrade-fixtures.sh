#!/usr/bin/env bash
# Makes the upgrade fixtures in Tests/Fixtures/protocol-N/ with the vve of this checkout, for
# the protocol version it speaks. They are committed once per version and never remade:
# later versions must open these stores and read these exchanges (UpgradeTests).
#
#   camden.sqlite     camden's store, by `vve backup`: its own records of every kind, copies
#                     of haringey's, conflicts' history, kept quarterly counts, an audit chain
#   haringey.sqlite   haringey's store, holding copies of camden's records
#   changes.json      the body of camden's answer to haringey's GET /v1/changes?since=0
#   whoami.json       camden's answer to GET /v1/whoami
#
# Usage: Tools/make-upgrade-fixtures.sh   (needs sqlite3 and curl)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source "$root/Tools/bench-nodes.sh"
start_region make-upgrade-fixtures
version=$(grep -o 'current = ProtocolVersion([0-9]*)' "$root/Sources/VVECore/Wire/ProtocolVersion.swift" | grep -o '[0-9]*')
out="$root/Tests/Fixtures/protocol-$version"
mkdir -p "$out"

pin() {
  local node=$1 peer=$2 port=$3 policy=$4
  "$vve" peer add "$peer" --url "https://localhost:$port" --cert "$work/$peer/Certificates/$peer.pem" --role borough \
    --agreement NL-ISA-2026-004 --lawful-basis "Children Act 1989 s.47" --dir "$work/$node" > /dev/null
  local file="$work/$node/Peers/$peer.yaml"
  grep -v '^lookups:\|^aggregates:' "$file" > "$file.tmp"
  printf '%s\n' "$policy" >> "$file.tmp"
  mv "$file.tmp" "$file"
}
shares='share:
  review-days: 90
  relocation:
    audience: [all]
    groups: [identity, placement, follow-up, status]
  county-lines-link:
    audience: [all]
    groups: [line, areas, activity, status]
accept:
  relocation: [follow-up]
lookups: yes
aggregates: yes'

make_node camden
make_node haringey
for kind in relocation county-lines-link shared-perpetrator missing-episode; do
  "$vve" generate --kind "$kind" --count 12 --seed 11 --owner camden > "$work/camden-$kind.ndjson"
  "$vve" record import "$work/camden-$kind.ndjson" --dir "$work/camden" > /dev/null
  "$vve" generate --kind "$kind" --count 6 --seed 12 --owner haringey > "$work/haringey-$kind.ndjson"
  "$vve" record import "$work/haringey-$kind.ndjson" --dir "$work/haringey" > /dev/null
done
echo "lookup-contact: Camden MASH duty desk, 020 7946 0000" >> "$work/camden/node.yaml"
echo "lookup-contact: Haringey MASH, 020 8489 0000" >> "$work/haringey/node.yaml"
pin camden haringey 1 "$shares"
pin haringey camden 1 "$shares"
camden_port=$(serve camden --no-pull)
haringey_port=$(serve haringey --no-pull)
sed -i "s#https://localhost:1#https://localhost:$haringey_port#" "$work/camden/Peers/haringey.yaml"
sed -i "s#https://localhost:1#https://localhost:$camden_port#" "$work/haringey/Peers/camden.yaml"
sleep 2
"$vve" sync --peer camden --once --dir "$work/haringey" > /dev/null
"$vve" sync --peer haringey --once --dir "$work/camden" > /dev/null
as_haringey=(--cacert "$work/camden/Certificates/ca.pem" --cert "$work/haringey/Certificates/haringey.pem" --key "$work/haringey/Certificates/haringey.key")
curl -sS "${as_haringey[@]}" -H 'Accept-Encoding: identity' "https://localhost:$camden_port/v1/changes?since=0&limit=100" > "$out/changes.json"
curl -sS "${as_haringey[@]}" "https://localhost:$camden_port/v1/whoami" | sed 's/"time":"[^"]*"/"time":"2026-12-06T12:00:00.000Z"/' > "$out/whoami.json"
rm -f "$out/camden.sqlite" "$out/haringey.sqlite"
"$vve" backup "$out/camden.sqlite" --dir "$work/camden" > /dev/null
"$vve" backup "$out/haringey.sqlite" --dir "$work/haringey" > /dev/null
chmod 644 "$out"/*.sqlite
printf 'fixtures for protocol %s in %s:\n' "$version" "$out"
ls -l "$out"
