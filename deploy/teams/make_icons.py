#!/usr/bin/env python3
"""Draws the Teams app icons with the Python standard library only (no image packages):
color.png, 192x192, a white "H" on the accent colour; outline.png, 32x32, the same "H" in white
on a transparent background (Teams requires outline icons to be white and transparent only).
Run it again after changing a shape or the colour: python3 make_icons.py"""
import struct
import zlib

ACCENT = (31, 111, 92)  # #1F6F5C, the manifest's accentColor


def png(path, size, pixel):
    """Writes an RGBA PNG; pixel(x, y) gives (r, g, b, a)."""
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) +
                chunk(b"IEND", b""))


def in_h(x, y, size, margin):
    """The letter H, drawn in a square with the given margin (fractions of size)."""
    u = (x + 0.5) / size
    v = (y + 0.5) / size
    lo, hi = margin, 1 - margin
    if not (lo <= u <= hi and lo <= v <= hi):
        return False
    stroke = (hi - lo) * 0.24
    left = u <= lo + stroke
    right = u >= hi - stroke
    bar = abs(v - 0.5) <= stroke / 2
    return left or right or bar


def rounded_square(x, y, size, radius):
    cx = min(max(x + 0.5, radius), size - radius)
    cy = min(max(y + 0.5, radius), size - radius)
    return (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= radius ** 2


png("color.png", 192,
    lambda x, y: (255, 255, 255, 255) if in_h(x, y, 192, 0.26)
    else (*ACCENT, 255) if rounded_square(x, y, 192, 28) else (255, 255, 255, 0))
png("outline.png", 32, lambda x, y: (255, 255, 255, 255) if in_h(x, y, 32, 0.16) else (255, 255, 255, 0))
