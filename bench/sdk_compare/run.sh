#!/usr/bin/env bash
# Hallpass side by side with Bolt 5.1 (Slack) and botbuilder 4.23.3 (Teams), on
# the same fake servers, the scenarios of issue 17. Runs each scenario for Hallpass and then the
# SDK app, ROUNDS times, interleaved (the machine is shared: figures are noisy), and prints one
# table. Needs node/npm and an optimised build:
#   cmake --preset release && flock /tmp/hallpass-build.lock cmake --build build-release -j2 --target sdk_compare_bench hallpass
#   bench/sdk_compare/run.sh            (ROUNDS=2, BUILD_DIR=build-release by default; ONLY=ack: one scenario)
# Never part of ctest or CI (node is not on the CI machine).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${BUILD_DIR:-$root/build-release}
rounds=${ROUNDS:-2}
bench=$build/bench/sdk_compare_bench
hallpass=$build/hallpass
for f in "$bench" "$hallpass"; do
  [[ -x $f ]] || { echo "run.sh: $f is missing; build the release preset first (see the top of this file)" >&2; exit 1; }
done
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
out=$(mktemp)
trap 'rm -f "$out"' EXIT

scenarios=(
  "ack 2000 1000"       # Slack ack latency at 1,000 commands/s
  "drop 4000 2000"      # a TCP drop every 4 s (the oldest connection), 2,000 commands at 200/s
  "drop 4000 2000 all"  # the same, every open connection at once
  "429"                 # one channel's 429: the other channels' answers
  "stop 2000 1000"      # SIGTERM at command 1,000 of 2,000 at 200/s over 50 channels
  "teams-slow 10000"    # Teams: A's reply held 10 s at the Connector, B writes 500 ms later
  "teams-lookup 20000"  # Teams: a new person's e-mail look-up stalled 20 s
)
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
  for s in "${scenarios[@]}"; do
    [[ -n ${ONLY:-} && ${s%% *} != "$ONLY" ]] && continue  # ONLY=ack: that scenario alone
    # shellcheck disable=SC2086  # the scenario's words are separate arguments
    "$bench" $s --hallpass "$hallpass" | grep '^RESULT' | tee -a "$out" || true
    sdk=$here/bolt_app.js
    [[ $s == teams-* ]] && sdk=$here/botbuilder_bot.js
    # shellcheck disable=SC2086
    "$bench" $s --sdk node "$sdk" | grep '^RESULT' | tee -a "$out" || true
  done
done

echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, ROUNDS=$rounds (each cell: one value per round)"
awk '
  function keep(sc, side, key, v,   k) { k = sc SUBSEP key SUBSEP side; if (k in vals) vals[k] = vals[k] ", " v; else vals[k] = v;
                                     if (!((sc SUBSEP key) in seen)) { seen[sc SUBSEP key] = 1; order[++n] = sc SUBSEP key } }
  /^RESULT/ {
    sc = $2; side = ($3 == "hallpass") ? "hallpass" : "sdk"
    for (i = 4; i <= NF; i++) if (split($i, kv, "=") == 2) f[kv[1]] = kv[2]
    if (sc == "ack") { keep(sc, side, "ack p99 ms @1000/s", f["ack_p99_ms"]); keep(sc, side, "ack p50 ms", f["ack_p50_ms"]);
                       keep(sc, side, "answered of 2000", f["answered"]);
                       keep(sc, side, "CPU ms per command", f["cpu_ms_per_command"]) }
    if (sc == "drop" || sc == "drop-all") keep(sc, side, "undeliverable of 2000", f["undeliverable"])
    if (sc == "429") { keep(sc, side, "other channels p50 ms", f["others_p50_ms"]); keep(sc, side, "other channels max ms", f["others_max_ms"]) }
    if (sc == "stop") { keep(sc, side, "acked but unanswered at exit", f["acked_unanswered_at_exit"]);
                        keep(sc, side, "answered after restart", f["answered_after_restart"]);
                        keep(sc, side, "undeliverable while stopped", f["no_connection_after"]) }
    if (sc == "teams-slow") { keep(sc, side, "B reply ms after A held 10 s", f["b_reply_ms"]);
                              keep(sc, side, "A: Teams waited for HTTP ms", f["a_http_answer_ms"]) }
    if (sc == "teams-lookup") { keep(sc, side, "Teams waited for HTTP ms", f["http_answer_ms"]);
                                keep(sc, side, "reply ms (look-up 20 s)", f["reply_ms"]) }
    keep("rss", side, "peak RSS MB (" sc ")", f["rss_peak_mb"])
    delete f
  }
  END {
    printf "| %-12s | %-32s | %-22s | %-22s |\n", "scenario", "figure", "Hallpass", "SDK (Bolt / botbuilder)"
    printf "|--------------|----------------------------------|------------------------|------------------------|\n"
    for (i = 1; i <= n; i++) { split(order[i], p, SUBSEP)
      printf "| %-12s | %-32s | %-22s | %-22s |\n", p[1], p[2], vals[order[i] SUBSEP "hallpass"], vals[order[i] SUBSEP "sdk"] }
  }' "$out"
