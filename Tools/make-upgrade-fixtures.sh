#!/usr/bin/env bash
# Makes the upgrade fixtures in Tests/Fixtures/protocol-N/ with the vve of this checkout, for
# the protocol version it speaks. They are committed once per version and never remade. The
# stores, changes.json and whoami.json are made together when camden.sqlite is missing, and
# any exchange files then go, since they answered another store; each exchange is made when
# its files are missing, against the committed camden.sqlite. Later versions must open these
# stores and serve and read these exchanges (UpgradeTests).
#
#   camden.sqlite           camden's store, by `vve backup`: its own records of every kind,
#                           copies of haringey's, conflicts' history, kept quarterly counts,
#                           an audit chain
#   haringey.sqlite         haringey's store, holding copies of camden's records
#   changes.json            the body of camden's answer to haringey's GET /v1/changes?since=0
#   whoami.json             camden's answer to GET /v1/whoami
#   lookup-request.http     haringey's POST /v1/lookup as `vve lookup` sent it, head and body
#   lookup-answer.json      camden's answer to it, from camden.sqlite
#   aggregate-request.http  haringey's POST /v1/aggregate as `vve report relocations` sent it
#   aggregate-answer.json   camden's answer to it, from camden.sqlite
#
# The lookup is made under a linkage key that is the SHA-256, in hex, of the public phrase
# "vve upgrade fixtures, protocol N": plainly not a secret, and made again by the tests at run
# time, so that no key is committed.
#
# A request is captured by `openssl s_server` posing as camden, with camden's certificate,
# so that it is exactly what the client wrote; the answer is camden's `vve serve` to that
# body.
#
# Usage: Tools/make-upgrade-fixtures.sh   (needs sqlite3, curl and openssl)
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
  set_policy "$node" "$peer" "$policy"
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
printf 'vve upgrade fixtures, protocol %s' "$version" | sha256sum | cut -c1-64 > "$work/linkage.key"
for node in camden haringey; do install -m 600 "$work/linkage.key" "$work/$node/Certificates/linkage.key"; done
echo "lookup-contact: Camden MASH duty desk, 020 7946 0000" >> "$work/camden/node.yaml"
echo "lookup-contact: Haringey MASH, 020 8489 0000" >> "$work/haringey/node.yaml"
pin camden haringey 1 "$shares"
pin haringey camden 1 "$shares"
echo "ask-lookups: yes" >> "$work/haringey/Peers/camden.yaml"
echo "ask-aggregates: yes" >> "$work/haringey/Peers/camden.yaml"
as_haringey=(--cacert "$work/camden/Certificates/ca.pem" --cert "$work/haringey/Certificates/haringey.pem" --key "$work/haringey/Certificates/haringey.key")

if [ ! -e "$out/camden.sqlite" ]; then
rm -f "$out"/lookup-* "$out"/aggregate-*
for kind in relocation county-lines-link shared-perpetrator missing-episode; do
  "$vve" generate --kind "$kind" --count 12 --seed 11 --owner camden > "$work/camden-$kind.ndjson"
  "$vve" record import "$work/camden-$kind.ndjson" --dir "$work/camden" > /dev/null
  "$vve" generate --kind "$kind" --count 6 --seed 12 --owner haringey > "$work/haringey-$kind.ndjson"
  "$vve" record import "$work/haringey-$kind.ndjson" --dir "$work/haringey" > /dev/null
