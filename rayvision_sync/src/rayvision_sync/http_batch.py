"""Batch uploads: many small files in one request (docs/storage-protocol.md, "Batch upload").

A farm without batch support (400/404/405/413) switches the job to single PUTs; a dropped or
failed batch is sent once more, then its files go one by one, where each file has the full
resume and retry logic. Nothing of a failed batch is stored.
"""

import hashlib
from logging import Logger
from typing import TYPE_CHECKING, Any, List, Optional, Tuple, Union, cast

from rayvision_sync.batch import MAX_BYTES, MAX_FILE_SIZE, build_body, file_results, plan_batches
from rayvision_sync.exception import StorageAccessError, TransferError
from rayvision_sync.http_upload import paced_body, put_size
from rayvision_sync.transfer_state import RETRYABLE, Corrupt, Retryable

if TYPE_CHECKING:
    from rayvision_api.cancel import CancelToken
    from rayvision_sync.http_upload import SingleUpload
    from rayvision_sync.storage_client import StorageClient
    from rayvision_sync.throttle import RateLimiter
    from rayvision_sync.transfer_state import FileTransfer, RetryPolicy

# Sends of one batch before its files go one by one.
BATCH_ATTEMPTS = 2
# Answers of a farm that does not know batch uploads (an older sandbox says 400).
BATCH_REFUSED = (400, 404, 405, 413)


def plan_groups(transfers: List[Union[Any, "FileTransfer"]], limiter: "RateLimiter",
                chunk_size: int, workers: int) -> List[Any]:
    """Split the files to send into single files and batches of small files.

    Large files come first: they take longest, and the batches fill the workers' gaps.
    """
    batch_bytes = min(MAX_BYTES, put_size(chunk_size, limiter))
    small_limit = min(MAX_FILE_SIZE, batch_bytes // 2)
    small = [transfer for transfer in transfers if transfer.size <= small_limit]
    if len(small) < 2:
        return [[transfer] for transfer in transfers]
    groups = [[transfer] for transfer in transfers if transfer.size > small_limit]
    entries = [(transfer.server, transfer.local, transfer.size, transfer) for transfer in small]
    for batch in plan_batches(entries, workers, batch_bytes):
        groups.append([entry[3] for entry in batch])
    return groups


class BatchUpload(object):
    """Sends groups of small files; what a batch did not store goes through ``single``.

    Args:
        client (StorageClient): Sends the signed requests.
        single (SingleUpload): Uploads one file.
        policy (RetryPolicy): Waits between batch attempts.
        logger (logging.Logger): Where fallbacks are reported.
    """

    def __init__(self, client: "StorageClient", single: "SingleUpload", policy: "RetryPolicy",
                 logger: Logger) -> None:
        self.client = client
        self.single = single
        self.policy = policy
        self.logger = logger
        self.supported = True

    def send_alone(self, bid: Any, transfer: Any, limiter: Any, progress: Any,
                   started: bool = False) -> Any:
        """``(transfer, outcome)``: outcome ``(sent, retries, record)`` or the error."""
        try:
            return transfer, self.single.run(bid, transfer, limiter, progress, started)
        except (TransferError, OSError) as exc:
            return transfer, exc

    def run(self, bid: Any, group: Any, limiter: Any, progress: Any) -> Any:
        """Upload a group; returns ``(transfer, outcome)`` for each of its files."""
        progress.check("upload")
        if len(group) == 1 or not self.supported:
            return [self.send_alone(bid, transfer, limiter, progress) for transfer in group]
        outcomes: List[Any] = []
        files = []
        for transfer in group:
            progress.file_start(transfer.server, transfer.local)
            try:
                with open(transfer.local, "rb") as handle:
                    data = handle.read(transfer.size + 1)
            except OSError as exc:
                outcomes.append((transfer, exc))
                continue
            if len(data) != transfer.size:  # changed since it was listed: the single path copes
                outcomes.append(self.send_alone(bid, transfer, limiter, progress, True))
                continue
            transfer.sha256 = hashlib.sha256(data).hexdigest()
            files.append((transfer, data))
        if not files:
            return outcomes
        results, retries, reason = self._send(bid, files, limiter, progress.token)
        if isinstance(results, Exception):
            return outcomes + [(transfer, results) for transfer, _ in files]
        alone = []
        for transfer, _ in files:
            answer = (results or {}).get(transfer.server)
            if results is None or not (answer or {}).get("complete"):
                if results is not None:
                    reason = "the storage did not store it from the batch: {0}".format(
                        (answer or {}).get("message") or "no answer")
                alone.append(transfer)
                continue
            transfer.ack(transfer.size)
            progress.moved(transfer.server, transfer.local, transfer.size)
            record = transfer.record()
            if record is None:
                # Changed since it was listed: the farm may hold a mix of two versions, so
                # it is sent again from the start, as the single path does.
                outcomes.append(self._send_changed(bid, transfer, limiter, progress))
                continue
            progress.file_done(transfer.server, transfer.local, 0)
            outcomes.append((transfer, (transfer.size, 0, record)))
        for index, transfer in enumerate(alone):
            if reason:
                self.logger.debug("upload of %s: %s; sending it alone", transfer.local, reason)
                progress.retry(transfer.server, transfer.local, reason)
            transfer.retries += retries if index == 0 else 0
            outcomes.append(self.send_alone(bid, transfer, limiter, progress, True))
        return outcomes

    def _send_changed(self, bid: Any, transfer: Any, limiter: Any, progress: Any) -> Any:
        """``(transfer, outcome)`` of a file that changed while its batch was sent."""
        what = "upload of {0} to {1}".format(transfer.local, transfer.server)
        try:
            self.single._again(transfer, progress, what, Corrupt(
                "{0} changed while it was being uploaded".format(transfer.local)))
        except (TransferError, OSError) as exc:
            return transfer, exc
        return self.send_alone(bid, transfer, limiter, progress, True)

    def _send(self, bid: str, files: List[Tuple["FileTransfer", bytes]],
              limiter: Optional["RateLimiter"],
              stop: Optional["CancelToken"] = None) -> Tuple[Any, int, Optional[str]]:
        """``(results by path or None or an error, retries, reason)`` of sending a batch."""
        # The caller hashed every file of the batch before sending it.
        body, params = build_body([(transfer.server, cast(str, transfer.sha256), data)
                                   for transfer, data in files])
        what = "batch upload of {0} files".format(len(files))
        retries = 0
        reason = None
        for attempt in range(1, BATCH_ATTEMPTS + 1):
            if not self.supported:
                break
            try:
                response = self.client.request("PUT", bid, "/", params,
                                               data=paced_body(body, limiter))
                if response.status_code in BATCH_REFUSED:
                    self.logger.info("the storage does not take batch uploads (HTTP %d); "
                                     "sending files one by one", response.status_code)
                    self.supported = False
                    break
                if response.status_code == 422:
                    reason = "the storage dropped a batch: SHA-256 mismatch (HTTP 422)"
                    break
                return file_results(self.client.json(response, what)), retries, None
            except StorageAccessError as exc:
                return exc, retries, None
            except RETRYABLE + (Retryable,) as exc:
                reason = "{0} interrupted ({1})".format(what, exc)
                retries += 1
                if attempt < BATCH_ATTEMPTS:
                    self.policy.wait(self.policy.delay(attempt), stop)
        return None, retries, reason
