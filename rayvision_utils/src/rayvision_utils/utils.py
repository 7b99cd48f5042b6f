"""Small helpers of the analysis layer: json files, path conversion, text decoding, md5.

``json_save`` and ``convert_path`` are :mod:`rayvision_api.utils`'s (one implementation for the
SDK). ``json_load`` differs on purpose: the documented rayvision_utils version raises
``IOError`` for a missing file where rayvision_api's returns ``None``.
"""

import codecs
import hashlib
import json
import logging
import os
import re
import sys
from typing import Any, Union

from rayvision_api.utils import convert_path, json_save

LOGGER = logging.getLogger(__name__)

VERSION = sys.version_info[0]

# CJK unified ideographs, the range the farm rejects in scene paths.
_CHINESE = re.compile(u"[\u4e00-\u9fa5]")

MD5_CHUNK_SIZE = 8096


def json_load(json_path: str, encoding: str = "utf-8") -> Any:
    """Load a json file.

    Raises:
        IOError: The file does not exist (the message names it).
    """
    if not os.path.isfile(json_path):
        raise OSError("{} is not found".format(json_path))
    with codecs.open(json_path, "r", encoding=encoding) as handle:
        return json.load(handle)


def check_contain_chinese(check_str: Union[str, bytes]) -> bool:
    """Whether ``check_str`` holds a CJK ideograph (U+4E00 to U+9FA5)."""
    return bool(_CHINESE.search(str2unicode(check_str)))


def str2unicode(value: Union[str, bytes], str_decode: str = "default") -> str:
    """Decode bytes as UTF-8, else GBK, else the file-system encoding; str is returned as is.

    Args:
        value (str or bytes): Text to decode.
        str_decode (str): An encoding tried first, or ``"default"`` for none.

    Returns:
        str: The text; undecodable bytes are replaced, never raised.
    """
    if not isinstance(value, bytes):
        return value
    encodings = ["utf-8", "gbk", sys.getfilesystemencoding() or "utf-8"]
    if str_decode and str_decode != "default":
        encodings.insert(0, str_decode)
    for encoding in encodings:
        try:
            return value.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    LOGGER.debug("could not decode %r, replacing bad bytes", value[:80])
    return value.decode("utf-8", "replace")


def get_os() -> str:
    """``'windows'`` on Windows, ``'linux'`` elsewhere (macOS included)."""
    return "windows" if sys.platform.startswith("win") else "linux"


def to_slash(path: str) -> str:
    r"""``path`` with every backslash turned into a forward slash (``D:\a`` -> ``D:/a``)."""
    return path.replace("\\", "/")


def get_file_md5(file_path: str, chunk_size: int = MD5_CHUNK_SIZE) -> str:
    """Hex md5 of a file, read in chunks.

    A missing file gives the md5 of empty input (``d41d8cd98f00b204e9800998ecf8427e``), as the
    original did, so that upload.json can still be written for a scene that vanished.
    """
    digest = hashlib.md5()
    if not os.path.isfile(file_path):
        return digest.hexdigest()
    with open(file_path, "rb") as handle:
        for chunk in iter(lambda: handle.read(chunk_size), b""):
            digest.update(chunk)
    return digest.hexdigest()


__all__ = [
    "VERSION",
    "check_contain_chinese",
    "convert_path",
    "get_file_md5",
    "get_os",
    "json_load",
    "json_save",
    "str2unicode",
    "to_slash",
]
