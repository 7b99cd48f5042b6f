"""Built-in transfer engine for farms whose storage speaks HTTP (docs/storage-protocol.md).

* Parallel: a pool of worker threads, each with its own keep-alive ``requests.Session``.
* ``max_speed`` (KB/s) is one budget shared by all workers.
* Resumable both ways: an upload asks the storage how many bytes of this exact content it
  already holds (``?upload=1``) and continues from there; a download keeps a partial file
  named after the expected digest and continues it with a ``Range`` request.
* Verified end to end: the storage checks the SHA-256 of every upload; every download is
  checked for size and SHA-256 before it is renamed to its final name.
* Server-supplied names are checked (:mod:`rayvision_sync.paths`) before anything is written.
"""

import glob
import hashlib
import logging
import os
import stat as stat_module
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from urllib.parse import quote, urlsplit

import requests

from rayvision_sync.batch import (
    MAX_BYTES,
    MAX_FILE_SIZE,
    build_body,
    file_results,
    plan_batches,
)
from rayvision_sync.exception import (
    RecordDatabaseError,
    StorageAccessError,
    TransferError,
    TransferIntegrityError,
)
from rayvision_sync.hashing import DigestCache, sha256_file
from rayvision_sync.paths import local_destination, storage_path
from rayvision_sync.progress import ProgressReporter
from rayvision_sync.records import record_scope, record_value
from rayvision_sync.result import TransferResult
from rayvision_sync.throttle import limiter_for

LOGGER = logging.getLogger(__name__)

DEFAULT_CHUNK_SIZE = 8 * 1024 * 1024
DEFAULT_WORKERS = 4
RECORD_FLUSH = 500
READ_BLOCK = 64 * 1024
PARTIAL_SUFFIX = ".rvpart"
# Sends of one batch before its files go one by one.
BATCH_ATTEMPTS = 2
# Answers of a farm that does not know batch uploads (an older sandbox says 400).
BATCH_REFUSED = (400, 404, 405, 413)

_RETRYABLE = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
              requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)


class _Retryable(Exception):
    """A failure worth another attempt (HTTP 5xx/429, short body...)."""


class _Corrupt(Exception):
    """The bytes do not match the digest (storage said 422, or the local file changed)."""


class _FileSlice(object):
    """``length`` bytes of a file from ``offset``, streamed in paced pieces.

    It has a length (so requests sends ``Content-Length``, not chunked encoding) and can be
    iterated again when a request is retried.
    """

    def __init__(self, path, offset, length, limiter):
        self.path = path
        self.offset = offset
        self.length = length
        self.limiter = limiter

    def __len__(self):
        return self.length

    def __iter__(self):
        piece = self.limiter.piece_size
        remaining = self.length
        with open(self.path, "rb") as handle:
            handle.seek(self.offset)
            while remaining > 0:
                block = handle.read(min(piece, remaining))
                if not block:
                    raise _Corrupt("{0} shrank while it was being uploaded".format(self.path))
                self.limiter.consume(len(block))
                yield block
                remaining -= len(block)


def partial_path(destination, sha256):
    """Temporary name of a download in progress, tied to the expected content."""
    folder, name = os.path.split(destination)
    return os.path.join(folder, ".{0}.{1}{2}".format(name, (sha256 or "unknown")[:16],
                                                     PARTIAL_SUFFIX))


