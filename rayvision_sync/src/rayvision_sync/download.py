"""Download models.

Download the output of tasks: once (``download``), frame by frame while the tasks render
(``auto_download``), or when they have ended (``auto_download_after_task_completed``).
A local file that already equals the farm's file (size and SHA-256) is never downloaded
again, so repeated passes only move new frames.
"""

import logging
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Hashable,
    List,
    Optional,
    Sequence,
    Union,
    cast,
)

from rayvision_api.cancel import CancelToken, check, pause
from rayvision_api.exception import RayvisionArgumentError, RayvisionCancelledError
from rayvision_sync import config
from rayvision_sync.exception import TransferError
from rayvision_sync.hashing import DigestCache
from rayvision_sync.manage import (
    STATE_ENDED,
    STATE_MISSING,
    STATE_RUNNING,
    RayvisionManageTask,
)
from rayvision_sync.progress import ProgressReporter
from rayvision_sync.result import TransferResult
from rayvision_sync.transfer import RayvisionTransfer
from rayvision_sync.utils import create_transfer_params

if TYPE_CHECKING:
    from rayvision_api.core import RayvisionAPI
    from rayvision_api.operators.base import TaskId

LOGGER = logging.getLogger(__name__)


def keep_path_flag(download_filename_format: Union[str, bool]) -> bool:
    """``download_filename_format`` ("true"/"false", or a bool) as a bool.

    Raises:
        RayvisionArgumentError: Any other value.
    """
    text = str(download_filename_format).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise RayvisionArgumentError("download_filename_format must be 'true' or 'false', not "
                                 "{0!r}".format(download_filename_format))


