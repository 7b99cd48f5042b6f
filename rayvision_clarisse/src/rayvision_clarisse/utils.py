r"""Text helpers of rayvision_clarisse (documented names) and ``convert_path``.

``convert_path`` is :func:`rayvision_api.utils.convert_path` (one implementation for the SDK):
``D:\a\b.png`` -> ``/D/a/b.png``, ``\\srv\share\x`` -> ``/srv/share/x``,
``/mnt/x`` -> ``/mnt/x``.
"""

import locale
import sys

from rayvision_api.utils import convert_path

__all__ = ["bytes_to_str", "convert_path", "get_encode", "str_to_unicode", "to_gbk",
           "unicode_to_str"]

_CANDIDATES = ("utf-8", "gbk", "big5", "latin-1")


def get_encode(encode_str):
    """Name of the first of utf-8, gbk, big5 that decodes ``encode_str`` (bytes); latin-1 last.

    Text (``str``) is already decoded: ``"unicode"`` is returned for it.
    """
    if not isinstance(encode_str, (bytes, bytearray)):
        return "unicode"
    for encoding in _CANDIDATES:
        try:
            bytes(encode_str).decode(encoding)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"


def str_to_unicode(encode_str):
    """Decode bytes with the encoding :func:`get_encode` finds; text is returned as is."""
    if isinstance(encode_str, (bytes, bytearray)):
        return bytes(encode_str).decode(get_encode(encode_str))
    return encode_str


def bytes_to_str(str1, str_decode="default"):
    """Bytes -> text: ``str_decode`` if given, else the detected encoding (never raises)."""
    if not isinstance(str1, (bytes, bytearray)):
        return str1
    if str_decode and str_decode != "default":
        try:
            return bytes(str1).decode(str_decode)
        except (UnicodeDecodeError, LookupError):
            pass
    return str_to_unicode(str1)


def unicode_to_str(str1, logger=None, str_encode="system", r_type="gbk"):
    """Text -> bytes in the system encoding (``str_encode="system"``) or ``str_encode``.

    Characters the encoding cannot hold are replaced (and logged when ``logger`` is given);
    ``r_type`` is the fallback encoding.
    """
    if isinstance(str1, (bytes, bytearray)):
        return bytes(str1)
    encoding = (locale.getpreferredencoding(False) or sys.getfilesystemencoding()
                if str_encode == "system" else str_encode)
    try:
        return str1.encode(encoding)
    except (UnicodeEncodeError, LookupError) as error:
        if logger is not None:
            logger.warning("cannot encode %r as %s (%s); using %s", str1, encoding, error,
                           r_type)
        return str1.encode(r_type, "replace")


def to_gbk(encode_str):
    """Text (or bytes in any detected encoding) -> GBK bytes, unencodable characters replaced."""
    return str_to_unicode(encode_str).encode("gbk", "replace")
