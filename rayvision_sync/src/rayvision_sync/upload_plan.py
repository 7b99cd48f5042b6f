"""Which files of an upload job must be sent: the unchanged-file check.

One ``os.stat`` per file (:func:`stat_files`), then either one summary lookup (when the
store holds a valid summary of exactly this list in exactly this state, every file is
unchanged: :mod:`rayvision_sync.record_summary`, :func:`unchanged_plan`) or a comparison
with the upload records by the one unchanged rule,
:func:`rayvision_sync.records.compare_record`: size, mtime, ctime and inode equal means
unchanged (records of the older size + mtime form match once and are rewritten).
``verify="hash"`` also hashes every file the records call unchanged. Of the unchanged files,
a sample (``verify_fraction``) and every record not confirmed for ``verify_age`` seconds are
checked on the farm afterwards (:meth:`HttpTransferEngine.upload_pairs`).
"""

import collections
import os
import random
import stat as stat_module
import time
from array import array
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from rayvision_api.collector import collector_paused
from rayvision_sync.exception import OptionValueError
from rayvision_sync.hashing import sha256_file
from rayvision_sync.paths import storage_path
from rayvision_sync.record_summary import identified_list_digest, list_digest, sample_indexes
from rayvision_sync.records import (
    UNCHANGED,
    UNCHANGED_OLDER_FORM,
    compare_record,
    parse_record,
    record_value,
)
from rayvision_sync.transfer_state import FileTransfer

VERIFY_MODES = ("stat", "hash")
# ``{server: (local, stat)}``; the stat an ``os.stat_result`` or a :class:`FileState`.
Entries = Dict[str, Tuple[str, Any]]
DEFAULT_VERIFY_FRACTION = 0.001
DEFAULT_VERIFY_AGE = 7 * 24 * 3600
# Most sampled (not aged) records confirmed in one run: the sample stays a few requests.
DEFAULT_VERIFY_LIMIT = 32


def check_verify(verify: Any) -> str:
    """``verify`` itself when it is one of :data:`VERIFY_MODES`.

    Raises:
        OptionValueError: Another value (named in the message).
    """
    if not isinstance(verify, str) or verify not in VERIFY_MODES:
        raise OptionValueError("verify must be one of {0}, not {1!r}".format(
            " or ".join(repr(mode) for mode in VERIFY_MODES), verify))
    return verify


class UploadPlan(object):
    """The outcome of the check.

    Attributes:
        transfers (list[FileTransfer]): Files to send.
        skipped (list): ``(server, local, size)`` of unchanged files.
        refresh (dict): ``{server: record value}`` to write (older records in the new form).
        to_check (list): ``(server, local, stat, record value)`` of unchanged files to
            confirm on the farm.
        oldest (int): Oldest confirmation time of the records the unchanged files rely on
            after this run's confirmations (aged records are confirmed, or re-sent).
        confirm (bool): Give confirmed records a new confirmation time (False when no
            record was read: the summary vouched for them).
        farm_sizes (callable): Returns the farm's answers for ``to_check`` when they were
            asked for already (None: ask now).
    """

    def __init__(self) -> None:
        self.transfers: List[Any] = []
        self.skipped: Any = []  # a list, or SkippedFiles on the summary path
        self.refresh: Dict[Any, Any] = {}
        self.to_check: List[Any] = []
        self.oldest = int(time.time())
        self.confirm = True
        self.farm_sizes: Optional[Any] = None


# What the check keeps of each stat, five numbers a file in one flat array: the fingerprint
# (size, mtime, ctime, inode) and the mode (a folder is expanded).
STATE_FIELDS = attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino", "st_mode")
WIDTH = 5


class FileState(collections.namedtuple("FileState",
                                       "st_size st_mtime_ns st_ctime_ns st_ino st_mode")):
    """The part of an ``os.stat`` result the check and the upload use."""

    __slots__ = ()