class RayvisionDownload(object):
    """Downloader.

    Args:
        api (RayvisionAPI): A logged-in API.
        engine: ``"http"``, ``"transmitter"``, an engine object, or None (chosen from the
            farm's transfer information).
        workers (int): Files downloaded at once by the HTTP engine (default 4).
        transmitter_exe (str): Path of rayvision_transmitter.
        progress_callback (callable): Receives :class:`~rayvision_sync.progress.ProgressEvent`.
        show_progress (bool): tqdm bars; default when stderr is a terminal.
        cancel_token (CancelToken, optional): Stops every download and download loop of
            this object within a second of being cancelled (:mod:`rayvision_api.cancel`);
            a method's own ``cancel_token`` argument takes its place for that call.
        ignore_callback_errors (bool): A ``progress_callback`` that raises is logged (once,
            at WARNING) instead of stopping the download with ``ProgressCallbackError``.

    Attributes:
        settle_time (float): Seconds ``auto_download_after_task_completed`` waits between a
            task's end and its download (the farm may still be copying frames).
        missing_limit (int): Polls after which a task the farm does not know is given up.
        unknown_limit (int): Polls after which a task whose status code no table holds is
            given up (its output is downloaded on each of those polls).
        last_result (TransferResult): Counts of the last download call.
    """

    def __init__(self, api: "RayvisionAPI", engine: Any = None, workers: Optional[int] = None,
                 transmitter_exe: Optional[str] = None,
                 progress_callback: Optional[Callable[[Any], Any]] = None,
                 show_progress: Optional[bool] = None, cancel_token: Optional[CancelToken] = None,
                 ignore_callback_errors: bool = False) -> None:
        self.api = api
        self.trans = RayvisionTransfer(transmitter_exe=transmitter_exe,
                                       **create_transfer_params(api))
        self.logger = self.trans.logger
        self.manage_task = self.trans.manage_task or RayvisionManageTask(api.query)
        self.local_os = api.user_info.get("local_os", "windows")
        self.transfer_log_path = config.resolve_transfer_log_path("", self.local_os)
        self.progress_callback = progress_callback
        self.show_progress = show_progress
        self.cancel_token = cancel_token
        self.ignore_callback_errors = bool(ignore_callback_errors)
        self.settle_time = 5
        self.missing_limit = 3
        self.unknown_limit = 6
        self.last_result: Optional[TransferResult] = None
        self._digests = DigestCache()
        self._engine_choice = engine
        self._workers = workers
        self._engine: Any = None

    def __repr__(self) -> str:
        return "RayvisionDownload(engine={0!r})".format(self._engine)

    @property
    def engine(self) -> Any:
        """The transfer engine (chosen on first use)."""
        if self._engine is None:
            from rayvision_sync.engine import select_engine
            self._engine = select_engine(self.api, self.trans, self._engine_choice,
                                         workers=self._workers,
                                         log_dir=self.transfer_log_path)
        return self._engine

    def _check_local_path(self, local_path: Any) -> Any:
        """The download folder: ``local_path``, else ``USERPROFILE``/``HOME`` + renderfarm_sdk."""
        return local_path or config.default_sdk_dir(self.local_os)

    @staticmethod
    def check_params(task_id_list: Optional[Sequence["TaskId"]],
                     custom_server_output_path: Any) -> None:
        """Check the parameters: one of task_id_list and custom_server_output_path must exist.

        Raises:
            RayvisionArgumentError: Both are empty.
        """
        if not task_id_list and not custom_server_output_path:
            raise RayvisionArgumentError("One of the task_id_list and "
                                         "custom_server_output_path must exist")

    def download(self, task_id_list: Optional[Sequence["TaskId"]] = None,
                 max_speed: Optional[Union[str, int]] = None, print_log: bool = True,
                 download_filename_format: Union[str, bool] = "true",
                 local_path: Optional[str] = None,
                 server_path: Optional[Union[str, List[str]]] = None,
                 cancel_token: Optional[CancelToken] = None, strict: bool = False) -> bool:
        """Download the output of tasks, or a storage folder.

        Args:
            task_id_list (list of int): Tasks whose output folders are downloaded.
            max_speed (str): KB/s, default 1048576.
            print_log (bool): Log every file at INFO.
            download_filename_format (str): "true": keep ``<taskId>_<scene>/...`` below
                local_path; "false": only the part below the downloaded folder.
            local_path (str): Download folder (default ``~/renderfarm_sdk``).
            server_path (str or list): Output-storage folder(s), e.g.
                ``18164087_muti_layer_test/l_ayer2``; task ids are ignored when given.
            cancel_token (CancelToken, optional): Stops the download within a second
                (default: the constructor's). A file not finished stays as a partial file
                beside its destination, which the next download continues; the
                destination itself is only ever written complete.
            strict (bool): Refuse a folder that holds a file the storage gives no SHA-256
                for (``UnverifiedFileError``, nothing of that folder written) instead of
                downloading it unverified. HTTP engine only: the transmitter reports no
                digests, so ``strict=True`` with it raises ``RayvisionArgumentError``.

        Returns:
            bool: True.

        Raises:
            RayvisionCancelledError: The cancel token was cancelled.
            ProgressCallbackError: The progress callback raised.
            UnverifiedFileError: ``strict`` and a file has no digest.
            RayvisionArgumentError: ``strict`` with the transmitter engine.
        """
        self.check_params(task_id_list, server_path)
        self._run_download(task_id_list, self._check_local_path(local_path), max_speed,
                           print_log, download_filename_format, server_path,
                           cancel_token=cancel_token, strict=strict)
        return True

    def _token(self, cancel_token: Optional[CancelToken]) -> Optional[CancelToken]:
        return cancel_token or self.cancel_token

    def _output_names(self, task_id_list: Optional[Union["TaskId", Sequence["TaskId"]]],
                      server_path: Optional[Union[str, Sequence[str]]]) -> List[str]:
        if not server_path:
            if isinstance(task_id_list, (int, str)):
                task_id_list = [task_id_list]
            # check_params: without a server path the caller gave task ids.
            return self.manage_task.output_file_names(
                self.manage_task.get_task_status(list(cast(Sequence["TaskId"], task_id_list))))
        if isinstance(server_path, str):
            return [server_path]
        if isinstance(server_path, (list, tuple)):
            return list(server_path)
        raise RayvisionArgumentError("custom_server_output_path must a list or str.")

    def _run_download(self, task_id_list: Optional[Union["TaskId", Sequence["TaskId"]]],
                      local_path: str, max_speed: Optional[Union[str, int]] = None,
                      print_log: bool = True,
                      download_filename_format: Union[str, bool] = "true",
                      server_path: Optional[Union[str, Sequence[str]]] = None,
                      cancel_token: Optional[CancelToken] = None,
                      strict: bool = False) -> TransferResult:
        """Download every output folder of the tasks (or ``server_path``)."""
        keep_path = keep_path_flag(download_filename_format)
        self._check_strict(strict)
        token = self._token(cancel_token)
        total = TransferResult()
        for name in self._output_names(task_id_list, server_path):
            check(token, "download of {0}".format(name))
            progress = ProgressReporter("download", self.progress_callback, self.show_progress,
                                        token, self.ignore_callback_errors)
            # The remote path goes as given (the transmitter takes it verbatim, e.g.
            # "6419169_demo/layer"); the HTTP engine normalises it itself.
            try:
                total.merge(self.engine.download(
                    "output_bid", name, local_path, keep_path, max_speed,
                    progress=progress, digests=self._digests, print_log=print_log,
                    strict=strict))
            except TransferError as exc:
                failed = getattr(exc, "result", None)
                if failed is not None:
                    # Every failure of the call, not the previous call's counts.
                    self.last_result = total.merge(failed)
                raise
        self.last_result = total
        return total

    def _check_strict(self, strict: bool) -> None:
        """Refuse ``strict`` where it cannot be honoured (before anything is downloaded)."""
        if strict and self.engine.name != "http":
            raise RayvisionArgumentError(
                "strict=True needs the http engine: the {0} engine reports no SHA-256 of "
                "the files it downloads, so it cannot refuse the unverified ones".format(
                    self.engine.name))

    def _poll(self, missing: Any, task_id: Any) -> Any:
        """State of a task; a task unknown to the farm for too long is dropped."""
        state = self.manage_task.task_state(task_id)
        if state == STATE_MISSING:
            return self._strike(missing, task_id, self.missing_limit, logging.ERROR,
                                "task %s is unknown to the farm after %d polls; no longer "
                                "waiting for it")
        missing.pop(task_id, None)
        if state not in (STATE_RUNNING, STATE_ENDED):
            # A status code no table holds: nothing says it will ever change, so keep
            # downloading for a few polls, then stop waiting.
            return self._strike(missing, ("unknown", task_id), self.unknown_limit,
                                logging.WARNING, "task %s kept an unknown status for %d "
                                "polls; no longer waiting for it")
        missing.pop(("unknown", task_id), None)
        return state

    def _strike(self, strikes: Dict[Hashable, int], key: Hashable, limit: int, level: int,
                message: str) -> str:
        """One more poll in a state that may never change: running, until ``limit`` in a row.

        ``key`` is the task id or ``(kind, task id)``; ``message`` takes the task id and the
        number of polls.
        """
        strikes[key] = strikes.get(key, 0) + 1
        if strikes[key] < limit:
            return STATE_RUNNING
        task_id = key[-1] if isinstance(key, tuple) else key
        self.logger.log(level, message, task_id, strikes[key])
        return STATE_ENDED

    def auto_download(self, task_id_list: Optional[Sequence["TaskId"]] = None,
                      max_speed: Optional[Union[str, int]] = None, print_log: bool = False,
                      sleep_time: float = 10,
                      download_filename_format: Union[str, bool] = "true",
                      local_path: Optional[str] = None,
                      cancel_token: Optional[CancelToken] = None, strict: bool = False) -> bool:
        """Automatic download: every pass downloads the frames finished so far.

        A task leaves the loop after the pass that follows its end (so its last frames are
        downloaded). The caller's list is not modified.

        Args:
            task_id_list (list of int): Tasks to follow.
            max_speed (str): KB/s, default 1048576.
            print_log (bool): Log every file at INFO.
            sleep_time (float): Seconds between polls.
            download_filename_format (str): See :meth:`download`.
            local_path (str): Download folder (default ``~/renderfarm_sdk``).
            cancel_token (CancelToken, optional): Ends the loop within a second, between
                polls or in the middle of a download (default: the constructor's).
            strict (bool): See :meth:`download`.

        Returns:
            bool: True.

        Raises:
            RayvisionCancelledError: The cancel token was cancelled.
            UnverifiedFileError: ``strict`` and a file has no digest.
            RayvisionArgumentError: ``strict`` with the transmitter engine.
        """
        return self._download_loop(task_id_list, local_path, sleep_time, True, max_speed,
                                   print_log, download_filename_format, cancel_token, strict)

    def auto_download_after_task_completed(
            self, task_id_list: Optional[Sequence["TaskId"]] = None,
            max_speed: Optional[Union[str, int]] = None, print_log: bool = True,
            sleep_time: float = 10, download_filename_format: Union[str, bool] = "true",
            local_path: Optional[str] = None, cancel_token: Optional[CancelToken] = None,
            strict: bool = False) -> bool:
        """Download each task once it has ended. The caller's list is not modified.

        Args:
            task_id_list (list of int): Tasks to follow.
            max_speed (str): KB/s, default 1048576.
            print_log (bool): Log every file at INFO.
            sleep_time (float): Seconds between polls.
            download_filename_format (str): See :meth:`download`.
            local_path (str): Download folder (default ``~/renderfarm_sdk``).
            cancel_token (CancelToken, optional): Ends the loop within a second (default:
                the constructor's).
            strict (bool): See :meth:`download`.

        Returns:
            bool: True.

        Raises:
            RayvisionCancelledError: The cancel token was cancelled.
            UnverifiedFileError: ``strict`` and a file has no digest.
            RayvisionArgumentError: ``strict`` with the transmitter engine.
        """
        return self._download_loop(task_id_list, local_path, sleep_time, False, max_speed,
                                   print_log, download_filename_format, cancel_token, strict)

    def _download_loop(self, task_id_list: Optional[Sequence["TaskId"]],
                       local_path: Optional[str], sleep_time: float, every_pass: bool,
                       max_speed: Optional[Union[str, int]], print_log: bool,
                       download_filename_format: Union[str, bool],
                       cancel_token: Optional[CancelToken] = None,
                       strict: bool = False) -> bool:
        """Poll the tasks until each has ended, downloading every pass or once at the end.

        The caller's list is not modified.
        """
        pending = list(task_id_list or [])
        local_path = self._check_local_path(local_path)
        self._check_strict(strict)  # at once, not after the first task has ended
        token = self._token(cancel_token)
        what = "download loop of tasks {0}".format(", ".join(str(task) for task in pending))
        missing: Dict[Hashable, int] = {}
        total = TransferResult()
        while pending:
            pause(token, sleep_time, what)
            for task_id in list(pending):
                check(token, what)
                # The state is read before downloading so that, downloading every pass, the
                # pass after the end still downloads the last frames.
                ended = self._poll(missing, task_id) == STATE_ENDED
                if every_pass or ended:
                    if not every_pass:
                        pause(token, self.settle_time, what)
                    try:
                        total.merge(self._run_download([task_id], local_path, max_speed,
                                                       print_log, download_filename_format,
                                                       cancel_token=token, strict=strict))
                    except RayvisionCancelledError as error:
                        # Said as the loop the caller started, whichever step it stopped in.
                        raise RayvisionCancelledError(what, error.reason) from error
                if ended:
                    pending.remove(task_id)
        self.last_result = total
        return True
