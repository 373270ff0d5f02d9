#!/usr/bin/env bash
# Fails when an #include runs upward across the layers (docs/architecture.md, "Layers"). Each
# layer may include itself and the layers listed after it; a platform folder may not include
# another platform. Run by every build (the check_layers target) and by CI.
# Usage: scripts/check-layers.sh [SOURCE_DIR]   (default: this checkout)
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"

# layer folder → the folders it may include (besides itself).
allowed_for() {
  case "$1" in
    bot/model) echo "" ;;
    bot/policy) echo "bot/model" ;;
    bot/district) echo "bot/policy bot/model" ;;
    bot/store) echo "bot/model" ;;
    bot/core) echo "bot/store bot/district bot/policy bot/model" ;;
    workflows) echo "bot/core bot/store bot/district bot/policy bot/model" ;;
    adapters/common) echo "bot/district bot/policy bot/model" ;;
    adapters/*/*) echo "?" ;;
    adapters/*) echo "adapters/common bot/district bot/policy bot/model" ;;
    app) echo "adapters workflows bot/core bot/store bot/district bot/policy bot/model" ;;
    *) echo "?" ;;
  esac
}

# The layer a file belongs to: its folder, app for the command line under it.
layer_of() {
  local dir
  dir=$(dirname "$1")
  case "$dir" in
    app/*) echo app ;;
    *) echo "$dir" ;;
  esac
}

status=0
while IFS= read -r file; do
  layer=$(layer_of "$file")
  allowed=$(allowed_for "$layer")
  if [[ "$allowed" == "?" ]]; then
    echo "$file: this folder is not a layer; add it to scripts/check-layers.sh and docs/architecture.md" >&2
    status=1
    continue
  fi
  while IFS= read -r line; do
    lineno=${line%%:*}
    target=${line#*:}
    target=${target#*\"}
    target=${target%%\"*}
    [[ "$target" == */* ]] || continue  # a system or third-party header
    [[ "$target" == "$layer"/* ]] && continue
    ok=0
    for a in $allowed; do
      [[ "$target" == "$a"/* ]] && ok=1 && break
    done
    if [[ $ok == 0 ]]; then
      echo "$file:$lineno: includes $target, which is not below the $layer layer (allowed: ${allowed:-none})" >&2
      status=1
    fi
  done < <(grep -n '^#include "' "$file" || true)
done < <(find app bot workflows adapters -name "*.[ch]pp" 2>/dev/null | sort)
if [[ $status != 0 ]]; then
  echo "check-layers: an #include runs upward (see docs/architecture.md, \"Layers\")." >&2
fi
exit $status
