"""Upload summaries: "every file of this upload list is recorded, unchanged", in one entry.

Reading every record of a storage to find that nothing changed costs more than stat'ing the
files. A summary lets a run skip that read: after a run in which every file of the list was
found unchanged or was uploaded and recorded, the store keeps

    key   = digest over (server path, local path, size, mtime_ns, ctime_ns, inode, mode)
            of every file of the list, in list order;
    value = the scope's record generation then, and the oldest confirmation time of the
            records it covers.

Every change of the scope that could make a covered record untrue (a record dropped, deleted
or replaced by one with another fingerprint, on this machine or another) bumps the
generation in the same transaction, so a summary whose generation is not the current one
proves nothing. The next run stats every file, computes the same digest from the stats and
looks the summary up: when it exists at the current generation and its oldest record is
younger than ``verify_age``, every file is unchanged, by the same rule as a record-by-record
comparison (:func:`rayvision_sync.records.compare_record`), without reading a record.

A list read from upload.json is named in the key by the SHA-256 of the file's bytes (and the
working folder relative paths are read against) instead of by its paths
(:func:`identified_list_digest`): the same two lists, found without joining and hashing them
again.
"""

import collections
import hashlib
import math
import os
from array import array
from typing import Any, Iterable, List, Optional, Sequence, Tuple

# Summaries kept per scope at one generation (one per upload list in use); older generations
# are dropped whenever a summary is written.
MAX_SUMMARIES = 64


class Summary(collections.namedtuple("Summary", "generation oldest")):
    """A stored summary: the generation it was written at, the oldest record time covered."""

    __slots__ = ()


def summary_value(generation: int, oldest: int, written: int) -> str:
    """The stored form of a summary: ``<generation>:<oldest>:<written>``."""
    return u"{0}:{1}:{2}".format(int(generation), int(oldest), int(written))


def parse_summary(value: Optional[object]) -> Optional[Summary]:
    """A :class:`Summary` of a stored value, or None when absent or unreadable."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    parts = str(value).split(":")
    try:
        return Summary(int(parts[0]), int(parts[1]))
    except (ValueError, IndexError):
        return None


def fingerprint_part(value: Optional[str]) -> Optional[str]:
    """A record value without its confirmation time (what a summary relies on)."""
    if value is None:
        return None
    cut = value.rfind(":")
    return value if cut < 0 else value[:cut]


def fingerprint_changed(old: Optional[str], new: str) -> bool:
    """Whether writing ``new`` over ``old`` changes what the record says about the file."""
    return old is not None and fingerprint_part(old) != fingerprint_part(new)


def list_digest(servers: Sequence[str], locals_: Sequence[str], fields: Sequence[int]) -> str:
    """The digest of an upload list and the state of its files.

    Args:
        servers (list[str]): Storage paths, one per file.
        locals_ (list[str]): Local paths, in the same order.
        fields (array or list): Numbers from each file's stat, in the same order (the
            fingerprint: size, mtime_ns, ctime_ns, inode; and the mode).

    Two joins and the bytes of one array: no Python object per file is made here, so the
    digest costs a fraction of the stats it covers.
    """
    digest = hashlib.sha256()
    digest.update(_joined(servers))
    digest.update(b"\x01")
    digest.update(_joined(locals_))
    digest.update(b"\x01")
    digest.update(_numbers(fields))
    return digest.hexdigest()


def identified_list_digest(identity: str, fields: Sequence[int]) -> str:
    """:func:`list_digest` of a list named by ``identity`` (see :attr:`UploadList.identity`).

    Args:
        identity (str): A digest naming the two path lists exactly (upload.json's bytes).
        fields (array or list): The numbers of each file's stat, as for :func:`list_digest`.
    """
    digest = hashlib.sha256(b"listed\x00")
    digest.update(identity.encode("ascii", "replace"))
    digest.update(b"\x00")
    # Relative local paths name other files from another working folder. A working folder
    # that was removed has no name; relative paths could not be stat'ed from it then, so
    # such a list holds absolute paths only.
    try:
        working = os.getcwd()
    except OSError:
        working = ""
    digest.update(_joined([working]))
    digest.update(b"\x01")
    digest.update(_numbers(fields))
    return digest.hexdigest()


def _joined(paths: Sequence[str]) -> bytes:
    # surrogatepass: a POSIX name that is not UTF-8 still digests, to bytes of its own.
    return u"\x00".join(paths).encode("utf-8", "surrogatepass")


def _numbers(fields: Sequence[int]) -> bytes:
    if isinstance(fields, array) and fields.typecode == "q":
        return fields.tobytes()
    try:
        return array("q", fields).tobytes()
    except OverflowError:
        # An inode or file id above 2**63 (some network file systems): the numbers as text,
        # slower but equal whenever the stats are.
        return repr(list(fields)).encode("ascii")


def sample_indexes(count: int, fraction: float, limit: int, rng: Any) -> List[int]:
    """Positions of the files a run confirms on the farm (``fraction`` of ``count``, capped)."""
    size = min(count, int(math.ceil(count * max(0.0, fraction))), max(0, int(limit)))
    return rng.sample(range(count), size)


def prune(entries: Iterable[Tuple[str, str]], generation: int, keep: str) -> List[str]:
    """Digests of the summaries to drop when ``keep`` is written at ``generation``.

    Summaries of another generation prove nothing any more; when :data:`MAX_SUMMARIES` of
    the current one would be kept, all others go (one per upload list in use is the norm).
    """
    current = []
    dropped = []
    for digest, value in entries:
        if digest == keep:
            continue
        summary = parse_summary(value)
        if summary is not None and summary.generation == generation:
            current.append(digest)
        else:
            dropped.append(digest)
    if len(current) >= MAX_SUMMARIES - 1:
        dropped.extend(current)
    return dropped


class SummaryRun(object):
    """Whether one upload run may write the summary of its list, and the writing.

    A summary is written only when every file ended the run unchanged or uploaded and
    recorded with exactly the fingerprint the digest holds, every farm check gave an answer,
    the record store never failed, and nobody else changed the scope's records meanwhile:
    the generation must be the one read before the records, plus this run's own bumps.

    Args:
        records (RecordStore): The store.
        scope (str): The storage's record scope.
        digest (str): :func:`list_digest` of the run's files.
        generation (int): The scope's generation, read before any record.
    """

    def __init__(self, records: Any, scope: str, digest: str, generation: int) -> None:
        self.scope = scope
        self.digest = digest
        self.generation = generation
        self.own_bumps = records.bumps(scope)
        self.oldest = 0
        self.complete = True
        #: The run's list already has a summary at ``generation`` (the summary path).
        self.vouched = False
        self._expected: dict = {}

    def sending(self, transfers: Iterable[Any]) -> None:
        """The files this run sends (``FileTransfer``: ``server`` and planned ``stamp``)."""
        for transfer in transfers:
            self._expected[transfer.server] = u"{0}:{1}:{2}:{3}:".format(*transfer.stamp)

    def recorded(self, server: str, record: Optional[str]) -> None:
        """A file was sent; ``record`` is its new record value (None: not recorded)."""
        if record is None or not record.startswith(self._expected.get(server, u"\x00")):
            self.complete = False

    def write(self, records: Any) -> bool:
        """Store the summary if the run earned it; True when written."""
        if records is None or not self.complete:
            return False
        bumps = records.bumps(self.scope) - self.own_bumps
        if self.vouched and not bumps:
            return False  # the summary the run relied on still holds: nothing to write
        expected = self.generation + bumps
        return records.save_summary(self.scope, self.digest, self.oldest, expected)
