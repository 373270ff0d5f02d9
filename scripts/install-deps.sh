#!/usr/bin/env bash
# Installs what Hallpass needs on Debian 12, only what is missing. Run as root or with sudo.
#   scripts/install-deps.sh          build dependencies
#   scripts/install-deps.sh --test   also what the tests need (Chromium for the web chat test, Node.js,
#                                    clang-format for the layout check, prometheus for promtool,
#                                    python3-yaml for the Helm chart check,
#                                    postgresql-15 for the store's tests on a throwaway PostgreSQL)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache tzdata
  libboost1.81-dev libboost-url1.81-dev libssl-dev nlohmann-json3-dev
  libsqlitecpp-dev libsqlite3-dev libspdlog-dev libyaml-cpp-dev libhowardhinnant-date-dev
  catch2 libjwt-dev libstemmer-dev libcsv-dev libsystemd-dev libpq-dev
  wamerican wspanish
)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(chromium chromium-driver nodejs npm clang-format prometheus python3 python3-yaml postgresql-15)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from elsewhere than Debian (a newer release); accept any working node and npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi
if (( ${#missing[@]} == 0 )); then
  echo "install-deps: everything is installed."
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
