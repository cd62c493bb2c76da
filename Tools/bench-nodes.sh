# Sourced by the benchmarks: nodes of a throwaway region in "$work", made and served with
# the release binary "$vve". Expects "$work/ca" (a region CA) and "$work/linkage.key".

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
