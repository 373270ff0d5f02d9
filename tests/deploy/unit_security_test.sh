#!/usr/bin/env bash
# The systemd unit as `cmake --install` writes it rates under 3 ("OK") in systemd-analyze security,
# and systemd can parse it. Skipped (77) where systemd-analyze is not installed.
set -euo pipefail
unit=${1:?the configured unit file}
command -v systemd-analyze >/dev/null || { echo "systemd-analyze is not installed: skipped"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$unit" "$work/hallpass.service"
out=$(systemd-analyze security --offline=true "$work/hallpass.service" 2>&1) || true
score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for hallpass.service: \([0-9.]*\).*/\1/p')
[[ -n "$score" ]] || { printf '%s\n' "$out"; echo "FAIL: no score"; exit 1; }
echo "exposure $score"
python3 -c "import sys; sys.exit(0 if float('$score') < 3 else 1)" || { printf '%s\n' "$out" | grep '✗'; echo "FAIL: $score is not under 3"; exit 1; }
grep -q '^Type=notify' "$unit" && grep -q '^UMask=0077' "$unit" || { echo "FAIL: Type=notify and UMask=0077 expected"; exit 1; }
