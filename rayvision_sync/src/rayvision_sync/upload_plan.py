"""Which files of an upload job must be sent: the unchanged-file check.

One ``os.stat`` per file, compared with the upload records by the one unchanged rule,
:func:`rayvision_sync.records.compare_record`: size, mtime, ctime and inode equal means
unchanged (records of the older size + mtime form match once and are rewritten).
``verify="hash"`` also hashes every file the records call unchanged. Of the unchanged files,
a sample (``verify_fraction``) and every record not confirmed for ``verify_age`` seconds are
checked on the farm afterwards (:meth:`HttpTransferEngine.upload_pairs`).
"""

import math
import os
import random
import stat as stat_module
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple, Union

from rayvision_api.collector import collector_paused
from rayvision_sync.hashing import sha256_file
from rayvision_sync.paths import storage_path
from rayvision_sync.records import (
    UNCHANGED,
    UNCHANGED_OLDER_FORM,
    compare_record,
    parse_record,
    record_value,
)
from rayvision_sync.transfer_state import FileTransfer

VERIFY_MODES = ("stat", "hash")
DEFAULT_VERIFY_FRACTION = 0.001
DEFAULT_VERIFY_AGE = 7 * 24 * 3600
# Most sampled (not aged) records confirmed in one run: the sample stays a few requests.
DEFAULT_VERIFY_LIMIT = 32


class UploadPlan(object):
    """The outcome of the check.

    Attributes:
        transfers (list[FileTransfer]): Files to send.
        skipped (list): ``(server, local, size)`` of unchanged files.
        refresh (dict): ``{server: record value}`` to write (older records in the new form).
        to_check (list): ``(server, local, stat, record value)`` of unchanged files to
            confirm on the farm.
    """

    def __init__(self) -> None:
        self.transfers: List[Any] = []
        self.skipped: List[Any] = []
        self.refresh: Dict[Any, Any] = {}
        self.to_check: List[Any] = []


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


def plan_uploads(entries: Dict[str, Tuple[str, os.stat_result]], known: Dict[str, str],
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


def _compare(entries: Dict[str, Tuple[str, os.stat_result]], known: Dict[str, str],
             verify_age: Union[float, int], now: Optional[Any]) -> UploadPlan:
    """The plan before the optional re-hash; ``to_check`` holds the aged records."""
    plan = UploadPlan()
    skipped = plan.skipped
    transfers = plan.transfers
    aged = []
    oldest = str(int((time.time() if now is None else now) - verify_age))
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
    return plan


def _rehash(plan: UploadPlan, entries: Dict[str, Tuple[str, os.stat_result]],
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


def _choose_checks(plan: UploadPlan, entries: Dict[str, Tuple[str, os.stat_result]],
                   known: Dict[str, str], aged: List[Any], fraction: Union[float, int],
                   limit: int) -> None:
    """Every aged record plus a random ``fraction`` (at most ``limit``) of the others."""
    chosen = dict((check[0], check) for check in aged)
    count = min(len(plan.skipped), int(math.ceil(len(plan.skipped) * max(0.0, fraction))),
                max(0, int(limit)))
    for server, local, _ in random.sample(plan.skipped, count):
        chosen.setdefault(server, (server, local, entries[server][1], known.get(server)))
    plan.to_check = list(chosen.values())


def _expand(local: str, server: str,
            failures: List[Any]) -> Iterator[Tuple[str, str, os.stat_result]]:
    """``(local, server, stat)`` for every file below a folder."""
    for folder, _, names in os.walk(local):
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
