#!/usr/bin/env bash
# Fails when a C++ file is not laid out as .clang-format says (run by ctest and CI). To fix:
#   clang-format -i FILE
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
if ! command -v clang-format >/dev/null; then
  echo "check-format: clang-format is not installed (scripts/install-deps.sh --test installs it)" >&2
  exit 1
fi
mapfile -t files < <(find app bot workflows adapters tests bench -name '*.[ch]pp' -not -path '*/node_modules/*' 2>/dev/null | sort)
out=$(clang-format --dry-run "${files[@]}" 2>&1 | grep -E '^[^ ].*: (warning|error):' || true)
if [[ -n "$out" ]]; then
  echo "$out" | sed 's/: warning: code should be clang-formatted.*/: not laid out as .clang-format says/' | sort -u >&2
  echo "check-format: run clang-format -i on the files above." >&2
  exit 1
fi
echo "check-format: ${#files[@]} files laid out as .clang-format says."
