#!/usr/bin/env bash
# Browser end-to-end test of `hallpass demo`'s web chat with Debian's Chromium.
#
# Usage: HALLPASS_BINARY=build/hallpass tests/webchat/run.sh
# Needs: node, npm (the first run installs playwright-core from package-lock.json), and
# /usr/bin/chromium (apt-get install chromium). Writes build/webchat-e2e.png, or
# $SCREENSHOT_DIR/webchat-e2e.png.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
binary="${HALLPASS_BINARY:-$root/build/hallpass}"
config="${HALLPASS_CONFIG:-$root/config/sample-district.yaml}"
shots="${SCREENSHOT_DIR:-$root/build}"

if [[ ! -x "$binary" ]]; then
  echo "run.sh: no hallpass binary at $binary; build it or set HALLPASS_BINARY" >&2
  exit 1
fi
if [[ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "run.sh: no Chromium at ${CHROMIUM:-/usr/bin/chromium}; apt-get install chromium" >&2
  exit 1
fi

if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The page's markup parser first: it needs no bot and no browser.
(cd "$here" && node --test markup_test.mjs >/dev/null) || {
  echo "run.sh: markup_test.mjs failed; run: node --test tests/webchat/markup_test.mjs" >&2
  exit 1
}

work="$(mktemp -d "${TMPDIR:-/tmp}/hallpass-webchat-e2e.XXXXXX")"
bot_pid=""
cleanup() {
  if [[ -n "$bot_pid" ]] && kill -0 "$bot_pid" 2>/dev/null; then
    kill "$bot_pid" 2>/dev/null || true
    wait "$bot_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$shots"
mkfifo "$work/stdout"
"$binary" demo --port 0 --db "$work/demo.db" --config "$config" >"$work/stdout" 2>"$work/bot.err" &
bot_pid=$!
exec 3<"$work/stdout"

# The bot prints "Hallpass web chat: http://127.0.0.1:<port>/" once it listens.
url=""
while IFS= read -r -t 30 line <&3; do
  echo "$line"
  if [[ "$line" == "Hallpass web chat: http://"* ]]; then
    url="${line#Hallpass web chat: }"
    break
  fi
done
if [[ -z "$url" ]]; then
  echo "run.sh: hallpass demo did not print its address:" >&2
  cat "$work/bot.err" >&2
  exit 1
fi
# Keep draining the bot's stdout so it never blocks on a full pipe.
cat <&3 >"$work/bot.out" &

status=0
(cd "$here" && node e2e.mjs "$url" "$shots/webchat-e2e.png") || status=$?
if [[ $status -ne 0 ]]; then
  echo "run.sh: the bot's log:" >&2
  tail -n 50 "$work/bot.out" "$work/bot.err" >&2
fi
exit $status
