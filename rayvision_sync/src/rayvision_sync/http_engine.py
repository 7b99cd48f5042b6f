"""Built-in transfer engine for farms whose storage speaks HTTP (docs/storage-protocol.md).

* Parallel: a pool of worker threads, each with its own keep-alive ``requests.Session``.
* ``max_speed`` (KB/s) is one budget shared by all workers.
* Resumable both ways: an upload asks the storage how many bytes of this exact content it
  already holds and continues from there; a download keeps a partial file and continues it
  with a ``Range`` request.
* Verified end to end, hashing every byte once: the SHA-256 is computed while a file is read
  for sending (the storage checks it before the file appears) and while a download is
  written (checked before the file gets its final name).
* Nothing from the server is trusted: listings are validated, names checked
  (:mod:`rayvision_sync.paths`), bodies cut at the listed size, symlinks never followed.

The work is split by job: :mod:`~rayvision_sync.upload_plan` (which files to send),
:mod:`~rayvision_sync.http_upload` / :mod:`~rayvision_sync.http_batch` (sending),
:mod:`~rayvision_sync.http_download` (receiving), around the per-file state and retry policy
of :mod:`~rayvision_sync.transfer_state`. This module runs the jobs.
"""

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Tuple, Union

from rayvision_api.cancel import CancelToken, check
from rayvision_api.collector import collector_paused
from rayvision_api.exception import ProgressCallbackError, RayvisionCancelledError
from rayvision_sync.exception import (
    RecordDatabaseError,
    TransferError,
    UnverifiedFileError,
)
from rayvision_sync.farm_check import FarmChecks
from rayvision_sync.hashing import DigestCache
from rayvision_sync.http_batch import BatchUpload, plan_groups
from rayvision_sync.http_download import (  # noqa: F401  (partial_path is public)
    PARTIAL_SUFFIX,
    SingleDownload,
    check_no_symlinks,
    partial_path,
    same_file,
)
from rayvision_sync.http_upload import SingleUpload
from rayvision_sync.listing import validate_item, validate_listing
from rayvision_sync.paths import check_target_names, local_destination, storage_path
from rayvision_sync.progress import ProgressReporter
from rayvision_sync.record_summary import SummaryRun, sample_indexes
from rayvision_sync.records import record_scope
from rayvision_sync.result import TransferResult
from rayvision_sync.storage_client import StorageClient
from rayvision_sync.throttle import limiter_for
from rayvision_sync.transfer_state import RETRYABLE, FileTransfer, Retryable, RetryPolicy
from rayvision_sync.upload_plan import (
    DEFAULT_VERIFY_AGE,
    DEFAULT_VERIFY_FRACTION,
    DEFAULT_VERIFY_LIMIT,
    VERIFY_MODES,  # noqa: F401  (importable from here, as before)
    UploadList,
    check_verify,
    confirmed,
    plan_uploads,
    stat_files_as_listed,
    unchanged_plan,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

    from requests.models import Response
    from requests.sessions import Session

    from rayvision_api.connect import Connect
    from rayvision_sync.listing import ListedFile
    from rayvision_sync.records import RecordStore
    from rayvision_sync.upload_plan import Entries, StatTable, UploadPlan

LOGGER = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024
DEFAULT_WORKERS = 4
RECORD_FLUSH = 500


class HttpTransferEngine(object):
    """Moves files to and from HTTP storage.

    Args:
        connect: The API's ``Connect`` (signs storage requests; its key stays inside it).
        url (str): Storage base URL from ``getTransferServerMsg`` ``httpTransfer.url``.
        bids (dict): ``config_bid`` / ``input_bid`` / ``output_bid`` -> storage id.
        chunk_size (int): Largest PUT body; the server's ``chunkSize`` by default.
        workers (int): Files moved at once.
        timeout (float): Seconds to wait for the storage, per request.
        max_attempts (int): Attempts per file in a row without progress.
        backoff (float): First wait between attempts (doubles, capped at 10 s).
        session_factory (callable): Makes each worker's ``requests.Session`` (proxies, CA).
        session_settings (dict): Attributes set on each new session (``proxies``,
            ``verify``, ``cert``, ``trust_env``, ``headers``).
        session (requests.Session): A configured session each worker's session copies.
        verify_fraction (float): Share of the files the records call unchanged that are
            confirmed on the farm at each upload (default 0.1 %).
        verify_age (float): Seconds after which a record is always confirmed (7 days).
        verify_limit (int): Most sampled files confirmed per upload (32; aged records are
            always confirmed).
    """

    name = "http"

    def __init__(self, connect: "Connect", url: str, bids: Dict[str, Any],
                 chunk_size: Optional[int] = None, workers: Optional[int] = None,
                 timeout: float = 60.0, max_attempts: int = 6, backoff: Union[float, int] = 0.2,
                 session_factory: Optional[Any] = None,
                 session_settings: Optional[Dict[str, bool]] = None,
                 verify_fraction: float = DEFAULT_VERIFY_FRACTION,
                 verify_age: int = DEFAULT_VERIFY_AGE, verify_limit: int = DEFAULT_VERIFY_LIMIT,
                 session: Optional["Session"] = None) -> None:
        self.client = StorageClient(connect, url, bids, timeout, session_factory,
                                    session_settings, session)
        self.connect = connect
        self.url = self.client.url
        self.chunk_size = int(chunk_size or DEFAULT_CHUNK_SIZE)
        self.workers = max(1, int(workers or DEFAULT_WORKERS))
        self.policy = RetryPolicy(max_attempts, backoff)
        self.verify_fraction = float(verify_fraction)
        self.verify_age = float(verify_age)
        self.verify_limit = int(verify_limit)

    def __repr__(self) -> str:
        return "HttpTransferEngine(url={0!r}, workers={1}, chunk_size={2})".format(
            self.url, self.workers, self.chunk_size)

    # -- storage requests ------------------------------------------------------------------

    @property
    def bids(self) -> Dict[str, str]:
        """``config_bid`` / ``input_bid`` / ``output_bid`` -> storage id."""
        return self.client.bids

    def bid(self, bid_key: str) -> str:
        """Storage id of ``config_bid`` / ``input_bid`` / ``output_bid``."""
        return self.client.bid(bid_key)

    def scope(self, bid_key: str) -> str:
        """Upload-record scope of a storage: API domain and storage id."""
        return record_scope(self.connect.domain, self.bid(bid_key))

    def request(self, method: str, bid: str, path: str, params: Optional[Dict[str, str]] = None,
                data: Optional[Any] = None, headers: Optional[Any] = None,
                stream: bool = False) -> "Response":
        """Send one signed storage request and return the response (any status)."""
        return self.client.request(method, bid, path, params, data=data, headers=headers,
                                   stream=stream)

    def close(self) -> None:
        """Close the keep-alive connections of every worker (done after each job)."""
        self.client.close()

    def list(self, bid_key: str, folder: str,
             stop: Optional[CancelToken] = None) -> List[Union["ListedFile", Any]]:
        """Every file below a storage folder, validated: :class:`ListedFile` items.

        Args:
            bid_key (str): ``config_bid`` / ``input_bid`` / ``output_bid``.
            folder (str): Storage folder.
            stop (CancelToken, optional): Ends the waits between attempts.

        Raises:
            ListingError: The storage's answer holds an unusable item (the field is named).
            TransferError: The storage could not be reached after the retries.
            RayvisionCancelledError: ``stop`` was cancelled.
        """
        bid = self.bid(bid_key)
        folder = storage_path(folder)
        what = "listing {0}:{1}".format(bid_key, folder)
        attempt = 0
        while True:
            attempt += 1
            check(stop, what)
            try:
                response = self.request("GET", bid, folder, {"list": "1"})
                return validate_listing(self.client.json(response, what))
            except RETRYABLE + (Retryable,) as exc:
                if attempt >= self.policy.max_attempts:
                    raise TransferError("{0} failed after {1} attempts: {2}".format(
                        what, attempt, exc))
                self.policy.wait(self.policy.delay(attempt), stop)

    def delete(self, bid_key: str, path: str) -> bool:
        """Remove a file or folder from a storage (used by tests and cleanup tools)."""
        response = self.request("DELETE", self.bid(bid_key), storage_path(path))
        if response.status_code not in (200, 404):
            self.client.failure(response, "deleting {0}".format(path))
        return response.status_code == 200

    def stored_size(self, bid: Any, server: Any) -> Any:
        """Size of a stored file (a HEAD request), None when absent, -1 when unknown."""
        try:
            response = self.request("HEAD", bid, server)
        except RETRYABLE:
            return -1
        if response.status_code == 404:
            return None
        size = response.headers.get("X-Rayvision-Size") or ""
        if response.status_code != 200 or not size.isdigit() or not size.isascii():
            return -1
        return int(size)

    # -- upload ----------------------------------------------------------------------------

    def upload_pairs(self, bid_key: str, pairs: Iterable[Tuple[str, str]],
                     max_speed: Optional[str] = None,
                     records: Optional["RecordStore"] = None,
                     progress: Optional[ProgressReporter] = None, print_log: bool = True,
                     verify: str = "stat") -> TransferResult:
        """Upload ``(local, server)`` pairs; unchanged files (per ``records``) are skipped.

        A local folder uploads every file below it, below its server path.

        Args:
            bid_key (str): ``config_bid`` or ``input_bid``.
            pairs (iterable): ``(local_path, server_path)``.
            max_speed: KB/s for the whole job (None: 1048576, 0: unlimited).
            records (RecordStore): Upload-record database, or None.
            progress (ProgressReporter): Receives the job's progress.
            print_log (bool): Log each file (at DEBUG) and the job's summary (at INFO).
            verify (str): ``"stat"`` (size, times and inode decide what is unchanged) or
                ``"hash"`` (also re-hash the files the records call unchanged).

        The job stops when ``progress.token`` is cancelled (the caller's cancel token, or
        a failing progress callback): every worker stops at its next block, the files
        finished so far are recorded, the interrupted ones are not.

        Returns:
            TransferResult: Counts; never holds failures (they raise).

        Raises:
            TransferError: Some files could not be uploaded (all others were).
            RayvisionCancelledError: The job was cancelled.
            ProgressCallbackError: The progress callback raised.
        """
        check_verify(verify)
        bid = self.bid(bid_key)
        scope = self.scope(bid_key)
        progress = progress or ProgressReporter("upload", show=False)
        result = TransferResult()
        upload = UploadList.of(pairs)
        progress.check("upload")
        with collector_paused():
            table = stat_files_as_listed(upload, result.failures)
            progress.check("upload")
            records, plan, run, table = self._plan(records, bid, scope, table, verify)
            result.files_total = len(table) + len(result.failures)
        records = self._confirm_on_farm(bid, plan, records, scope, run)
        result.files_skipped = len(plan.skipped)
        progress.start(result.files_total, table.total_size())
        for failed, message in result.failures:
            progress.file_failed(None, failed, message)
        progress.files_skipped(plan.skipped)
        limiter = limiter_for(max_speed, progress.token)
        single = SingleUpload(self.client, self.policy, self.chunk_size, LOGGER)
        batches = BatchUpload(self.client, single, self.policy, LOGGER)
        groups = plan_groups(plan.transfers, limiter, self.chunk_size, self.workers)
        saver = _RecordSaver(records, scope)
        if run is not None:
            run.sending(plan.transfers)
        try:
            progress.check("upload")
            with ThreadPoolExecutor(max_workers=min(self.workers, max(1, len(groups)))) as pool:
                futures = [pool.submit(batches.run, bid, group, limiter, progress)
                           for group in groups]

                def count(future: "Future[List[Tuple[FileTransfer, Any]]]") -> None:
                    for transfer, outcome in future.result():
                        self._count_upload(result, transfer, outcome, progress, saver, run)

                _gather(futures, count, progress, "upload of {0} files".format(
                    len(plan.transfers)))
        except BaseException:
            self._end_job(progress, True, saver)
            raise
        self._end_job(progress, False, saver)
        self._summary("upload", result, print_log)
        if result.failures:
            raise _with_result(TransferError(
                "{0} of {1} files could not be uploaded: {2}".format(
                    len(result.failures), result.files_total, _first_failures(result)),
                200025), result)
        _write_summary(run, saver.records)
        return result

    def _plan(self, records: Optional["RecordStore"], bid: str, scope: str,
              table: "StatTable", verify: str) -> Tuple[Optional["RecordStore"], "UploadPlan",
                                    Optional[SummaryRun], "StatTable"]:
        """``(records, plan, summary run, table)``: one summary lookup, else every record read.

        ``table`` comes back normalised unless the summary held. A failing database is
        dropped for this job (every file is then sent).
        """
        if records is None:
            table = table.normalized()
            return None, self._plan_with(table, {}, verify), None, table
        sample, checks = self._early_checks(bid, table, verify)
        try:
            digest = table.digest()
            summary, generation = records.summary(scope, digest)
        except RecordDatabaseError as exc:
            checks.settle()
            LOGGER.warning("%s; uploading every file without the record database", exc.error)
            table = table.normalized()
            return None, self._plan_with(table, {}, verify), None, table
        run = SummaryRun(records, scope, digest, generation)
        if verify == "stat" and summary is not None and summary.generation == generation \
                and summary.oldest > time.time() - self.verify_age:
            run.oldest = summary.oldest
            run.vouched = True
            plan = unchanged_plan(table, summary.oldest, sample)
            plan.farm_sizes = checks.sizes
            return records, plan, run, table
        checks.settle()
        table = table.normalized()
        # A list naming a storage path twice is checked file by file every time.
        run.complete = not table.merged
        entries = table.entries()
        records, known = self._known(records, scope, _Prefetch.start_for(
            records, scope, len(entries)), entries)
        plan = self._plan_with(table, known, verify, entries)
        run.oldest = plan.oldest
        return records, plan, run, table

    def _early_checks(self, bid: str, table: "StatTable",
                      verify: str) -> Tuple[List[int], FarmChecks]:
        """The positions of the random sample and its HEAD requests, already running.

        Started before the summary lookup, so the farm answers while the digest is computed.
        """
        sample: List[int] = []
        if verify == "stat":
            sample = sample_indexes(len(table), self.verify_fraction, self.verify_limit,
                                    random)
        return sample, FarmChecks(lambda server: self.stored_size(bid, server),
                                  [table.server(index) for index in sample], self.workers)

    def _plan_with(self, table: "StatTable", known: Dict[str, str], verify: str,
                   entries: Optional["Entries"] = None
                   ) -> "UploadPlan":
        return plan_uploads(table.entries() if entries is None else entries, known, verify,
                            self.verify_fraction, self.verify_age,
                            verify_limit=self.verify_limit)

    def _known(self, records: Optional["RecordStore"], scope: str,
               prefetched: "_Prefetch", entries: "Entries") -> Any:
        """``(records, {server: value})``; a failing database is dropped for this job."""
        if records is None:
            return None, {}
        try:
            known = prefetched.wait()
            if known is None:
                known = records.lookup(scope, list(entries))
            return records, known
        except RecordDatabaseError as exc:
            # A studio's redis being down must not stop uploads: upload everything.
            LOGGER.warning("%s; uploading every file without the record database", exc.error)
            return None, {}

    def _confirm_on_farm(self, bid: str, plan: "UploadPlan",
                         records: Optional["RecordStore"],
                         scope: str, run: Optional[SummaryRun] = None
                         ) -> Optional["RecordStore"]:
        """Check sampled and aged records on the farm; a file gone or resized is sent again.

        Returns:
            The record store, or None when it failed (this job then records nothing).
        """
        if records is None:
            return None
        if plan.farm_sizes is not None:
            sizes = plan.farm_sizes()
        elif plan.to_check:
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                sizes = list(pool.map(lambda check: self.stored_size(bid, check[0]),
                                      plan.to_check))
        if plan.to_check:
            gone = {}
            for (server, local, info, value), size in zip(plan.to_check, sizes):
                if size == -1:
                    if run is not None:
                        run.complete = False  # an aged record stays unconfirmed
                    continue
                if size != info.st_size:
                    gone[server] = FileTransfer(server, local, info)
                    plan.refresh.pop(server, None)
                elif plan.confirm and server not in plan.refresh:
                    plan.refresh[server] = confirmed(value)
            if gone:
                LOGGER.warning("%d recorded files are missing or different on the farm; "
                               "sending them again", len(gone))
                plan.skipped = [entry for entry in plan.skipped if entry[0] not in gone]
                plan.transfers.extend(gone.values())
                try:
                    records.delete(scope, list(gone))
                except RecordDatabaseError as exc:
                    LOGGER.warning("%s; uploads are not recorded", exc.error)
                    return None
        return _RecordSaver(records, scope).save(plan.refresh)

    def _count_upload(self, result: TransferResult, transfer: FileTransfer,
                      outcome: Union[Tuple[int, int, str], Exception], progress: ProgressReporter,
                      saver: "_RecordSaver", run: Optional[SummaryRun] = None) -> None:
        if isinstance(outcome, Exception):
            message = str(outcome)
            result.failures.append((transfer.local, message))
            LOGGER.error("upload file fail: %s -> %s: %s", transfer.local, transfer.server,
                         message)
            progress.file_failed(transfer.server, transfer.local, message)
            return
        sent, retries, record = outcome
        result.files_transferred += 1
        result.bytes_transferred += sent
        result.retries += retries
        LOGGER.debug("uploaded %s -> %s (%d bytes sent)", transfer.local, transfer.server,
                     sent)
        if record is not None:
            saver.add(transfer.server, record)
        if run is not None:
            run.recorded(transfer.server, record)

    def upload_file(self, bid_key: Any, local: Any, server: Any, max_speed: Any = None,
                    progress: Any = None, print_log: bool = True) -> Any:
        """Upload one file (or a folder's files) to ``server``."""
        return self.upload_pairs(bid_key, [(local, server)], max_speed, progress=progress,
                                 print_log=print_log)

    def upload_asset(self, upload_json_path: Any, pairs: Any, max_speed: Any = None,
                     records: Any = None, db_ini_path: Any = None, progress: Any = None,
                     print_log: bool = True, verify: str = "stat") -> Any:
        """Upload the asset pairs of upload.json to the input storage (see upload_pairs)."""
        return self.upload_pairs("input_bid", pairs, max_speed, records, progress, print_log,
                                 verify)

    # -- download --------------------------------------------------------------------------

    def download(self, bid_key: str, server_path: str, local_path: str, keep_path: bool = True,
                 max_speed: Optional[Any] = None, progress: Optional[ProgressReporter] = None,
                 digests: Optional[DigestCache] = None, print_log: bool = True,
                 strict: bool = False) -> TransferResult:
        """Download every file below a storage folder; unchanged local files are skipped.

        Args:
            bid_key (str): Usually ``output_bid``.
            server_path (str): Storage folder (or file), e.g. ``6419169_demo/layer1``.
            local_path (str): Download folder.
            keep_path (bool): Keep the whole storage path below ``local_path`` (True) or
                only the part below ``server_path`` (False).
            max_speed: KB/s for the whole job.
            progress (ProgressReporter): Receives the job's progress.
            digests (DigestCache): Digests of local files already checked.
            print_log (bool): Log each file (at DEBUG) and the job's summary (at INFO).
            strict (bool): Refuse files the storage gives no SHA-256 for (else they are
                downloaded and counted in ``files_unverified``).

        Raises:
            ListingError: The listing holds an unusable item, or two paths differing only
                by case for a case-insensitive ``local_path`` (nothing written).
            UnverifiedFileError: ``strict`` and a file has no digest (nothing written).
            UnsafePathError: A server name would land outside ``local_path``, a folder on
                the way is a symbolic link, or ``local_path`` follows Windows' name rules
                and a name would be altered by them (nothing written).
            TransferError: Some files could not be downloaded (all others were).
            RayvisionCancelledError: ``progress.token`` was cancelled; files not finished
                stay as partial files (``.rvpart``), which the next download continues.
            ProgressCallbackError: The progress callback raised.
        """
        server_path = storage_path(server_path)
        items = self.list(bid_key, server_path, getattr(progress, "token", None))
        return self.download_items(bid_key, items, server_path, local_path, keep_path,
                                   max_speed, progress, digests, print_log, strict)

    download_folder = download

    def download_items(self, bid_key: str, items: List[Union["ListedFile", Any]], server_path: str,
                       local_path: str, keep_path: bool = True, max_speed: Optional[Any] = None,
                       progress: Optional[ProgressReporter] = None,
                       digests: Optional[DigestCache] = None, print_log: bool = True,
                       strict: bool = False) -> TransferResult:
        """Download listed items (see :meth:`download`); raw dicts are validated first."""
        bid = self.bid(bid_key)
        items = [item if hasattr(item, "verified") else validate_item(item, index)
                 for index, item in enumerate(items)]
        progress = progress or ProgressReporter("download", show=False)
        digests = digests if digests is not None else DigestCache()
        result = TransferResult()
        # Every destination is checked before the first byte is written.
        plan = [(item, local_destination(local_path, item.path, server_path, keep_path))
                for item in items]
        # Names the download folder's file system would store as another name (probed
        # only when a name needs it): Windows' name rules, case-insensitive clashes.
        check_target_names(local_path, [(item.path, destination) for item, destination in plan])
        for item, destination in plan:
            if strict and not item.verified:
                raise UnverifiedFileError("{0}: the storage gives no SHA-256 for it and "
                                          "strict is set; nothing was downloaded".format(
                                              item.path))
            check_no_symlinks(local_path, destination)
        result.files_total = len(plan)
        progress.start(len(plan), sum(item.size for item, _ in plan))
        todo = []
        for item, destination in plan:
            if same_file(destination, item, digests):
                result.files_skipped += 1
                progress.file_skipped(item.path, destination, item.size)
            else:
                todo.append((item, destination))
        limiter = limiter_for(max_speed, progress.token)
        single = SingleDownload(self.client, self.policy, LOGGER)
        try:
            progress.check("download")
            with ThreadPoolExecutor(max_workers=min(self.workers, max(1, len(todo)))) as pool:
                futures = dict((pool.submit(single.run, bid, item, destination, limiter,
                                            progress, digests), (item, destination))
                               for item, destination in todo)
                _gather(futures, lambda future: self._count_download(
                    result, futures[future], future, progress), progress,
                    "download of {0} files".format(len(todo)))
        except BaseException:
            self._end_job(progress, True)
            raise
        self._end_job(progress, False)
        self._summary("download", result, print_log)
        if result.failures:
            raise _with_result(TransferError(
                "{0} of {1} files could not be downloaded: {2}".format(
                    len(result.failures), result.files_total, _first_failures(result))),
                result)
        return result

    def _end_job(self, progress: ProgressReporter, failing: bool,
                 saver: Optional["_RecordSaver"] = None) -> None:
        """Record what finished, report ``job_done`` and close the connections, come what may.

        Each step runs even when one before it raises, and the connections are closed last
        in any case. When the job is already ``failing``, a progress callback that raises on
        ``job_done`` is logged instead of replacing the job's own error; otherwise its
        :class:`ProgressCallbackError` is raised (after the close).
        """
        try:
            try:
                if saver is not None:
                    saver.flush()
            finally:
                try:
                    progress.done()
                except ProgressCallbackError as error:
                    if not failing:
                        raise
                    LOGGER.warning("%s (the job had already failed; its own error is "
                                   "raised)", error.error)
        finally:
            self.close()

    @staticmethod
    def _count_download(result: TransferResult, planned: Tuple["ListedFile", str], future: "Future",
                        progress: ProgressReporter) -> None:
        item, destination = planned
        try:
            received, retries, verified = future.result()
        except (TransferError, OSError) as exc:
            message = str(exc)
            result.failures.append((item.path, message))
            LOGGER.error("download failed: %s -> %s: %s", item.path, destination, message)
            progress.file_failed(item.path, destination, message)
            return
        result.files_transferred += 1
        result.bytes_transferred += received
        result.retries += retries
        if not verified:
            result.unverified.append(item.path)
            LOGGER.warning("downloaded %s without verification: the storage gives no "
                           "SHA-256 for it", item.path)
        LOGGER.debug("downloaded %s -> %s", item.path, destination)

    @staticmethod
    def _summary(direction: str, result: TransferResult, print_log: bool) -> None:
        LOGGER.log(logging.INFO if print_log else logging.DEBUG,
                   "%s: %d files, %d sent, %d unchanged, %d bytes, %d retries%s", direction,
                   result.files_total, result.files_transferred, result.files_skipped,
                   result.bytes_transferred, result.retries,
                   ", {0} unverified".format(len(result.unverified)) if result.unverified
                   else "")


class _RecordSaver(object):
    """Writes records in batches; on a database failure warns once and stops recording."""

    def __init__(self, records: Optional["RecordStore"],
                 scope: str) -> None:
        self.records = records
        self.scope = scope
        self.pending: Dict[Any, Any] = {}

    def add(self, server: str, value: str) -> None:
        self.pending[server] = value
        if len(self.pending) >= RECORD_FLUSH:
            self.flush()

    def flush(self) -> None:
        pending, self.pending = self.pending, {}
        self.save(pending)

    def save(self,
             values: Dict[str, str]) -> Optional["RecordStore"]:
        """Write ``values`` now; returns the store, or None once it failed."""
        if self.records is None or not values:
            return self.records
        try:
            self.records.save(self.scope, values)
        except RecordDatabaseError as exc:
            LOGGER.warning("%s; these uploads are not recorded", exc.error)
            self.records = None
        return self.records


def _gather(futures: Iterable["Future[Any]"], count: Callable[["Future[Any]"], None],
            progress: ProgressReporter, what: str) -> None:
    """``count(future)`` for each future as it completes; raise if the job was stopped.

    On the first stop (the cancel token, or the progress callback failing) the futures not
    started yet are dropped and the running ones end at their next block; what finished
    meanwhile is still counted (and, for uploads, recorded).

    Raises:
        ProgressCallbackError: The progress callback raised.
        RayvisionCancelledError: The job's token was cancelled.
    """
    stopped = None
    for future in as_completed(futures):
        if future.cancelled():
            continue
        try:
            count(future)
        except (RayvisionCancelledError, ProgressCallbackError) as exc:
            if stopped is None:
                stopped = exc
                progress.token.cancel(str(exc.error))
                for other in futures:
                    other.cancel()
    if progress.callback_error is not None:
        raise progress.callback_error
    if stopped is not None:
        raise RayvisionCancelledError(what, progress.token.reason) from stopped


def _write_summary(run: Optional[SummaryRun], records: Optional["RecordStore"]) -> None:
    """Store the run's summary when it earned one; a failure only costs the next run time."""
    if run is None:
        return
    try:
        run.write(records)
    except RecordDatabaseError as exc:
        LOGGER.debug("upload summary not stored: %s", exc.error)


def _with_result(error: TransferError, result: TransferResult) -> TransferError:
    """``error`` carrying the job's counts as ``result`` (every failure, not the first five).

    ``RayvisionUpload`` / ``RayvisionDownload`` make it their ``last_result``.
    """
    error.result = result  # type: ignore[attr-defined]
    return error


def _first_failures(result: TransferResult) -> str:
    return "; ".join("{0} ({1})".format(path, message) for path, message in result.failures[:5])


class _Prefetch(object):
    """Whole-scope read of the record database, done after the stat loop.

    Reading in a thread while the files are stat'ed was slower: every ``os.stat`` gives
    the GIL away and waits to get it back from the reading thread.
    """

    def __init__(self, records: Optional["RecordStore"],
                 scope: str, count: int) -> None:
        self.records: Any = records
        self.scope = scope
        self.count = count

    @classmethod
    def start_for(cls, records: Optional["RecordStore"],
                  scope: str, count: int) -> "_Prefetch":
        """The read of ``scope`` (nothing to do without records)."""
        return cls(records, scope, count)

    def wait(self) -> Any:
        """The records of the scope (None: look them up by key)."""
        return self.records.prefetch(self.scope, self.count)
