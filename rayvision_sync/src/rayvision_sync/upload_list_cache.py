"""The last large upload.json read, kept parsed, keyed by the SHA-256 of its bytes.

Parsing 100k entries of JSON costs about a third of stat'ing their files; reading the file
and hashing it costs a fraction of that. So every run still reads upload.json in full, and
when its bytes are the ones cached, the two lists come from the cache (plain UTF-8, no code
is ever loaded from it). Anything unexpected in the cache file means "not cached".

File format: a header line ``rayvision-upload-list 1 <sha256 of upload.json> <entries>
<sha256 of the rest>``, then the local paths and the storage paths, all joined by NUL bytes.
A cache whose rest does not have its digest (truncated, damaged) is not used.
"""

import hashlib
import logging
import os
from typing import Any, List, Optional, Tuple

from rayvision_api.atomic import write_bytes_atomic

LOGGER = logging.getLogger(__name__)

MAGIC = b"rayvision-upload-list 1 "
# Smaller lists parse in a few milliseconds: they are not worth a file write.
MIN_ENTRIES = 5000


def load(cache_path: str,
         raw: bytes) -> Tuple[str, Optional[List[str]], Optional[List[str]]]:
    """``(digest, locals, servers)`` for upload.json bytes ``raw``; lists None when not cached."""
    digest = hashlib.sha256(raw).hexdigest()
    try:
        with open(cache_path, "rb") as handle:
            data = handle.read()
    except OSError:
        return digest, None, None
    header, _, body = data.partition(b"\n")
    if not header.startswith(MAGIC):
        return digest, None, None
    fields = header[len(MAGIC):].split(b" ")
    if len(fields) != 3 or fields[0].decode("ascii", "replace") != digest \
            or not fields[1].isdigit() \
            or fields[2].decode("ascii", "replace") != hashlib.sha256(body).hexdigest():
        return digest, None, None
    count = int(fields[1])
    try:
        parts = body.decode("utf-8", "surrogatepass").split(u"\x00")
    except UnicodeDecodeError:
        return digest, None, None
    if count == 0 or len(parts) != 2 * count:
        return digest, None, None
    return digest, parts[:count], parts[count:]


def store(cache_path: str, digest: str, locals_: Any, servers: Any) -> None:
    """Keep a parsed list (only large lists of text paths without NUL); never raises."""
    count = len(locals_)
    if count < MIN_ENTRIES or set(map(type, locals_)) - {str}:
        return
    joined = u"\x00".join(locals_) + u"\x00" + u"\x00".join(servers)
    if joined.count(u"\x00") != 2 * count - 1:
        return  # a path holding a NUL character could not be split back
    body = joined.encode("utf-8", "surrogatepass")
    header = MAGIC + u"{0} {1} {2}\n".format(digest, count,
                                            hashlib.sha256(body).hexdigest()).encode("ascii")
    try:
        os.makedirs(os.path.dirname(cache_path), exist_ok=True)
        write_bytes_atomic(cache_path, header + body)
    except OSError as exc:
        LOGGER.debug("upload list cache %s not written: %s", cache_path, exc)
