#!/usr/bin/env bash
# /metrics is valid Prometheus exposition as Prometheus's own checker reads it: the demo runs with
# its admin listener on a port the OS picks, is scraped, and is stopped by its process id.
# Skipped (77) where promtool (Debian's prometheus package) is not installed.
set -euo pipefail
binary=${1:?the hallpass binary}
command -v promtool >/dev/null || { echo "promtool is not installed: skipped"; exit 77; }
work=$(mktemp -d)
pid=
cleanup() { [[ -n "$pid" ]] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
"$binary" demo --port 0 --admin-port 0 --db "$work/demo.db" >"$work/out.txt" 2>&1 &
pid=$!
for _ in $(seq 100); do
  url=$(sed -n 's|.*Hallpass admin: \(http://127.0.0.1:[0-9]*\).*|\1|p' "$work/out.txt")
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { cat "$work/out.txt"; echo "FAIL: the admin listener did not start"; exit 1; }
python3 - "$url/metrics" "$work/metrics.txt" <<'PY'
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=10) as r:
    assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers["Content-Type"]
    open(sys.argv[2], "wb").write(r.read())
PY
promtool check metrics < "$work/metrics.txt"
grep -q '^hallpass_outbox_messages{state="pending"} ' "$work/metrics.txt"
echo "metrics: promtool finds no problem"