class UploadList(object):
    """``(local, server)`` pairs held as two lists (how upload.json is read).

    Iterating gives the pairs; the check uses the lists as they are.

    Attributes:
        identity (str or None): A digest naming exactly these two lists, when they were read
            from a file (the SHA-256 of upload.json's bytes): the upload summary is then
            looked up by it instead of by a digest of every path.
    """

    def __init__(self, locals_: List[Any], servers: List[str],
                 identity: Optional[str] = None) -> None:
        self.locals = locals_
        self.servers = servers
        self.identity = identity

    @classmethod
    def of(cls, pairs: Iterable[Tuple[Any, str]]) -> "UploadList":
        """The list of any iterable of pairs (an :class:`UploadList` is returned as is)."""
        if isinstance(pairs, cls):
            return pairs
        pairs = list(pairs)
        return cls(list(map(itemgetter(0), pairs)), list(map(itemgetter(1), pairs)))

    def __len__(self) -> int:
        return len(self.locals)

    def __iter__(self) -> Iterator[Tuple[Any, str]]:
        return zip(self.locals, self.servers)


class SkippedFiles(object):
    """``(server, local, size)`` of unchanged files, held as three sequences.

    A plan of 100k unchanged files needs no object per file unless someone iterates it
    (a progress callback).
    """

    def __init__(self, servers: Any, locals_: Sequence[str], sizes: Sequence[int]) -> None:
        self._columns = (servers, locals_, sizes)

    def __len__(self) -> int:
        return len(self._columns[0])

    def __iter__(self) -> Iterator[Tuple[str, str, int]]:
        return zip(*self._columns)


class _Normalizing(object):
    """Storage paths normalised when read (only a progress callback reads them all)."""

    def __init__(self, servers: Sequence[str]) -> None:
        self._servers = servers

    def __len__(self) -> int:
        return len(self._servers)

    def __iter__(self) -> Iterator[str]:
        return map(storage_path, self._servers)


class StatTable(object):
    """Every file of an upload list with its state, as parallel sequences.

    Attributes:
        servers (list[str]): Storage paths: normalised and each once, or, when
            ``as_listed``, exactly as upload.json lists them (see :meth:`normalized`).
        locals (list[str]): Local paths.
        fields (array or list): :data:`WIDTH` numbers per file (:data:`STATE_FIELDS`).
        as_listed (bool): ``servers`` are not normalised yet.
        merged (bool): Normalising found a storage path listed twice (the last local file
            of it was kept).
        identity (str or None): The :attr:`UploadList.identity` of the list as listed.
    """

    def __init__(self, servers: List[str], locals_: List[str], fields: Sequence[int],
                 as_listed: bool = False, identity: Optional[str] = None) -> None:
        self.servers = servers
        self.locals = locals_
        self.fields = fields
        self.as_listed = as_listed
        self.identity = identity if as_listed else None
        self.merged = False

    def normalized(self) -> "StatTable":
        """This table with normalised storage paths, each once."""
        if not self.as_listed:
            return self
        servers = list(map(storage_path, self.servers))
        if len(set(servers)) == len(servers):
            return StatTable(servers, self.locals, self.fields)
        table = StatTable.of_entries(dict(zip(servers, zip(
            self.locals, map(FileState._make, zip(*[iter(self.fields)] * WIDTH))))))
        table.merged = True
        return table

    def server(self, index: int) -> str:
        """The normalised storage path of file ``index``."""
        return storage_path(self.servers[index]) if self.as_listed else self.servers[index]

    def __len__(self) -> int:
        return len(self.servers)

    def state(self, index: int) -> FileState:
        """The :class:`FileState` of file ``index``."""
        return FileState(*self.fields[index * WIDTH:(index + 1) * WIDTH])

    def entries(self) -> Dict[str, Tuple[str, FileState]]:
        """``{server: (local, state)}``."""
        states = map(FileState._make, zip(*[iter(self.fields)] * WIDTH))
        return dict(zip(self.servers, zip(self.locals, states)))

    def digest(self) -> str:
        """The digest a summary of this list in this state is stored under."""
        if self.identity is not None:
            return identified_list_digest(self.identity, self.fields)
        return list_digest(self.servers, self.locals, self.fields)

    def sizes(self) -> Sequence[int]:
        """The size of each file."""
        return self.fields[0::WIDTH]

    def total_size(self) -> int:
        """Bytes of all the files."""
        return sum(self.sizes())

    @classmethod
    def of_entries(cls, entries: Dict[str, Tuple[str, Any]]) -> "StatTable":
        """The table of ``{server: (local, stat)}``."""
        values = list(entries.values())
        fields = list(chain.from_iterable(map(STATE_FIELDS, map(itemgetter(1), values))))
        return cls(list(entries), list(map(itemgetter(0), values)), fields)


