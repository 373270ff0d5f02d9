#!/usr/bin/env python3
"""Checks a filled-in Teams app manifest and its icons against the limits of the manifest schema
(v1.17, https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json), so a
package that Teams would refuse at upload is refused here, with what to change.

    check_manifest.py DIR      (DIR holds manifest.json, color.png, outline.png)
Exit 0 when the package is valid; 1 with one line per problem otherwise.
"""
import json
import re
import struct
import sys

GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

# The schema's maximum lengths, in characters, for the fields Hallpass fills in.
MAX_LENGTH = {
    ("developer", "name"): 32,
    ("developer", "websiteUrl"): 2048,
    ("developer", "privacyUrl"): 2048,
    ("developer", "termsOfUseUrl"): 2048,
    ("name", "short"): 30,
    ("name", "full"): 100,
    ("description", "short"): 80,
    ("description", "full"): 4000,
}
URLS = [("developer", "websiteUrl"), ("developer", "privacyUrl"), ("developer", "termsOfUseUrl")]
ICONS = {"color": (192, 192), "outline": (32, 32)}


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


def problems(folder):
    try:
        with open(f"{folder}/manifest.json", encoding="utf-8") as f:
            m = json.load(f)
    except (OSError, ValueError) as e:
        return [f"manifest.json cannot be read as JSON: {e}"]
    out = []
    for (section, field), limit in MAX_LENGTH.items():
        value = m.get(section, {}).get(field)
        if not isinstance(value, str) or not value:
            out.append(f"{section}.{field} is missing")
        elif len(value) > limit:
            out.append(f"{section}.{field} is {len(value)} characters; Teams allows at most {limit}: {value!r}")
    for section, field in URLS:
        value = m.get(section, {}).get(field, "")
        if isinstance(value, str) and value and not value.startswith("https://"):
            out.append(f"{section}.{field} must be an https:// address: {value!r}")
    if not GUID.match(str(m.get("id", ""))):
        out.append("id must be the app registration's GUID")
    if not SEMVER.match(str(m.get("version", ""))):
        out.append("version must be like 1.0.0")
    if not COLOUR.match(str(m.get("accentColor", ""))):
        out.append("accentColor must be like #1F6F5C")
    for bot in m.get("bots", []):
        if not GUID.match(str(bot.get("botId", ""))):
            out.append("bots[].botId must be the app registration's GUID")
        for commands in bot.get("commandLists", []):
            if len(commands.get("commands", [])) > 10:
                out.append("a command list may hold at most 10 commands")
            for c in commands.get("commands", []):
                if len(c.get("title", "")) > 32:
                    out.append(f"the command title {c['title']!r} is over 32 characters")
                if len(c.get("description", "")) > 128:
                    out.append(f"the description of the command {c.get('title')!r} is over 128 characters")
    for domain in m.get("validDomains", []):
        if "://" in domain or "/" in domain:
            out.append(f"validDomains holds host names only, not {domain!r}")
    for name, want in ICONS.items():
        file = m.get("icons", {}).get(name, "")
        try:
            size = png_size(f"{folder}/{file}")
        except OSError:
            size = None
        if size is None:
            out.append(f"icons.{name} ({file!r}) must be a PNG file in the package")
        elif size != want:
            out.append(f"icons.{name} is {size[0]}x{size[1]} pixels; Teams needs {want[0]}x{want[1]}")
    return out


if __name__ == "__main__":
    found = problems(sys.argv[1] if len(sys.argv) > 1 else ".")
    for p in found:
        print(f"manifest: {p}", file=sys.stderr)
    sys.exit(1 if found else 0)
