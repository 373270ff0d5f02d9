#!/usr/bin/env bash
# The code that reads untrusted input, built with AddressSanitizer and UBSan (the asan preset,
# build-asan/) and tested: the [fuzz] corpus tests and the protocol, config and policy unit tests
# (hallpass_untrusted_tests; docs/architecture.md, "Sanitizers and fuzzing" says what and why).
# Prints how long the build and the run took. Arguments go to the test executable (a Catch2 test
# spec such as "[fuzz]"); without any, every test but those that run the command line ([cli]: it is
# not built here). HALLPASS_BUILD_LOCK=<file>: build under flock on that file (the shared
# checkout's /tmp/hallpass-build.lock); the tests run outside it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh >/dev/null
lock=()
[[ -n "${HALLPASS_BUILD_LOCK:-}" ]] && lock=(flock "$HALLPASS_BUILD_LOCK")
start=$(date +%s)
cmake --preset asan >/dev/null
"${lock[@]}" cmake --build --preset asan
built=$(date +%s)
# Leaks are reported; the first undefined behaviour stops the run with its stack.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
(( $# > 0 )) || set -- "~[cli]"
build-asan/tests/hallpass_untrusted_tests "$@" || status=$?
end=$(date +%s)
echo "test-asan: build $((built - start)) s, tests $((end - built)) s, exit $status"
exit "$status"
