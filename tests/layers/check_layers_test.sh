#!/usr/bin/env bash
# ctest: scripts/check-layers.sh passes this checkout, and fails a tree where one include runs
# upward (the core including a workflow, an adapter including the store, one platform another),
# naming the file, the line and the include.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
check="$here/scripts/check-layers.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hallpass-layers-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$check" "$here" || { echo "FAIL: this checkout has an upward include"; exit 1; }

tree() {  # a tiny tree with one file and the include given
  rm -rf "$tmp/t" && mkdir -p "$tmp/t/$(dirname "$1")"
  printf '#pragma once\n#include <string>\n#include "%s"\n' "$2" > "$tmp/t/$1"
}
expect_fail() {
  tree "$1" "$2"
  if out=$("$check" "$tmp/t" 2>&1); then echo "FAIL: $1 including $2 was accepted"; exit 1; fi
  grep -qF "$1:3: includes $2" <<<"$out" || { echo "FAIL: no file:line for $1 → $2 in: $out"; exit 1; }
}
expect_pass() {
  tree "$1" "$2"
  "$check" "$tmp/t" >/dev/null 2>&1 || { echo "FAIL: $1 including $2 was refused"; exit 1; }
}
expect_fail bot/core/bot.hpp workflows/router.hpp
expect_fail bot/model/message.hpp bot/store/store.hpp
expect_fail adapters/slack/slack_adapter.hpp bot/store/store.hpp
expect_fail adapters/slack/slack_adapter.hpp adapters/teams/teams_cards.hpp
expect_fail adapters/common/http_client.hpp adapters/slack/slack_web_api.hpp
expect_fail workflows/digest.hpp adapters/slack/slack_blocks.hpp
expect_pass workflows/digest.hpp bot/core/router.hpp
expect_pass adapters/teams/teams_cards.hpp adapters/common/json_fields.hpp
expect_pass app/cli/main.cpp adapters/slack/slack_adapter.hpp
echo "check-layers: passes this checkout, refuses 6 upward includes, accepts 3 downward ones"
