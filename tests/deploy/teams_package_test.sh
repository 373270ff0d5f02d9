#!/usr/bin/env bash
# The Teams package script refuses a manifest Teams would refuse (the docs' own example once had a
# 36-character publisher name) and writes a valid one with the district's own pages.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
app=0f4b1a2c-1111-2222-3333-444455556666
site=https://www.sierravista.example.org

if "$here/deploy/teams/package.sh" "$app" hallpass.sierravista.example.org "Sierra Vista Unified School District" \
  "$site/" "$site/privacy" "$site/acceptable-use" long.zip 2>err.txt; then
  echo "FAIL: a 36-character publisher name was accepted"; exit 1
fi
grep -q "developer.name is 36 characters; Teams allows at most 32" err.txt || { cat err.txt; echo "FAIL: no reason given"; exit 1; }
[[ ! -e long.zip ]] || { echo "FAIL: a refused package was written"; exit 1; }

if "$here/deploy/teams/package.sh" "$app" hallpass.sierravista.example.org "Sierra Vista USD" \
  "http://insecure.example.org/" "$site/privacy" "$site/acceptable-use" plain.zip 2>err.txt; then
  echo "FAIL: an http:// page was accepted"; exit 1
fi
grep -q "must be an https:// address" err.txt || { cat err.txt; echo "FAIL: no reason given"; exit 1; }

"$here/deploy/teams/package.sh" "$app" hallpass.sierravista.example.org "Sierra Vista USD" \
  "$site/" "$site/privacy" "$site/acceptable-use?lang=en&v=2" good.zip >/dev/null
python3 - good.zip "$site" <<'PY'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert sorted(z.namelist()) == ["color.png", "manifest.json", "outline.png"], z.namelist()
m = json.loads(z.read("manifest.json"))
site = sys.argv[2]
assert m["developer"]["name"] == "Sierra Vista USD", m["developer"]
assert m["developer"]["privacyUrl"] == site + "/privacy", m["developer"]
assert m["developer"]["termsOfUseUrl"] == site + "/acceptable-use?lang=en&v=2", m["developer"]
assert m["validDomains"] == ["hallpass.sierravista.example.org"], m["validDomains"]
PY
echo "teams package: refused the invalid ones, wrote the valid one"
