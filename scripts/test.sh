#!/usr/bin/env bash
# Installs what is missing (including Chromium for the browser test), builds everything and runs
# the whole test suite with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --test
cmake --preset dev >/dev/null
cmake --build build -j2
ctest --test-dir build --output-on-failure -j2 "$@"