done
camden_port=$(serve camden --no-pull)
haringey_port=$(serve haringey --no-pull)
sed -i "s#https://localhost:1#https://localhost:$haringey_port#" "$work/camden/Peers/haringey.yaml"
sed -i "s#https://localhost:1#https://localhost:$camden_port#" "$work/haringey/Peers/camden.yaml"
sleep 2
"$vve" sync --peer camden --once --dir "$work/haringey" > /dev/null
"$vve" sync --peer haringey --once --dir "$work/camden" > /dev/null
curl -sS "${as_haringey[@]}" -H 'Accept-Encoding: identity' "https://localhost:$camden_port/v1/changes?since=0&limit=100" > "$out/changes.json"
curl -sS "${as_haringey[@]}" "https://localhost:$camden_port/v1/whoami" | sed 's/"time":"[^"]*"/"time":"2026-12-06T12:00:00.000Z"/' > "$out/whoami.json"
rm -f "$out/camden.sqlite" "$out/haringey.sqlite"
"$vve" backup "$out/camden.sqlite" --dir "$work/camden" > /dev/null
"$vve" backup "$out/haringey.sqlite" --dir "$work/haringey" > /dev/null
chmod 644 "$out"/*.sqlite
for pid in "$(cat "$work/camden.pid")" "$(cat "$work/haringey.pid")"; do
  kill "$pid"
  while kill -0 "$pid" 2> /dev/null; do sleep 0.1; done
done
sed -i "s#https://localhost:$haringey_port#https://localhost:1#" "$work/camden/Peers/haringey.yaml"
fi

# The exchanges, against camden's committed store, served by this vve.
rm -f "$work/camden/vve.sqlite"*
install -m 600 "$out/camden.sqlite" "$work/camden/vve.sqlite"
camden_port=$(serve camden --no-pull)
capture_port=$((20000 + RANDOM % 20000))

# Runs the vve command $2... at haringey against openssl posing as camden, and writes the
# request it sent to $1, head and body, with CRLF line ends as sent.
capture() {
  local file=$1; shift
  sed -i "s#^url: .*#url: https://localhost:$capture_port#" "$work/haringey/Peers/camden.yaml"
  (sleep 6 | openssl s_server -accept "$capture_port" -naccept 1 -quiet -tls1_3 -Verify 1 \
    -cert "$work/camden/Certificates/camden.pem" -key "$work/camden/Certificates/camden.key" \
    -CAfile "$work/ca/ca.pem" > "$work/capture" 2> /dev/null &)
  sleep 1
  "$vve" "$@" --timeout 3 --dir "$work/haringey" > /dev/null || true
  sleep 1
  [ -s "$work/capture" ] || { echo "make-upgrade-fixtures: nothing captured for $file" >&2; exit 1; }
  cp "$work/capture" "$file"
}

# Sends the request in $1 (head and body as captured) to camden's vve serve as haringey, and
# writes camden's answer's body to $2.
answer() {
  local request=$1 file=$2 path
  path=$(head -1 "$request" | cut -d' ' -f2)
  sed '1,/^\r\?$/d' "$request" > "$work/body"
  curl -sS --fail-with-body "${as_haringey[@]}" -H 'Accept-Encoding: identity' -H 'Content-Type: application/json' \
    -H "VVE-Protocol: $version" --data-binary @"$work/body" "https://localhost:$camden_port$path" > "$file"
}

if [ ! -e "$out/lookup-request.http" ]; then
  # Forenames may hold a space: the columns are split at `|`.
  person=$(sqlite3 -separator '|' "$out/camden.sqlite" \
    "select json_extract(document, '$.fields.youngPerson.surname'), json_extract(document, '$.fields.youngPerson.forenames'), json_extract(document, '$.fields.youngPerson.dateOfBirth') from record where kind = 'relocation' and json_extract(document, '$.fields.youngPerson.dateOfBirth') is not null order by id limit 1")
  IFS='|' read -r surname forename dob <<< "$person"
  capture "$out/lookup-request.http" lookup --surname "$surname" --forename "$forename" --dob "$dob" \
    --reason "missing child enquiry, cross-border check" --case-ref CAD-4471/26
  answer "$out/lookup-request.http" "$out/lookup-answer.json"
fi
if [ ! -e "$out/aggregate-request.http" ]; then
  capture "$out/aggregate-request.http" report relocations --quarter 2026Q3 --quarters 8 \
    --purpose "quarterly review of relocations for the VRU board"
  answer "$out/aggregate-request.http" "$out/aggregate-answer.json"
fi
printf 'fixtures for protocol %s in %s:\n' "$version" "$out"
ls -l "$out"
