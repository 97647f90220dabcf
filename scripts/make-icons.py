#!/usr/bin/env python3
"""Draw the app icons (public/icon-*.png, public/favicon-32.png) from the shapes of public/favicon.svg.

A blue rounded square with three white lines. Written with the standard
library only (no image tools on the build machines); run it again if the
icon changes. Each pixel is sampled 4x4 times for smooth edges.
"""
import math
import struct
import zlib
from pathlib import Path

BLUE = (0x1D, 0x4E, 0x89)
WHITE = (0xFF, 0xFF, 0xFF)
LINES = [((18, 22), (46, 22)), ((18, 32), (46, 32)), ((18, 42), (36, 42))]


def inside_rounded_square(x, y, radius=12.0, size=64.0):
    cx = min(max(x, radius), size - radius)
    cy = min(max(y, radius), size - radius)
    return (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius


def on_line(x, y, half_width=2.5):
    for (x1, y1), (x2, y2) in LINES:
        t = max(0.0, min(1.0, ((x - x1) * (x2 - x1) + (y - y1) * (y2 - y1)) / ((x2 - x1) ** 2 + (y2 - y1) ** 2)))
        if math.hypot(x - (x1 + t * (x2 - x1)), y - (y1 + t * (y2 - y1))) <= half_width:
            return True
    return False


def pixel(px, py, size, margin):
    """RGBA of one pixel; `margin` shrinks the drawing (maskable icons need room)."""
    inner = size * (1 - 2 * margin)
    samples = []
    for sy in range(4):
        for sx in range(4):
            x = ((px + (sx + 0.5) / 4) - size * margin) / inner * 64
            y = ((py + (sy + 0.5) / 4) - size * margin) / inner * 64
            if margin == 0 and not inside_rounded_square(x, y):
                samples.append(None)
            elif on_line(x, y):
                samples.append(WHITE)
            else:
                samples.append(BLUE)
    filled = [s for s in samples if s is not None]
    if not filled:
        return (0, 0, 0, 0)
    rgb = tuple(sum(c[i] for c in filled) // len(filled) for i in range(3))
    return rgb + (255 * len(filled) // len(samples),)


def png(size, margin):
    rows = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y, size, margin)) for x in range(size)) for y in range(size)
    )

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")


public = Path(__file__).resolve().parent.parent / "public"
for name, size, margin in [("favicon-32.png", 32, 0), ("icon-192.png", 192, 0), ("icon-512.png", 512, 0), ("icon-maskable-512.png", 512, 0.1), ("apple-touch-icon.png", 180, 0.0)]:
    (public / name).write_bytes(png(size, margin))
    print(name, size)
