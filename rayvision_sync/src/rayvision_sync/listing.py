"""Validation of a storage listing before anything is downloaded.

A listing comes from the server and is never trusted: every item must be an object with a
``path`` (absolute storage path text), a ``size`` (a whole number of bytes within range), a
``sha256`` (exactly 64 hex characters, or absent: the file is then *unverified*) and an
optional ``mtime`` (seconds within range). The first bad value raises
:class:`~rayvision_sync.exception.ListingError` naming the item and the field; nothing has
been written then.
"""

import collections
import math
import re
from typing import Any, Dict, List, Union

from rayvision_sync.exception import ListingError

_SHA256 = re.compile(r"\A[0-9a-fA-F]{64}\Z")
# Largest file size accepted from a listing (16 TiB) and latest mtime (year 9999).
MAX_SIZE = 1 << 44
MAX_MTIME = 253402300799.0
MAX_PATH = 4096


class ListedFile(collections.namedtuple("ListedFile", "path size sha256 mtime")):
    """One validated listing item; ``sha256`` (lower-case) and ``mtime`` may be None."""

    __slots__ = ()

    @property
    def verified(self) -> bool:
        """True when the listing gave a digest to check the downloaded bytes against."""
        return self.sha256 is not None


def validate_item(item: Any, index: int) -> ListedFile:
    """A :class:`ListedFile` of one raw listing item.

    Raises:
        ListingError: The item or one of its fields is unusable (the field is named).
    """
    where = "listing item {0}".format(index)
    if not isinstance(item, dict):
        raise ListingError("{0} must be an object, got {1}".format(where,
                                                                   type(item).__name__))
    path = item.get("path")
    if not isinstance(path, str) or not path.startswith("/") or "\x00" in path \
            or len(path) > MAX_PATH:
        raise ListingError("{0}: field 'path' must be an absolute storage path, got "
                           "{1!r}".format(where, _short(path)))
    where = "listing item {0} ({1})".format(index, path)
    size = item.get("size")
    if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= MAX_SIZE:
        raise ListingError("{0}: field 'size' must be a whole number of bytes from 0 to {1}, "
                           "got {2!r}".format(where, MAX_SIZE, _short(size)))
    sha = item.get("sha256")
    if sha is not None and sha != "":
        if not isinstance(sha, str) or not _SHA256.match(sha):
            raise ListingError("{0}: field 'sha256' must be 64 hex characters, got "
                               "{1!r}".format(where, _short(sha)))
        sha = sha.lower()
    else:
        sha = None
    mtime = item.get("mtime")
    if mtime is not None:
        if isinstance(mtime, bool) or not isinstance(mtime, (int, float)) or \
                not math.isfinite(mtime) or not 0 <= mtime <= MAX_MTIME:
            raise ListingError("{0}: field 'mtime' must be seconds from 0 to {1:.0f}, got "
                               "{2!r}".format(where, MAX_MTIME, _short(mtime)))
        mtime = float(mtime)
    return ListedFile(path, size, sha, mtime)


def validate_listing(data: Dict[str, Any]) -> List[Union[ListedFile, Any]]:
    """Validated :class:`ListedFile` items of a listing answer's ``data``.

    Raises:
        ListingError: ``data`` has no ``items`` list, an item is unusable, or a path is
            listed twice.
    """
    items = data.get("items") if isinstance(data, dict) else None
    if items is None and isinstance(data, dict) and not data:
        return []
    if not isinstance(items, list):
        raise ListingError("listing: field 'items' must be a list, got {0!r}".format(
            _short(items)))
    listed = [validate_item(item, index) for index, item in enumerate(items)]
    seen: Dict[str, int] = {}
    for index, item in enumerate(listed):
        if item.path in seen:
            # Both would be written at once to one partial file and one destination.
            raise ListingError("listing item {0} ({1}): field 'path' repeats item {2}".format(
                index, item.path, seen[item.path]))
        seen[item.path] = index
    return listed


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 80 else text[:77] + "..."
