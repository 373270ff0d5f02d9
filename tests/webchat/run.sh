#!/usr/bin/env bash
# Browser end-to-end test of `hallpass demo`'s web chat with Debian's Chromium.
#
# Usage: HALLPASS_BINARY=build/hallpass tests/webchat/run.sh
# Needs: node, npm (the first run installs playwright-core and axe-core from package-lock.json),
# and /usr/bin/chromium (apt-get install chromium). Writes its screenshots into $SCREENSHOT_DIR
# (default build/webchat-e2e/).
#
# It starts two demos of the sample district: one where everyone reads English, one where
# everyone (and the district's channels) reads Spanish; e2e.mjs plays the same request on both.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${HALLPASS_BINARY:-$root/build/hallpass}"
config="${HALLPASS_CONFIG:-$root/config/sample-district.yaml}"
shots="${SCREENSHOT_DIR:-$root/build/webchat-e2e}"

if [[ ! -x "$binary" ]]; then
  echo "run.sh: no hallpass binary at $binary; build it or set HALLPASS_BINARY" >&2
  exit 1
fi
if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "run.sh: no Chromium at ${CHROMIUM:-/usr/bin/chromium}; apt-get install chromium" >&2
  exit 1
fi

if [[ ! -d "$here/node_modules/playwright-core" || ! -f "$here/node_modules/axe-core/axe.min.js" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The page's markup parser first: it needs no bot and no browser.
(cd "$here" && node --test markup_test.mjs >/dev/null) || {
  echo "run.sh: markup_test.mjs failed; run: node --test tests/webchat/markup_test.mjs" >&2
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/hallpass-webchat-e2e.XXXXXX")"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The two districts: copies of the config beside links to the files it names (policies, terms).
config_dir="$(dirname "$config")"
mkdir -p "$work/config"
for f in "$config_dir"/*; do ln -s "$f" "$work/config/$(basename "$f")"; done
rm "$work/config/$(basename "$config")"
sed -e 's/language: es, //' "$config" >"$work/config/english.yaml"
sed -e 's/language: es, //' -e 's/^  language: en$/  language: es/' -e 's/roles: \[/language: es, roles: [/' \
  "$config" >"$work/config/spanish.yaml"
grep -q '^  language: es$' "$work/config/spanish.yaml"

# Starts a demo; sets $url once it listens. "Hallpass web chat: http://127.0.0.1:<port>/".
start_demo() {
  local name="$1"
  mkfifo "$work/$name.stdout"
  "$binary" demo --port 0 --db "$work/$name.db" --config "$work/config/$name.yaml" \
    >"$work/$name.stdout" 2>"$work/$name.err" &
  pids+=($!)
  exec {fd}<"$work/$name.stdout"
  url=""
  while IFS= read -r -t 30 line <&"$fd"; do
    echo "$line"
    if [[ "$line" == "Hallpass web chat: http://"* ]]; then
      url="${line#Hallpass web chat: }"
      break
    fi
  done
  if [[ -z "$url" ]]; then
    echo "run.sh: hallpass demo ($name) did not print its address:" >&2
    cat "$work/$name.err" >&2
    exit 1
  fi
  # Keep draining the bot's stdout so it never blocks on a full pipe.
  cat <&"$fd" >"$work/$name.out" &
  pids+=($!)
}

start_demo english
en_url="$url"
start_demo spanish
es_url="$url"

mkdir -p "$shots"
status=0
(cd "$here" && node e2e.mjs "$en_url" "$es_url" "$shots") || status=$?
if [[ $status -ne 0 ]]; then
  echo "run.sh: the bots' logs:" >&2
  tail -n 30 "$work"/*.out "$work"/*.err >&2
fi
exit $status
