"""A 5x7 pixel bitmap font of our own, drawn into RGB rows, for the slates on rendered frames.

Upper-case letters, digits and the punctuation of file and node names; lower case is drawn
in upper case, any other character as ``?``. Each glyph is 7 rows of 5 columns, ``#`` lit.
"""

GLYPH_WIDTH = 5
GLYPH_HEIGHT = 7
# Columns from one glyph's left edge to the next one's.
ADVANCE = GLYPH_WIDTH + 1

_GLYPH_ROWS = {
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "####. ....# ....# .###. ....# ....# ####.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": ".###. #.... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ....# .###.",
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "####. #...# #...# #...# #...# #...# ####.",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# ##..# #.#.# #..## #...# #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    " ": "..... ..... ..... ..... ..... ..... .....",
    ".": "..... ..... ..... ..... ..... .##.. .##..",
    ",": "..... ..... ..... ..... .##.. ..#.. .#...",
    ":": "..... .##.. .##.. ..... .##.. .##.. .....",
    "-": "..... ..... ..... ##### ..... ..... .....",
    "_": "..... ..... ..... ..... ..... ..... #####",
    "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
    "=": "..... ..... ##### ..... ##### ..... .....",
    "/": "....# ...#. ...#. ..#.. .#... .#... #....",
    "\\": "#.... .#... .#... ..#.. ...#. ...#. ....#",
    "|": "..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "#": ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
    "(": "...#. ..#.. .#... .#... .#... ..#.. ...#.",
    ")": ".#... ..#.. ...#. ...#. ...#. ..#.. .#...",
    "[": ".###. .#... .#... .#... .#... .#... .###.",
    "]": ".###. ...#. ...#. ...#. ...#. ...#. .###.",
    "'": "..#.. ..#.. .#... ..... ..... ..... .....",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
    "%": "##..# ##..# ...#. ..#.. .#... #..## #..##",
    "@": ".###. #...# #.### #.#.# #.### #.... .####",
}


def _parse(rows):
    return tuple(tuple(x for x, bit in enumerate(row) if bit == "#") for row in rows.split())


GLYPHS = dict((char, _parse(rows)) for char, rows in _GLYPH_ROWS.items())


def glyph(char):
    """Lit columns of each of the 7 rows of ``char`` (lower case drawn as upper case)."""
    return GLYPHS.get(char.upper(), GLYPHS["?"])


def text_width(text, scale=1):
    """Pixels ``text`` takes on a row at ``scale`` (no trailing gap)."""
    return max(0, len(text) * ADVANCE - 1) * scale


def draw_text(rows, x, y, text, color, scale=1) -> None:
    """Draw ``text`` into ``rows`` (bytearrays of RGB pixels) with its top-left at (x, y).

    Pixels outside the image are clipped, so long names are cut at the right edge.

    Args:
        rows (list[bytearray]): The image, ``3 * width`` bytes per row.
        x (int): Left edge in pixels.
        y (int): Top edge in pixels.
        text (str): What to write.
        color (tuple): ``(r, g, b)``.
        scale (int): Size of one font pixel in image pixels.
    """
    if not rows:
        return
    width = len(rows[0]) // 3
    height = len(rows)
    pixel = bytes(color) * scale
    for index, char in enumerate(text):
        left = x + index * ADVANCE * scale
        if left >= width:
            break
        for row_index, columns in enumerate(glyph(char)):
            for column in columns:
                start = left + column * scale
                stop = min(start + scale, width)
                if start < 0 or start >= width:
                    continue
                for dy in range(scale):
                    line = y + row_index * scale + dy
                    if 0 <= line < height:
                        rows[line][3 * start:3 * stop] = pixel[:3 * (stop - start)]
