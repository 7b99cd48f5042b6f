"""Draw the Renderbus integration icon: PNG files and a Windows ICO holding them.

A white cloud on a blue rounded square, drawn pixel by pixel (no imaging library), so the
icons in ``integrations/`` can be rebuilt from this script alone::

    python tools/make_renderbus_icon.py

The ICO stores PNG images (allowed since Windows Vista and read by Deadline's Monitor).
"""

import os
import struct
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BLUE = (22, 105, 196)
WHITE = (255, 255, 255)

#: Cloud made of circles (centre x, centre y, radius) in a 1 x 1 square, plus its base.
CLOUD = ((0.36, 0.56, 0.17), (0.55, 0.46, 0.21), (0.71, 0.58, 0.15))
CLOUD_BASE = (0.22, 0.58, 0.84, 0.73)


def _inside_rounded_square(x, y, radius=0.2):
    nearest_x = min(max(x, radius), 1 - radius)
    nearest_y = min(max(y, radius), 1 - radius)
    return (x - nearest_x) ** 2 + (y - nearest_y) ** 2 <= radius ** 2


def _in_cloud(x, y):
    left, top, right, bottom = CLOUD_BASE
    if left <= x <= right and top <= y <= bottom:
        return True
    return any((x - cx) ** 2 + (y - cy) ** 2 <= r ** 2 for cx, cy, r in CLOUD)


def pixels(size, samples=4):
    """RGBA rows of the icon at ``size`` pixels, anti-aliased by supersampling."""
    rows = []
    for row in range(size):
        line = bytearray()
        for column in range(size):
            covered = cloud = 0
            for sy in range(samples):
                for sx in range(samples):
                    x = (column + (sx + 0.5) / samples) / size
                    y = (row + (sy + 0.5) / samples) / size
                    if _inside_rounded_square(x, y):
                        covered += 1
                        cloud += _in_cloud(x, y)
            total = float(samples * samples)
            mix = cloud / float(covered) if covered else 0.0
            colour = [int(round(b + (w - b) * mix)) for b, w in zip(BLUE, WHITE)]
            line.extend(colour + [int(round(255 * covered / total))])
        rows.append(bytes(line))
    return rows


def png(size):
    """A PNG file (bytes) of the icon."""
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body)
                                                                 & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + row for row in pixels(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9))
            + chunk(b"IEND", b""))


def ico(sizes=(16, 32, 48)):
    """An ICO file (bytes) with one PNG image per size."""
    images = [png(size) for size in sizes]
    offset = 6 + 16 * len(images)
    directory = b""
    for size, image in zip(sizes, images):
        directory += struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image),
                                 offset)
        offset += len(image)
    return struct.pack("<HHH", 0, 1, len(images)) + directory + b"".join(images)


def _write(path, data):
    tmp = path + ".tmp"
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def main():
    targets = {
        os.path.join(ROOT, "integrations", "deadline", "plugins", "Renderbus",
                     "Renderbus.ico"): ico(),
        os.path.join(ROOT, "integrations", "maya", "icons", "renderbus_32.png"): png(32),
        os.path.join(ROOT, "integrations", "houdini", "config", "Icons",
                     "renderbus.png"): png(32),
        os.path.join(ROOT, "integrations", "clarisse", "icons", "renderbus_32.png"): png(32),
    }
    for path, data in sorted(targets.items()):
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        _write(path, data)
        print("wrote {0} ({1} bytes)".format(os.path.relpath(path, ROOT), len(data)))


if __name__ == "__main__":
    main()