def stat_files(pairs: Iterable[Tuple[str, str]], failures: List[Any]) -> StatTable:
    """The :class:`StatTable` of ``(local, server)`` pairs (folders expanded).

    Unreadable paths are appended to ``failures`` as ``(local, message)``. A server path
    named twice keeps its last local file, as :func:`stat_pairs`.
    """
    return stat_files_as_listed(pairs, failures).normalized()


def stat_files_as_listed(pairs: Iterable[Tuple[str, str]], failures: List[Any]) -> StatTable:
    """:func:`stat_files` without normalising the storage paths of a plain list of files.

    A summary of the list is looked up by the paths as listed: a run the summary vouches
    for never needs them normalised (:meth:`StatTable.normalized` does it otherwise).
    """
    upload = UploadList.of(pairs)
    with collector_paused():
        try:
            # The hot loop of the unchanged-file check, run by map() with no Python code
            # and no object kept per file; the rare list with a missing file or a folder
            # (or an inode number above 2**63) takes the long way.
            fields = array("q", chain.from_iterable(map(STATE_FIELDS, map(os.stat,
                                                                          upload.locals))))
        except (OSError, OverflowError):
            return StatTable.of_entries(_stat_pairs(list(upload), failures))
        if any(map(stat_module.S_ISDIR, fields[WIDTH - 1::WIDTH])):
            return StatTable.of_entries(_stat_pairs(list(upload), failures))
        return StatTable(upload.servers, upload.locals, fields, as_listed=True,
                         identity=upload.identity)


def unchanged_plan(table: StatTable, oldest: int, sample: List[int]) -> UploadPlan:
    """The plan of a list a valid summary vouches for: every file unchanged.

    The random sample (positions in ``table``, drawn by
    :func:`~rayvision_sync.record_summary.sample_indexes`) is still confirmed on the farm,
    against the size of the file now (the size the record holds, since the summary says the
    file has not changed); no record is read, and none rewritten.
    """
    plan = UploadPlan()
    servers: Any = _Normalizing(table.servers) if table.as_listed else table.servers
    plan.skipped = SkippedFiles(servers, table.locals, table.sizes())
    plan.to_check = [(table.server(index), table.locals[index], table.state(index), None)
                     for index in sample]
    plan.oldest = oldest
    plan.confirm = False
    return plan


def stat_pairs(pairs: List[Tuple[str, str]],
               failures: List[Any]) -> Dict[str, Tuple[str, os.stat_result]]:
    """``{server: (local, stat)}`` of every file of ``(local, server)`` pairs (folders expanded).

    Unreadable paths are appended to ``failures`` as ``(local, message)``.
    """
    with collector_paused():
        return _stat_pairs(pairs, failures)


def _stat_pairs(pairs: List[Tuple[str, str]],
                failures: List[Any]) -> Dict[str, Tuple[str, os.stat_result]]:
    entries = {}
    stat = os.stat
    is_dir = stat_module.S_ISDIR
    # The hot loop of the unchanged-file check: one stat per file and nothing else.
    for local, server in pairs:
        server = storage_path(server)
        try:
            info = stat(local)
        except OSError as exc:
            failures.append((local, "cannot read: {0}".format(exc.strerror or exc)))
            continue
        if is_dir(info.st_mode):
            for file_local, file_server, file_info in _expand(local, server, failures):
                entries[file_server] = (file_local, file_info)
        else:
            entries[server] = (local, info)
    return entries


