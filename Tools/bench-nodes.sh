# Sourced by the benchmarks, after they set "$root" (the package): a throwaway region in
# "$work", its nodes made and served with the release binary "$vve".

# Builds vve (release), makes "$work" with a region CA and linkage key, and removes it all,
# servers included, when the script exits. $1 names the script in messages.
start_region() {
  echo "$1: building vve (release)..." >&2
  swift build -c release --product vve --package-path "$root" >/dev/null
  vve="$root/.build/release/vve"
  work=$(mktemp -d)
  trap cleanup EXIT
  export VVE_OPERATOR=bench.runner
  "$vve" cert ca-init --dir "$work/ca" --name "Bench Region CA" > /dev/null
  "$vve" linkage-key create "$work/linkage.key" > /dev/null
}

cleanup() {
  # Servers are started inside command substitutions, so their pids live in files.
  for file in "$work"/*.pid; do [ -e "$file" ] && kill "$(cat "$file")" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}

# A node: folder, key, certificate for localhost, CA certificate and the region's linkage key.
make_node() {
  local name=$1
  "$vve" init --name "$name" --dir "$work/$name" > /dev/null
  "$vve" cert request --node "$name" --dns localhost --dir "$work/$name" > /dev/null
  "$vve" cert sign --ca "$work/ca" "$work/$name/Certificates/$name.csr" > /dev/null
  cp "$work/ca/ca.pem" "$work/$name/Certificates/ca.pem"
  install -m 600 "$work/linkage.key" "$work/$name/Certificates/linkage.key"
}

# Starts `vve serve` on a free port; prints the port. Extra arguments go to serve. Its pid
# goes to "$work/NAME.pid", for the caller's cleanup.
serve() {
  local name=$1; shift
  "$vve" serve --listen 127.0.0.1:0 --dir "$work/$name" --log-level error "$@" > "$work/$name.out" 2> "$work/$name.err" &
  echo $! > "$work/$name.pid"
  for _ in $(seq 1 400); do
    local port
    port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$work/$name.out" 2>/dev/null | sed 's/.*://' || true)
    if [ -n "$port" ]; then echo "$port"; return; fi
    sleep 0.05
  done
  echo "$(basename "$0"): $name did not start: $(cat "$work/$name.err")" >&2
  exit 1
}

# Replaces the lookups and aggregates lines of node $1's file for peer $2 with the policy
# text $3 (share, accept, lookups, aggregates).
set_policy() {
  local file="$work/$1/Peers/$2.yaml"
  grep -v '^lookups:\|^aggregates:' "$file" > "$file.tmp"
  printf '%s\n' "$3" >> "$file.tmp"
  mv "$file.tmp" "$file"
}

# Edits record $2 at its owner, node $1, to another risk level, so that every edit is a real
# change; prints the edit's updatedAt.
edit_risk_level() {
  local owner=$1 id=$2 current level
  current=$(sqlite3 "$work/$owner/vve.sqlite" "SELECT risk_level FROM record WHERE id = '$id'")
  level=high; [ "$current" = high ] && level=very-high
  "$vve" record update "$id" --json "{\"fields\": {\"riskLevel\": \"$level\"}}" --dir "$work/$owner" > /dev/null || return 1
  sqlite3 "$work/$owner/vve.sqlite" "SELECT updated_at FROM record WHERE id = '$id'"
}

# Prints the milliseconds from $3 (an edit's updatedAt) until node $1 committed its copy of
# record $2 at that version or later; fails after 10 s.
delivery_millis() {
  local holder=$1 id=$2 updated=$3 received=
  for _ in $(seq 1 1000); do
    received=$(sqlite3 "$work/$holder/vve.sqlite" "SELECT received_at FROM shared_copy WHERE id = '$id' AND received_at >= '$updated'")
    [ -n "$received" ] && break
    sleep 0.01
  done
  [ -n "$received" ] || return 1
  echo $(( $(millis "$received") - $(millis "$updated") ))
}

# The time now, in seconds with nanoseconds; arithmetic on decimals; a timestamp as
# milliseconds since 1970.
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
millis() { date -d "$1" +%s%3N; }
