#!/bin/sh
# Builds the Teams app package (a zip of manifest.json and the two icons) for upload in Teams or
# the Teams admin center, with the placeholders of manifest.json filled in:
#   deploy/teams/package.sh BOT_APP_ID HALLPASS_HOST "DISTRICT NAME" WEBSITE PRIVACY TERMS [OUT.zip]
# BOT_APP_ID: the Microsoft App ID of the Azure Bot (adapters.teams.app_id);
# HALLPASS_HOST: the host name of the messaging endpoint, e.g. hallpass.sierravista.example.org;
# DISTRICT NAME: the publisher Teams shows, at most 32 characters ("Sierra Vista USD");
# WEBSITE, PRIVACY, TERMS: the district's own https:// pages: its web site, its privacy statement
#   and its technology terms of use (Teams shows them on the app's page; Hallpass serves none).
# The filled-in manifest and the icons are checked against the schema's limits before zipping.
set -eu
if [ $# -lt 6 ]; then
  echo "usage: $0 BOT_APP_ID HALLPASS_HOST \"DISTRICT NAME\" WEBSITE_URL PRIVACY_URL TERMS_URL [OUT.zip]" >&2
  echo "  e.g. $0 <app_id> hallpass.sierravista.example.org \"Sierra Vista USD\" \\" >&2
  echo "       https://www.sierravista.example.org/ https://www.sierravista.example.org/privacy \\" >&2
  echo "       https://www.sierravista.example.org/acceptable-use" >&2
  exit 2
fi
app_id=$1 host=$2 district=$3 website=$4 privacy=$5 terms=$6
out=${7:-hallpass-teams.zip}
for url in "$website" "$privacy" "$terms"; do
  case $url in
    https://*) ;;
    *) echo "$0: '$url' must be an https:// address of the district's own page" >&2; exit 2 ;;
  esac
done
if ! command -v python3 >/dev/null 2>&1; then
  echo "$0: python3 is needed to check the manifest (apt-get install python3)" >&2
  exit 2
fi
case $app_id in
  *[!0-9a-fA-F-]* | "") echo "$0: BOT_APP_ID must be the app registration's GUID" >&2; exit 2 ;;
esac
case $host in
  *[!A-Za-z0-9.-]* | "") echo "$0: HALLPASS_HOST must be a bare host name (no https://, no path)" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The district's name goes into JSON: escape backslashes and quotes, and sed's own specials.
name=$(printf '%s' "$district" | sed -e 's/[\\"]/\\\\&/g' -e 's/[&|]/\\&/g')
escape_url() { printf '%s' "$1" | sed -e 's/[\\"]/\\\\&/g' -e 's/[&|]/\\&/g'; }
website=$(escape_url "$website") privacy=$(escape_url "$privacy") terms=$(escape_url "$terms")
sed -e "s|{{BOT_APP_ID}}|$app_id|g" -e "s|{{HALLPASS_HOST}}|$host|g" -e "s|{{DISTRICT_NAME}}|$name|g" \
  -e "s|{{WEBSITE_URL}}|$website|g" -e "s|{{PRIVACY_URL}}|$privacy|g" -e "s|{{TERMS_URL}}|$terms|g" \
  "$here/manifest.json" > "$work/manifest.json"
if grep -q '{{' "$work/manifest.json"; then
  echo "$0: a placeholder is left in manifest.json" >&2
  exit 1
fi
cp "$here/color.png" "$here/outline.png" "$work/"
if ! python3 "$here/check_manifest.py" "$work"; then
  echo "$0: the package would be refused by Teams; nothing was written" >&2
  exit 1
fi
rm -f "$out"
case $out in /*) target=$out ;; *) target=$(pwd)/$out ;; esac
if command -v zip >/dev/null 2>&1; then
  (cd "$work" && zip -q -X "$target" manifest.json color.png outline.png)
else
  python3 - "$work" "$target" <<'PY'
import sys, zipfile
src, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
    for name in ("manifest.json", "color.png", "outline.png"):
        z.write(f"{src}/{name}", name)
PY
fi
echo "wrote $out: upload it in Teams (Apps → Manage your apps → Upload an app) or the Teams admin center"
