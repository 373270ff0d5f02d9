#!/usr/bin/env bash
# Installs what is missing, builds Hallpass and starts the demo: the sample district in the
# built-in web chat on http://127.0.0.1:8080 (no accounts needed). Extra arguments go to
# `hallpass demo` (e.g. --port 9090).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
# The same build as the tests (the dev preset, build/), so running both builds once.
cmake --preset dev >/dev/null
cmake --build build --target hallpass -j2
exec build/hallpass demo "$@"
