"""A tiny PNG encoder (RGB, 8 bits, no filter) so rendered frames are real image files."""

import struct
import zlib

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind, payload):
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def encode_png(width, height, rgb_rows):
    """Encode an RGB image.

    Args:
        width (int): Pixels per row (>= 1).
        height (int): Rows (>= 1).
        rgb_rows (list[bytes]): ``height`` rows of ``3 * width`` bytes (R, G, B per pixel).

    Returns:
        bytes: A complete PNG file.
    """
    if width < 1 or height < 1:
        raise ValueError("PNG size must be at least 1x1, got {0}x{1}".format(width, height))
    if len(rgb_rows) != height or any(len(row) != 3 * width for row in rgb_rows):
        raise ValueError("rgb_rows must hold {0} rows of {1} bytes".format(height, 3 * width))
    # Filter type 0 ("None") in front of every row.
    raw = b"".join(b"\x00" + bytes(row) for row in rgb_rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (PNG_SIGNATURE + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(raw, 6)) + _chunk(b"IEND", b""))


def frame_image(width, height, frame, seed=0):
    """A gradient whose colours depend on the frame number, so every frame differs."""
    width = max(1, int(width))
    height = max(1, int(height))
    red = (int(frame) * 37 + seed * 11) % 256
    greens = bytes((x * 255) // width for x in range(width))
    rows = []
    for y in range(height):
        row = bytearray(3 * width)
        row[0::3] = bytes([red]) * width
        row[1::3] = greens
        row[2::3] = bytes([(y * 255) // height]) * width
        rows.append(row)
    return encode_png(width, height, rows)


def read_png_size(data):
    """``(width, height)`` of PNG bytes; ValueError if ``data`` is not a PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", data[16:24])
