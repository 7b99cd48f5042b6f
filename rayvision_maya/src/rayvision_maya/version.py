"""The Maya version that saved a scene, read from the file alone.

* .ma: ``fileInfo "product" "Maya 2018";`` (read until the first ``createNode``), else the
  ``//Maya ASCII 2018 scene`` header, else ``requires maya "2018";``.
* .mb: the ``product`` fileInfo or the ``VERS`` chunk of the IFF header.

Versions are returned as the integer year (``"2018"`` for 2018.5 or "2016 Extension 2").

:func:`same_version` is the one rule both analysis entry points (``AnalyzeMaya`` and the
1.1.0 ``analyze_maya_handle.Maya``) use to compare the scene's version with the configured
one.
"""

import re
from typing import Iterator, Optional, Union

from rayvision_maya import mb_reader
from rayvision_utils.scene_input import open_scene

_PRODUCT = re.compile(rb"Maya\D*?(\d{4}(?:\.\d+)?)", re.I)
_HEADER = re.compile(rb"^//Maya ASCII (\d{4}(?:\.\d+)?)", re.I)
_REQUIRES_MAYA = re.compile(rb'^requires\s+(?:"maya"|maya)\s+"(\d{4}(?:\.\d+)?)', re.I)
_DIGITS = re.compile(r"(\d{4})")

# A header longer than this without a createNode is not a scene header: the probe reads
# at most this many bytes and lines, and ignores lines longer than _MAX_LINE.
_MAX_HEADER_LINES = 20000
_MAX_HEADER_BYTES = 8 * 1024 * 1024
_MAX_LINE = 64 * 1024


def _year(value: Union[bytes, str, None]) -> Optional[str]:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    match = _DIGITS.search(value)
    return match.group(1) if match else None


def version_year(value: Optional[Union[str, int, float]]) -> Optional[int]:
    """``"2018"``/``"2018.5"``/``2018`` -> 2018; None when it is not a version."""
    try:
        return int(float(str(value).strip()))
    except (TypeError, ValueError):
        return None


def same_version(scene_version: Optional[Union[str, int, float]],
                 software_version: Optional[Union[str, int, float]]) -> bool:
    """True when Maya ``software_version`` may render a scene saved by ``scene_version``.

    Both must name the same year: 2018.5 renders a 2018 scene.
    """
    year = version_year(scene_version)
    return year is not None and year == version_year(software_version)


def header_lines(cg_file: str) -> Iterator[bytes]:
    """The lines of the first :data:`_MAX_HEADER_BYTES` of a file (overlong ones left out).

    Raises:
        rayvision_utils.scene_input.SceneInputError: The file cannot be read (a folder,
            device, FIFO, no permission...).
    """
    with open_scene(cg_file, decompress=False, max_line=_MAX_LINE) as stream:
        total = 0
        skipping = False  # inside an overlong line, which comes in pieces
        while total < _MAX_HEADER_BYTES:
            line = stream.readline()
            if not line:
                return
            total += len(line)
            complete = line.endswith(b"\n")
            if skipping or (not complete and len(line) > _MAX_LINE):
                skipping = not complete
                continue
            yield line


def ma_version(cg_file: str) -> Optional[str]:
    """Version year of a Maya ASCII file, or None when the file does not say.

    Raises:
        rayvision_utils.scene_input.SceneInputError: The file cannot be read.
    """
    product = header = requires = None
    for index, line in enumerate(header_lines(cg_file)):
        if index > _MAX_HEADER_LINES or line.startswith(b"createNode"):
            break
        if line.startswith(b"fileInfo") and b"product" in line and product is None:
            match = _PRODUCT.search(line.split(b"product", 1)[1])
            product = match.group(1) if match else None
        elif line.startswith(b"//Maya ASCII") and header is None:
            match = _HEADER.match(line)
            header = match.group(1) if match else None
        elif line.startswith(b"requires") and requires is None:
            match = _REQUIRES_MAYA.match(line)
            requires = match.group(1) if match else None
    return _year(product or header or requires)


def mb_version(cg_file: str) -> Optional[str]:
    """Version year of a Maya binary file, or None when it is not a readable .mb."""
    head = mb_reader.read_head(cg_file)
    if not head.valid:
        return None
    product = head.file_info.get("product")
    if product:
        match = _PRODUCT.search(product.encode("utf-8"))
        if match:
            return _year(match.group(1))
    return _year(head.version)


def scene_version(cg_file: str) -> Optional[str]:
    """Version year of a .ma or .mb file (by extension), or None."""
    if cg_file.lower().endswith(".mb"):
        return mb_version(cg_file)
    return ma_version(cg_file)
