r"""Text helpers of rayvision_clarisse (documented names) and ``convert_path``.

The helpers take the ``py_version`` argument of the original SDK (2 or 3, default: the running
interpreter's): it says what "str" means for the caller. With ``py_version=3`` text is ``str``
and is returned as it is where the original returned it unchanged; with ``py_version=2``, "str"
means bytes, as in Python 2.

``convert_path`` is :func:`rayvision_api.utils.convert_path` (one implementation for the SDK):
``D:\a\b.png`` -> ``/D/a/b.png``, ``\\srv\share\x`` -> ``/srv/share/x``,
``/mnt/x`` -> ``/mnt/x``.
"""

import locale
import sys
from typing import Any

from rayvision_api.utils import convert_path

__all__ = ["bytes_to_str", "convert_path", "get_encode", "str_to_unicode", "to_gbk",
           "unicode_to_str"]

_CANDIDATES = ("utf-8", "gbk", "big5", "latin-1")
_PY_VERSION = sys.version_info[0]


def _is_bytes(value: Any) -> Any:
    return isinstance(value, (bytes, bytearray))


def get_encode(encode_str: Any, py_version: Any = _PY_VERSION) -> Any:
    """Name of the first of utf-8, gbk, big5 that decodes ``encode_str`` (bytes); latin-1 last.

    Text (``str``) is already decoded: ``"unicode"`` is returned for it.

    Args:
        encode_str (str or bytes): What to inspect.
        py_version (int): 2 or 3, as in the original SDK (the answer is the same for both).
    """
    if not _is_bytes(encode_str):
        return "unicode"
    for encoding in _CANDIDATES:
        try:
            bytes(encode_str).decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def str_to_unicode(encode_str: Any, py_version: Any = _PY_VERSION) -> Any:
    """Decode bytes with the encoding :func:`get_encode` finds; text is returned as is.

    ``None`` and the original's ``"null"`` markers (``""``, ``"Null"``, ``"null"``) give ``""``.
    """
    if encode_str is None or encode_str in ("", "Null", "null"):
        return ""
    if _is_bytes(encode_str):
        return bytes(encode_str).decode(get_encode(encode_str))
    return encode_str


def bytes_to_str(str1: Any, logger: Any = None, str_decode: str = "default",
                 py_version: Any = _PY_VERSION) -> Any:
    """Bytes -> text: ``str_decode`` if given, else the detected encoding (never raises).

    Args:
        str1 (bytes or str): Text is returned as it is.
        logger (logging.Logger, optional): Told when ``str_decode`` fails.
        str_decode (str): Encoding to try first; ``"default"`` detects it.
        py_version (int): 2 or 3, as in the original SDK.
    """
    if not _is_bytes(str1):
        return str1
    if str_decode and str_decode != "default":
        try:
            return bytes(str1).decode(str_decode)
        except (UnicodeDecodeError, LookupError) as error:
            if logger is not None:
                logger.info("cannot decode %r as %s (%s); detecting", str1, str_decode, error)
    return str_to_unicode(str1)


def unicode_to_str(str1: Any, logger: Any = None, str_encode: str = "system",
                   py_version: Any = _PY_VERSION, r_type: str = "gbk") -> Any:
    """Text -> "str" of ``py_version``, in the system encoding or ``str_encode``.

    With ``py_version=3`` the result is text holding what survives the encoding (characters
    it cannot hold become ``?``); with ``py_version=2`` it is the encoded bytes. Bytes are
    returned as they are; ``None`` and ``"null"`` markers give ``""``.

    Args:
        str1 (str or bytes): The text.
        logger (logging.Logger, optional): Told about characters that were replaced.
        str_encode (str): ``"system"`` (the locale's encoding) or an encoding name.
        py_version (int): 2 or 3, as in the original SDK.
        r_type (str): Fallback encoding when ``str_encode`` is unknown or cannot hold the
            text.
    """
    if str1 is None or str1 in ("", "Null", "null"):
        return ""
    if _is_bytes(str1):
        return bytes(str1)
    encoding = (locale.getpreferredencoding(False) or sys.getfilesystemencoding()
                if str_encode == "system" else str_encode)
    try:
        encoded = str1.encode(encoding)
    except (UnicodeEncodeError, LookupError) as error:
        if logger is not None:
            logger.warning("cannot encode %r as %s (%s); using %s", str1, encoding, error,
                           r_type)
        encoding = r_type
        encoded = str1.encode(r_type, "replace")
    if py_version == 2:
        return encoded
    return encoded.decode(encoding, "replace")


def to_gbk(encode_str: Any, py_version: Any = _PY_VERSION) -> Any:
    """GBK form of ``encode_str`` for ``py_version``.

    As in the original SDK, text is returned unchanged with ``py_version=3``; bytes (in any
    detected encoding) become GBK bytes, and with ``py_version=2`` text does too.
    Characters GBK cannot hold are replaced.
    """
    if not _is_bytes(encode_str) and py_version != 2:
        return encode_str
    return str_to_unicode(encode_str).encode("gbk", "replace")
