"""A tiny PNG encoder (RGB, 8 bits, no filter) so rendered frames are real image files.

Rendered frames carry a slate (task, scene, layer, camera, frame number, resolution) drawn
with the built-in bitmap font, so a wrong frame or a missing layer shows at a glance.
"""

import struct
import zlib

from rayvision_sandbox import bitmapfont

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


def _gradient_rows(width, height, frame, seed):
    red = (int(frame) * 37 + seed * 11) % 256
    greens = bytes((x * 255) // width for x in range(width))
    rows = []
    for y in range(height):
        row = bytearray(3 * width)
        row[0::3] = bytes([red]) * width
        row[1::3] = greens
        row[2::3] = bytes([(y * 255) // height]) * width
        rows.append(row)
    return rows


def frame_image(width, height, frame, seed=0):
    """A gradient whose colours depend on the frame number, so every frame differs."""
    width = max(1, int(width))
    height = max(1, int(height))
    return encode_png(width, height, _gradient_rows(width, height, frame, seed))


_DARKEN = bytes(value * 3 // 10 for value in range(256))
_WHITE = (255, 255, 255)
_SHADOW = (0, 0, 0)
# Narrower images get the frame number only: the lines would not be legible.
_MIN_WIDTH_FOR_LINES = 160


def slate_image(width, height, frame, lines=(), seed=0):
    """A frame image with a slate: ``lines`` on a dark band, the frame number large.

    Args:
        width (int): Image width in pixels.
        height (int): Image height in pixels.
        frame (int): Frame number (tints the background, printed bottom right).
        lines (sequence[str]): Text lines for the top-left band, e.g. task id and scene,
            layer, camera, resolution; cut at the right edge when too long.
        seed (int): Varies the tint between layers.

    Returns:
        bytes: A complete PNG file.
    """
    width = max(1, int(width))
    height = max(1, int(height))
    rows = _gradient_rows(width, height, frame, seed)
    if lines and width >= _MIN_WIDTH_FOR_LINES:
        scale = 2 if width >= 300 else 1
        line_height = (bitmapfont.GLYPH_HEIGHT + 3) * scale
        band = min(height, 2 * scale + line_height * len(lines))
        for y in range(band):
            rows[y][:] = bytes(rows[y]).translate(_DARKEN)
        for index, line in enumerate(lines):
            bitmapfont.draw_text(rows, 3 * scale, 3 * scale + index * line_height, line,
                                 _WHITE, scale)
    _draw_frame_number(rows, width, height, "{0:04d}".format(int(frame)))
    return encode_png(width, height, rows)


def _draw_frame_number(rows, width, height, number) -> None:
    unit = bitmapfont.text_width(number)
    scale = max(1, min((width // 2) // unit, (height // 3) // bitmapfont.GLYPH_HEIGHT))
    left = width - bitmapfont.text_width(number, scale) - 2 * scale
    top = height - bitmapfont.GLYPH_HEIGHT * scale - 2 * scale
    shadow = max(1, scale // 2)
    bitmapfont.draw_text(rows, left + shadow, top + shadow, number, _SHADOW, scale)
    bitmapfont.draw_text(rows, left, top, number, _WHITE, scale)


def read_png_size(data):
    """``(width, height)`` of PNG bytes; ValueError if ``data`` is not a PNG."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG file")
    return struct.unpack(">II", data[16:24])
