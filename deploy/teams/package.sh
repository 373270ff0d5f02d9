#!/bin/sh
# Builds the Teams app package (a zip of manifest.json and the two icons) for upload in Teams or
# the Teams admin center, with the placeholders of manifest.json filled in:
#   deploy/teams/package.sh BOT_APP_ID HALLPASS_HOST "DISTRICT NAME" [OUT.zip]
# BOT_APP_ID: the Microsoft App ID of the Azure Bot (adapters.teams.app_id);
# HALLPASS_HOST: the host name of the messaging endpoint, e.g. hallpass.sierravista.example.org.
set -eu
if [ $# -lt 3 ]; then
  echo "usage: $0 BOT_APP_ID HALLPASS_HOST \"DISTRICT NAME\" [OUT.zip]" >&2
  exit 2
fi
app_id=$1 host=$2 district=$3
out=${4:-hallpass-teams.zip}
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
sed -e "s|{{BOT_APP_ID}}|$app_id|g" -e "s|{{HALLPASS_HOST}}|$host|g" -e "s|{{DISTRICT_NAME}}|$name|g" \
  "$here/manifest.json" > "$work/manifest.json"
if grep -q '{{' "$work/manifest.json"; then
  echo "$0: a placeholder is left in manifest.json" >&2
  exit 1
fi
if command -v python3 >/dev/null 2>&1; then
  python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$work/manifest.json"
fi
cp "$here/color.png" "$here/outline.png" "$work/"
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