def plan_uploads(entries: Entries, known: Dict[str, str],
                 verify: str = "stat", verify_fraction: Union[float, int] = DEFAULT_VERIFY_FRACTION,
                 verify_age: Union[float, int] = DEFAULT_VERIFY_AGE, now: Optional[Any] = None,
                 verify_limit: int = DEFAULT_VERIFY_LIMIT) -> UploadPlan:
    """Split stat'ed files into files to send and unchanged files.

    Args:
        entries (dict): ``{server: (local, stat)}`` from :func:`stat_pairs`.
        known (dict): ``{server: record value}`` from the record store.
        verify (str): ``"stat"`` or ``"hash"`` (also compare the SHA-256 of unchanged files).
        verify_fraction (float): Share of unchanged files to confirm on the farm.
        verify_age (float): Records older than this many seconds are always confirmed.
        now (float): The current time (tests).
        verify_limit (int): Most files of the random sample (aged records are not capped).
    """
    with collector_paused():
        plan = _compare(entries, known, verify_age, now)
    if verify == "hash":
        _rehash(plan, entries, known)
    _choose_checks(plan, entries, known, plan.to_check, verify_fraction, verify_limit)
    return plan


def _compare(entries: Entries, known: Dict[str, str],
             verify_age: Union[float, int], now: Optional[Any]) -> UploadPlan:
    """The plan before the optional re-hash; ``to_check`` holds the aged records."""
    plan = UploadPlan()
    skipped = plan.skipped
    transfers = plan.transfers
    aged = []
    oldest = str(int((time.time() if now is None else now) - verify_age))
    # Oldest confirmation among the records that stay unconfirmed (the aged ones are all
    # confirmed by this run); compared as text of digits, shortest first.
    earliest = str(int(time.time() if now is None else now))
    compare = compare_record
    for server, (local, info) in entries.items():
        value = known.get(server)
        if value is not None:
            size = info.st_size
            match = compare(value, size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
            if match is UNCHANGED:
                skipped.append((server, local, size))
                checked = value[value.rindex(":") + 1:]
                if len(checked) < len(oldest) or (len(checked) == len(oldest)
                                                  and checked <= oldest):
                    aged.append((server, local, info, value))
                elif len(checked) < len(earliest) or (len(checked) == len(earliest)
                                                      and checked < earliest):
                    earliest = checked
                continue
            if match is UNCHANGED_OLDER_FORM:
                # A record of the older form: trusted once, rewritten with ctime and inode.
                skipped.append((server, local, size))
                plan.refresh[server] = record_value(
                    size, info.st_mtime_ns, value[value.rindex(":") + 1:], info.st_ctime_ns,
                    info.st_ino)
                continue
        transfers.append(FileTransfer(server, local, info))
    plan.to_check = aged
    plan.oldest = int(earliest) if earliest.isdigit() else 0
    return plan


def _rehash(plan: UploadPlan, entries: Entries,
            known: Dict[str, str]) -> None:
    """Move unchanged files whose content no longer has the recorded digest to the sends."""
    kept = []
    for server, local, size in plan.skipped:
        record = parse_record(plan.refresh.get(server) or known.get(server))
        try:
            same = record is not None and record.sha256 and sha256_file(local) == record.sha256
        except OSError:
            same = False
        if same:
            kept.append((server, local, size))
        else:
            plan.refresh.pop(server, None)
            plan.transfers.append(FileTransfer(server, local, entries[server][1]))
    plan.skipped = kept


def _choose_checks(plan: UploadPlan, entries: Entries,
                   known: Dict[str, str], aged: List[Any], fraction: Union[float, int],
                   limit: int) -> None:
    """Every aged record plus a random ``fraction`` (at most ``limit``) of the others."""
    chosen = dict((check[0], check) for check in aged)
    for index in sample_indexes(len(plan.skipped), fraction, limit, random):
        server, local, _ = plan.skipped[index]
        chosen.setdefault(server, (server, local, entries[server][1], known.get(server)))
    plan.to_check = list(chosen.values())


def _expand(local: str, server: str,
            failures: List[Any]) -> Iterator[Tuple[str, str, os.stat_result]]:
    """``(local, server, stat)`` for every file below a folder."""
    for folder, folders, names in os.walk(local):
        folders.sort()  # the same order every run: the list's summary digest depends on it
        for name in sorted(names):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, local).replace(os.sep, "/")
            try:
                yield path, storage_path(server + "/" + rel), os.stat(path)
            except OSError as exc:
                failures.append((path, "cannot read: {0}".format(exc.strerror or exc)))


def confirmed(value: str) -> str:
    """A record value with its confirmation time moved to now."""
    return u"{0}{1}".format(value[:value.rindex(":") + 1], int(time.time()))