class HttpTransferEngine(object):
    """Moves files to and from HTTP storage.

    Args:
        connect: The API's ``Connect`` (signs storage requests; its key stays inside it).
        url (str): Storage base URL from ``getTransferServerMsg`` ``httpTransfer.url``.
        bids (dict): ``config_bid`` / ``input_bid`` / ``output_bid`` -> storage id.
        chunk_size (int): Largest PUT body; the server's ``chunkSize`` by default.
        workers (int): Files moved at once.
        timeout (float): Seconds to wait for the storage, per request.
        max_attempts (int): Attempts per file for retryable failures.
        backoff (float): First wait between attempts (doubles, capped at 10 s).
    """

    name = "http"

    def __init__(self, connect, url, bids, chunk_size=None, workers=None, timeout=60.0,
                 max_attempts=6, backoff=0.2):
        self.connect = connect
        self.url = url.rstrip("/")
        parts = urlsplit(self.url)
        self.netloc = parts.netloc
        self.base_path = parts.path.rstrip("/")
        self.bids = dict(bids)
        self.chunk_size = int(chunk_size or DEFAULT_CHUNK_SIZE)
        self.workers = max(1, int(workers or DEFAULT_WORKERS))
        self.timeout = timeout
        self.max_attempts = max(1, int(max_attempts))
        self.backoff = backoff
        self._local = threading.local()
        self._sessions = []
        self._sessions_lock = threading.Lock()

    def __repr__(self):
        return "HttpTransferEngine(url={0!r}, workers={1}, chunk_size={2})".format(
            self.url, self.workers, self.chunk_size)

    # -- requests --------------------------------------------------------------------------

    def _session(self):
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            api_session = getattr(self.connect, "session", None)
            if api_session is not None:
                # The proxy and CA bundle of the API (a profile's) apply to storage too.
                session.proxies.update(api_session.proxies)
                session.verify = api_session.verify
                session.trust_env = api_session.trust_env
            adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=2)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self):
        """Close the keep-alive connections of every worker (done after each job)."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def bid(self, bid_key):
        """Storage id of ``config_bid`` / ``input_bid`` / ``output_bid``."""
        try:
            return str(self.bids[bid_key])
        except KeyError:
            raise TransferError("no storage id {0!r}: api.user_info lacks it (log in "
                                "first)".format(bid_key))

    def scope(self, bid_key):
        """Upload-record scope of a storage: API domain and storage id."""
        return record_scope(self.connect.domain, self.bid(bid_key))

    def request(self, method, bid, path, params=None, data=None, headers=None, stream=False):
        """Send one signed storage request and return the response (any status)."""
        params = dict((key, str(value)) for key, value in (params or {}).items())
        api_url = u"{0}/{1}{2}".format(self.base_path, bid, path)
        url = "{0}://{1}{2}".format(urlsplit(self.url).scheme, self.netloc,
                                    quote(api_url.encode("utf-8"), safe="/"))
        signed = self.connect.signed_headers(api_url, params, method, self.netloc)
        signed.pop("Content-Type", None)
        if headers:
            signed.update(headers)
        return self._session().request(method, url, params=params, data=data, headers=signed,
                                       stream=stream, timeout=(min(10.0, self.timeout),
                                                               self.timeout))

    @staticmethod
    def _failure(response, what):
        """Raise the error an unusable answer means."""
        status = response.status_code
        try:
            envelope = response.json()
            message = envelope.get("message") if isinstance(envelope, dict) else None
        except ValueError:
            message = None
        text = "{0}: HTTP {1}{2}".format(what, status, ": {0}".format(message) if message
                                         else "")
        if status >= 500 or status == 429 or status == 408:
            raise _Retryable(text)
        raise StorageAccessError(text, status)

    def _json(self, response, what):
        """The envelope's ``data`` of a successful JSON answer."""
        if response.status_code != 200:
            self._failure(response, what)
        try:
            envelope = response.json()
        except ValueError:
            raise _Retryable("{0}: answer is not JSON".format(what))
        if not isinstance(envelope, dict) or envelope.get("code", 200) != 200:
            raise StorageAccessError("{0}: {1}".format(what, envelope), response.status_code)
        return envelope.get("data") or {}

    def list(self, bid_key, folder):
        """Every file below a storage folder: ``path``, ``size``, ``sha256``, ``mtime`` dicts."""
        bid = self.bid(bid_key)
        folder = storage_path(folder)
        what = "listing {0}:{1}".format(bid_key, folder)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.request("GET", bid, folder, {"list": "1"})
                return list(self._json(response, what).get("items") or [])
            except _RETRYABLE + (_Retryable,) as exc:
                if attempt >= self.max_attempts:
                    raise TransferError("{0} failed after {1} attempts: {2}".format(
                        what, attempt, exc))
                self._sleep(attempt)

    def delete(self, bid_key, path):
        """Remove a file or folder from a storage (used by tests and cleanup tools)."""
        response = self.request("DELETE", self.bid(bid_key), storage_path(path))
        if response.status_code not in (200, 404):
            self._failure(response, "deleting {0}".format(path))
        return response.status_code == 200

    def _sleep(self, attempt):
        time.sleep(min(10.0, self.backoff * (2 ** (attempt - 1))))

    # -- upload ----------------------------------------------------------------------------

    def upload_pairs(self, bid_key, pairs, max_speed=None, records=None, progress=None,
                     print_log=True):
        """Upload ``(local, server)`` pairs; unchanged files (per ``records``) are skipped.

        A local folder uploads every file below it, below its server path.

        Args:
            bid_key (str): ``config_bid`` or ``input_bid``.
            pairs (iterable): ``(local_path, server_path)``.
            max_speed: KB/s for the whole job (None: 1048576, 0: unlimited).
            records (RecordStore): Upload-record database, or None.
            progress (ProgressReporter): Receives the job's progress.
            print_log (bool): Log one summary line at INFO when done (else DEBUG); the
                line per file is always at DEBUG.

        Returns:
            TransferResult: Counts; never holds failures (they raise).

        Raises:
            TransferError: Some files could not be uploaded (all others were).
        """
        bid = self.bid(bid_key)
        scope = self.scope(bid_key)
        progress = progress or ProgressReporter("upload", show=False)
        result = TransferResult()
        level = logging.DEBUG
        summary_level = logging.INFO if print_log else logging.DEBUG
        verbose = LOGGER.isEnabledFor(level)
        pairs = list(pairs)
        prefetched = self._prefetch(records, scope, len(pairs))
        entries = {}
        stat = os.stat
        is_dir = stat_module.S_ISDIR
        # The hot loop of the unchanged-file check: one stat per file, nothing else per file
        # that is not needed (100k files should cost about twice their stats).
        for local, server in pairs:
            server = storage_path(server)
            try:
                info = stat(local)
            except OSError as exc:
                result.failures.append((local, "cannot read: {0}".format(exc.strerror or exc)))
                continue
            if is_dir(info.st_mode):
                for file_local, file_server, info in _expand(local, server, result):
                    entries[file_server] = (file_local, info.st_size, info.st_mtime_ns)
            else:
                entries[server] = (local, info.st_size, info.st_mtime_ns)
        result.files_total = len(entries) + len(result.failures)
        known = {}
        if records is not None:
            try:
                prefetched.join()
                known = prefetched.result
                if known is None:
                    known = records.lookup(scope, list(entries))
            except RecordDatabaseError as exc:
                # A studio's redis being down must not stop uploads: upload everything.
                LOGGER.warning("%s; uploading every file without the record database",
                               exc.error)
                records = None
                known = {}
        todo = []
        skipped = []
        for server, (local, size, mtime_ns) in entries.items():
            value = known.get(server)
            if value is not None and value.startswith(f"{size}:{mtime_ns}:"):
                skipped.append((server, local, size))
            else:
                todo.append((server, local, size, mtime_ns))
        result.files_skipped = len(skipped)
        progress.start(result.files_total, sum(entry[1] for entry in entries.values()))
        for failed, message in result.failures:
            progress.file_failed(None, failed, message)
        if skipped:
            # One line, not one per file: 100k unchanged files must cost about a stat each.
            LOGGER.log(summary_level, "%d unchanged files not uploaded (upload-record "
                       "database)", len(skipped))
        progress.files_skipped(skipped)
        limiter = limiter_for(max_speed)
        groups = self._groups(todo, limiter)
        support = {"batch": True}
        pending = {}
        try:
            with ThreadPoolExecutor(max_workers=min(self.workers, max(1, len(groups)))) as pool:
                futures = [pool.submit(self._upload_group, bid, group, limiter, progress,
                                       support) for group in groups]
                for future in as_completed(futures):
                    for entry, outcome in future.result():
                        server, local = entry[:2]
                        if isinstance(outcome, Exception):
                            message = str(outcome)
                            result.failures.append((local, message))
                            LOGGER.error("upload file fail: %s -> %s: %s", local, server,
                                         message)
                            progress.file_failed(server, local, message)
                            continue
                        sent, retries, fingerprint = outcome
                        result.files_transferred += 1
                        result.bytes_transferred += sent
                        result.retries += retries
                        if verbose:
                            LOGGER.log(level, "uploaded %s -> %s (%d bytes sent)", local,
                                       server, sent)
                        if fingerprint is not None and records is not None:
                            pending[server] = fingerprint
                            if len(pending) >= RECORD_FLUSH:
                                records = self._save_records(records, scope, pending)
                                pending = {}
        finally:
            if pending and records is not None:
                self._save_records(records, scope, pending)
            progress.done()
            self.close()
        if result.failures:
            raise TransferError("{0} of {1} files could not be uploaded: {2}".format(
                len(result.failures), result.files_total, "; ".join(
                    "{0} ({1})".format(path, message) for path, message in result.failures[:5])),
                200025)
        LOGGER.log(summary_level, "uploaded %d of %d files (%d bytes, %d unchanged)",
                   result.files_transferred, result.files_total, result.bytes_transferred,
                   result.files_skipped)
        return result

    def _groups(self, todo, limiter):
        """Split the files to send into single files and batches of small files.

        Large files come first: they take longest, and the batches fill the workers' gaps.
        """
        batch_bytes = min(MAX_BYTES, self._put_size(limiter))
        small_limit = min(MAX_FILE_SIZE, batch_bytes // 2)
        small = [entry for entry in todo if entry[2] <= small_limit]
        if len(small) < 2:
            return [[entry] for entry in todo]
        groups = [[entry] for entry in todo if entry[2] > small_limit]
        return groups + plan_batches(small, self.workers, batch_bytes)

    def _upload_group(self, bid, group, limiter, progress, support):
        """Upload a group of files; ``(entry, outcome)`` each, outcome a tuple or an error."""
        if len(group) > 1 and support["batch"]:
            return self._upload_batch(bid, group, limiter, progress, support)
        return [self._upload_single(bid, entry, limiter, progress) for entry in group]

    def _upload_single(self, bid, entry, limiter, progress, started=False):
        try:
            return entry, self._upload_one(bid, entry, limiter, progress, started)
        except (TransferError, OSError) as exc:
            return entry, exc

    def _upload_batch(self, bid, group, limiter, progress, support):
        """Send small files in batch PUTs; files the batch did not store go one by one.

        A farm without batch support (400/404/405/413) switches the job to single PUTs; a
        dropped or failed batch is sent once more, then its files go one by one, where each
        file has the full resume and retry logic. Nothing of a failed batch is stored.
        """
        outcomes = []
        files = []
        for entry in group:
            server, local, size = entry[:3]
            progress.file_start(server, local)
            try:
                with open(local, "rb") as handle:
                    data = handle.read(size + 1)
            except OSError as exc:
                outcomes.append((entry, exc))
                continue
            if len(data) != size:  # changed since it was listed: the single path copes
                outcomes.append(self._upload_single(bid, entry, limiter, progress, True))
                continue
            files.append((entry, hashlib.sha256(data).hexdigest(), data))
        if not files:
            return outcomes
        body, params = build_body([(entry[0], sha, data) for entry, sha, data in files])
        what = "batch upload of {0} files".format(len(files))
        single = [entry for entry, _, _ in files]
        retries = 0
        reason = None
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            if not support["batch"]:
                break
            try:
                response = self.request("PUT", bid, "/", params,
                                        data=_paced_body(body, limiter))
                if response.status_code in BATCH_REFUSED:
                    LOGGER.info("the storage does not take batch uploads (HTTP %d); sending "
                                "files one by one", response.status_code)
                    support["batch"] = False
                    break
                if response.status_code == 422:
                    reason = "the storage dropped a batch: SHA-256 mismatch (HTTP 422)"
                    break
                results = file_results(self._json(response, what))
            except StorageAccessError as exc:
                return outcomes + [(entry, exc) for entry in single]
            except _RETRYABLE + (_Retryable,) as exc:
                reason = "{0} interrupted ({1})".format(what, exc)
                retries += 1
                if attempt < BATCH_ATTEMPTS:
                    self._sleep(attempt)
                continue
            single = []
            for entry, sha, _ in files:
                server, local, size, mtime_ns = entry
                answer = results.get(server) or {}
                if not answer.get("complete"):
                    reason = "the storage did not store it from the batch: {0}".format(
                        answer.get("message") or "no answer")
                    single.append(entry)
                    continue
                progress.moved(server, local, size)
                progress.file_done(server, local, 0)
                outcomes.append((entry, (size, 0, _fingerprint(local, size, mtime_ns, sha))))
            break
        for index, entry in enumerate(single):
            if reason:
                LOGGER.warning("upload of %s: %s; sending it alone", entry[1], reason)
                progress.retry(entry[0], entry[1], reason)
            entry_outcome = self._upload_single(bid, entry, limiter, progress, True)
            if index == 0 and retries and not isinstance(entry_outcome[1], Exception):
                sent, more, fingerprint = entry_outcome[1]
                entry_outcome = (entry, (sent, more + retries, fingerprint))
            outcomes.append(entry_outcome)
        return outcomes

    def _upload_one(self, bid, entry, limiter, progress, started=False):
        """Upload one file with resume; return ``(bytes_sent, retries, record_value)``.

        Bytes count when the storage acknowledges them (a PUT's answer, or the held offset
        after an interruption), so progress never runs ahead of what is safely stored.
        ``started``: the file's ``file_start`` event was already sent (by a batch).
        """
        server, local, size, mtime_ns = entry
        if not started:
            progress.file_start(server, local)
        sha = sha256_file(local)
        state = {"sent": 0, "acked": 0}

        def ack(held, count=True):
            # ``count`` is False for what the storage held before this run began.
            if count and held > state["acked"]:
                count = held - state["acked"]
                state["sent"] += count
                progress.moved(server, local, count)
            state["acked"] = held

        retries = 0
        failures = 0
        corrupt = 0
        sent_before = 0
        ask = size > self.chunk_size
        while True:
            try:
                if self._upload_attempt(bid, server, local, size, sha, ask, limiter, ack,
                                        resumed=bool(retries)):
                    break
            except _Corrupt as exc:
                corrupt += 1
                if corrupt >= 3:
                    raise TransferIntegrityError(
                        "upload of {0} to {1}: the storage's SHA-256 never matched the "
                        "file ({2})".format(local, server, exc))
                LOGGER.warning("upload of %s: %s; hashing again and restarting", local, exc)
                progress.retry(server, local, str(exc))
                retries += 1
                stat = os.stat(local)
                size, mtime_ns = stat.st_size, stat.st_mtime_ns
                sha = sha256_file(local)
                state["acked"] = 0
                ask = size > self.chunk_size
            except _RETRYABLE + (_Retryable,) as exc:
                # Attempts that moved bytes do not count against the limit: a link that
                # keeps dropping but makes progress finishes (within a hard cap).
                failures = 1 if state["sent"] > sent_before else failures + 1
                sent_before = state["sent"]
                if failures >= self.max_attempts or retries >= self.max_attempts * 50:
                    raise TransferError("upload of {0} to {1} failed after {2} attempts: {3}"
                                        .format(local, server, retries + 1, exc))
                LOGGER.warning("upload of %s interrupted (%s); resuming", local, exc)
                progress.retry(server, local, str(exc))
                retries += 1
                if failures > 1:  # a drop after progress is retried at once
                    self._sleep(failures - 1)
                ask = True
        progress.file_done(server, local, max(0, size - state["sent"]))
        return state["sent"], retries, _fingerprint(local, size, mtime_ns, sha)

    def _put_size(self, limiter):
        """PUT size: the chunk size, or about two seconds of traffic under a speed limit."""
        if not limiter.rate:
            return self.chunk_size
        return int(max(64 * 1024, min(self.chunk_size, limiter.rate * 2)))

    def _upload_attempt(self, bid, server, local, size, sha, ask, limiter, ack, resumed=False):
        """One pass of PUTs; True when the storage holds the complete file."""
        identity = {"size": size, "sha256": sha}
        what = "upload of {0} to {1}".format(local, server)
        offset = 0
        if ask:
            params = dict(identity, upload=1)
            state = self._json(self.request("GET", bid, server, params), what)
            if state.get("complete"):
                return True
            offset = int(state.get("offset") or 0)
            ack(offset, count=resumed)
        put_size = self._put_size(limiter)
        while True:
            length = min(put_size, size - offset)
            params = dict(identity, offset=offset)
            if length <= limiter.piece_size:
                with open(local, "rb") as handle:
                    handle.seek(offset)
                    body = handle.read(length)
                if len(body) != length:
                    raise _Corrupt("{0} shrank while it was being uploaded".format(local))
                limiter.consume(length)
            else:
                body = _FileSlice(local, offset, length, limiter)
            response = self.request("PUT", bid, server, params, data=body)
            if response.status_code == 409:
                offset = int((self._conflict_data(response)).get("offset") or 0)
                ack(offset)
                continue
            if response.status_code == 422:
                raise _Corrupt("the storage dropped the upload: SHA-256 mismatch (HTTP 422)")
            state = self._json(response, what)
            if state.get("complete"):
                ack(size)
                return True
            new_offset = int(state.get("offset") or 0)
            if new_offset >= size:
                raise _Retryable("{0}: the storage holds {1} bytes but did not complete "
                                 "the file".format(what, new_offset))
            ack(new_offset)
            offset = new_offset

    @staticmethod
    def _conflict_data(response):
        try:
            return response.json().get("data") or {}
        except (ValueError, AttributeError):
            return {}

    # -- download --------------------------------------------------------------------------

    @staticmethod
    def _prefetch(records, scope, count):
        """Read a large scope's records in a thread while the files are being stat'ed."""
        job = _Prefetch(records, scope, count)
        if records is not None:
            job.start()
        return job

    @staticmethod
    def _save_records(records, scope, values):
        """Write records; on a database failure warn and stop recording (None)."""
        if records is None:
            return None
        try:
            records.save(scope, values)
            return records
        except RecordDatabaseError as exc:
            LOGGER.warning("%s; these uploads are not recorded", exc.error)
            return None

    def upload_file(self, bid_key, local, server, max_speed=None, progress=None,
                    print_log=True):
        """Upload one file (or a folder's files) to ``server``."""
        return self.upload_pairs(bid_key, [(local, server)], max_speed, progress=progress,
                                 print_log=print_log)

    def upload_asset(self, upload_json_path, pairs, max_speed=None, records=None,
                     db_ini_path=None, progress=None, print_log=True):
        """Upload the asset pairs of upload.json to the input storage (see upload_pairs)."""
        return self.upload_pairs("input_bid", pairs, max_speed, records, progress, print_log)

    def download(self, bid_key, server_path, local_path, keep_path=True,
                        max_speed=None, progress=None, digests=None, print_log=True):
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
            print_log (bool): Log one summary line at INFO when done (else DEBUG); the
                line per file is always at DEBUG.

        Raises:
            UnsafePathError: A server name would land outside ``local_path`` (nothing written).
            TransferError: Some files could not be downloaded (all others were).
        """
        items = self.list(bid_key, server_path)
        return self.download_items(bid_key, items, server_path, local_path, keep_path,
                                   max_speed, progress, digests, print_log)

    download_folder = download

    def download_items(self, bid_key, items, server_path, local_path, keep_path=True,
                       max_speed=None, progress=None, digests=None, print_log=True):
        """Download listed items (see :meth:`download_folder`)."""
        bid = self.bid(bid_key)
        progress = progress or ProgressReporter("download", show=False)
        digests = digests if digests is not None else DigestCache()
        level = logging.DEBUG
        summary_level = logging.INFO if print_log else logging.DEBUG
        verbose = LOGGER.isEnabledFor(level)
        result = TransferResult()
        # Every destination is checked before the first byte is written.
        plan = [(item, local_destination(local_path, item["path"], server_path, keep_path))
                for item in items]
        result.files_total = len(plan)
        progress.start(len(plan), sum(int(item.get("size") or 0) for item, _ in plan))
        todo = []
        for item, destination in plan:
            if _same_file(destination, item, digests):
                result.files_skipped += 1
                progress.file_skipped(item["path"], destination, int(item.get("size") or 0))
            else:
                todo.append((item, destination))
        limiter = limiter_for(max_speed)
        try:
            with ThreadPoolExecutor(max_workers=min(self.workers, max(1, len(todo)))) as pool:
                futures = dict((pool.submit(self._download_one, bid, item, destination, limiter,
                                            progress, digests), (item, destination))
                               for item, destination in todo)
                for future in as_completed(futures):
                    item, destination = futures[future]
                    try:
                        received, retries = future.result()
                    except (TransferError, OSError) as exc:
                        message = str(exc)
                        result.failures.append((item["path"], message))
                        LOGGER.error("download failed: %s -> %s: %s", item["path"],
                                     destination, message)
                        progress.file_failed(item["path"], destination, message)
                        continue
                    result.files_transferred += 1
                    result.bytes_transferred += received
                    result.retries += retries
                    if verbose:
                        LOGGER.log(level, "downloaded %s -> %s", item["path"], destination)
        finally:
            progress.done()
            self.close()
        if result.failures:
            raise TransferError("{0} of {1} files could not be downloaded: {2}".format(
                len(result.failures), result.files_total, "; ".join(
                    "{0} ({1})".format(path, message) for path, message in result.failures[:5])))
        LOGGER.log(summary_level, "downloaded %d of %d files (%d bytes, %d already there)",
                   result.files_transferred, result.files_total, result.bytes_transferred,
                   result.files_skipped)
        return result

    def _download_one(self, bid, item, destination, limiter, progress, digests):
        """Download one file with resume and verification; return ``(bytes, retries)``."""
        remote = item["path"]
        size = int(item.get("size") or 0)
        sha = item.get("sha256") or ""
        progress.file_start(remote, destination)
        folder = os.path.dirname(destination)
        if not os.path.isdir(folder):
            os.makedirs(folder, exist_ok=True)
        received = 0
        retries = 0
        failures = 0
        corrupt = 0
        held_before = -1
        while True:
            temp = partial_path(destination, sha)
            if held_before < 0:
                held_before = os.path.getsize(temp) if os.path.exists(temp) else 0
            try:
                received += self._fetch(bid, remote, temp, size, sha, limiter, progress,
                                        destination)
                if os.path.getsize(temp) != size or (sha and sha256_file(temp) != sha):
                    raise _Corrupt("size or SHA-256 of the downloaded bytes differ from the "
                                   "storage's")
                break
            except _Changed as change:
                # The file was replaced on the storage since it was listed: follow it.
                size, sha = change.size, change.sha
                retries += 1
                if retries > 10:
                    raise TransferError("download of {0}: the file keeps changing on the "
                                        "storage".format(remote))
            except _Corrupt as exc:
                _remove(temp)
                corrupt += 1
                if corrupt >= 3:
                    raise TransferIntegrityError("download of {0}: {1}".format(remote, exc))
                LOGGER.warning("download of %s: %s; downloading again", remote, exc)
                progress.retry(remote, destination, str(exc))
                retries += 1
            except _RETRYABLE + (_Retryable,) as exc:
                held = os.path.getsize(temp) if os.path.exists(temp) else 0
                failures = 1 if held > held_before else failures + 1
                held_before = held
                if failures >= self.max_attempts or retries >= self.max_attempts * 50:
                    raise TransferError("download of {0} failed after {1} attempts: {2}".format(
                        remote, retries + 1, exc))
                LOGGER.warning("download of %s interrupted (%s); resuming", remote, exc)
                progress.retry(remote, destination, str(exc))
                retries += 1
                if failures > 1:  # a drop after progress is retried at once
                    self._sleep(failures - 1)
        os.replace(temp, destination)
        mtime = item.get("mtime")
        if mtime is not None:
            try:
                os.utime(destination, (float(mtime), float(mtime)))
            except (OSError, ValueError):
                LOGGER.debug("cannot set mtime of %s", destination, exc_info=True)
        folder, name = os.path.split(destination)
        for stale in glob.glob(os.path.join(glob.escape(folder), "." + glob.escape(name) + ".*"
                                            + PARTIAL_SUFFIX)):
            _remove(stale)
        digests.remember(destination, sha)
        progress.file_done(remote, destination, 0)
        return received, retries

    def _fetch(self, bid, remote, temp, size, sha, limiter, progress, destination):
        """Bring ``temp`` to ``size`` bytes (resuming it); return the bytes received."""
        have = os.path.getsize(temp) if os.path.exists(temp) else 0
        if have > size:
            _remove(temp)
            have = 0
        if have == size and size > 0:
            return 0
        headers = {"Range": "bytes={0}-".format(have)} if have else None
        response = self.request("GET", bid, remote, headers=headers, stream=True)
        try:
            if response.status_code == 404:
                raise StorageAccessError("download of {0}: the file is no longer on the "
                                         "storage (HTTP 404)".format(remote), 404)
            if response.status_code not in (200, 206):
                self._failure(response, "download of {0}".format(remote))
            now_sha = response.headers.get("X-Rayvision-Sha256")
            now_size = response.headers.get("X-Rayvision-Size")
            if now_sha and sha and now_sha != sha:
                raise _Changed(int(now_size or 0), now_sha)
            mode = "wb"
            if response.status_code == 206:
                start = _range_start(response.headers.get("Content-Range"))
                if start != have:
                    _remove(temp)
                    raise _Retryable("range answer starts at {0}, not {1}".format(start, have))
                mode = "ab"
            received = 0
            with open(temp, mode) as handle:
                # Small reads: what arrived before a dropped connection is kept for resume.
                for block in response.iter_content(min(limiter.piece_size, READ_BLOCK)):
                    limiter.consume(len(block))
                    handle.write(block)
                    received += len(block)
                    progress.moved(remote, destination, len(block))
            return received
        finally:
            response.close()


class _Prefetch(threading.Thread):
    """Whole-scope read of the record database, overlapped with the stat loop."""

    def __init__(self, records, scope, count):
        super(_Prefetch, self).__init__(name="rayvision-sync-prefetch")
        self.daemon = True
        self.records = records
        self.scope = scope
        self.count = count
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = self.records.prefetch(self.scope, self.count)
        except RecordDatabaseError as exc:
            self.error = exc

    def join(self, timeout=None):
        """Wait for the read; re-raise its database error here."""
        if self.ident is not None:
            super(_Prefetch, self).join(timeout)
        if self.error is not None:
            raise self.error


class _Changed(Exception):
    def __init__(self, size, sha):
        super(_Changed, self).__init__(size, sha)
        self.size = size
        self.sha = sha


def _fingerprint(local, size, mtime_ns, sha):
    """Upload-record value of a sent file, or None when it changed since it was read."""
    stat = os.stat(local)
    if stat.st_size == size and stat.st_mtime_ns == mtime_ns:
        return record_value(size, mtime_ns, sha)
    return None


class _PacedBytes(object):
    """A bytes body sent in pieces paced by the job's rate limiter (has a length)."""

    def __init__(self, data, limiter):
        self.data = data
        self.limiter = limiter

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        piece = self.limiter.piece_size
        view = memoryview(self.data)
        for start in range(0, len(view), piece):
            block = view[start:start + piece]
            self.limiter.consume(len(block))
            yield block.tobytes()


def _paced_body(data, limiter):
    """``data`` as a request body under ``max_speed``: whole when it fits one piece."""
    if len(data) <= limiter.piece_size:
        limiter.consume(len(data))
        return data
    return _PacedBytes(data, limiter)


def _range_start(content_range):
    """First byte of a ``Content-Range: bytes N-M/T`` header (-1 if unreadable)."""
    try:
        return int(content_range.split()[1].split("-")[0])
    except (AttributeError, IndexError, ValueError):
        return -1


def _remove(path):
    try:
        os.remove(path)
    except OSError:
        pass


def _same_file(destination, item, digests):
    """True when the local file already has the server file's size and SHA-256."""
    try:
        stat = os.stat(destination)
    except OSError:
        return False
    if not stat_module.S_ISREG(stat.st_mode) or stat.st_size != int(item.get("size") or 0):
        return False
    sha = item.get("sha256")
    return bool(sha) and digests.digest(destination, stat) == sha


def _expand(local, server, result):
    """``(local, server, stat)`` for a file, or for every file below a folder."""
    server = storage_path(server)
    try:
        stat = os.stat(local)
    except OSError as exc:
        result.failures.append((local, "cannot read: {0}".format(exc.strerror or exc)))
        return
    if not stat_module.S_ISDIR(stat.st_mode):
        yield local, server, stat
        return
    for folder, _, names in os.walk(local):
        for name in sorted(names):
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, local).replace(os.sep, "/")
            try:
                yield path, storage_path(server + "/" + rel), os.stat(path)
            except OSError as exc:
                result.failures.append((path, "cannot read: {0}".format(exc.strerror or exc)))
