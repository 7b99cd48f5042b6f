"""Upload models.

Upload the scene's configuration files (to the config storage, ``/<task_id>/cfg/``) and its
asset files (to the input storage, at the ``server`` paths of upload.json).
"""

import json
import os
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Callable, List, Optional, Sequence, Tuple, Union

from rayvision_api.cancel import CancelToken, check
from rayvision_api.collector import collector_paused
from rayvision_api.exception import RayvisionArgumentError
from rayvision_sync import config, upload_list_cache
from rayvision_sync.exception import (
    RecordDatabaseError,
    TransferError,
    TransmitterExitError,
    UnsafePathError,
)
from rayvision_sync.progress import ProgressReporter
from rayvision_sync.records import open_record_store
from rayvision_sync.result import TransferResult
from rayvision_sync.transfer import RayvisionTransfer
from rayvision_sync.upload_plan import UploadList, check_verify, stat_pairs
from rayvision_sync.utils import RETRY_DELAYS, create_transfer_params, upload_retry

if TYPE_CHECKING:
    from rayvision_api.core import RayvisionAPI
    from rayvision_sync.records import RecordStore

CONFIG_ATTEMPTS = 10


def read_upload_json(upload_json_path: str) -> List[Tuple[str, str]]:
    """The ``(local, server)`` pairs of upload.json's ``asset`` list.

    Raises:
        RayvisionArgumentError: The file is missing, not JSON, or an entry lacks a key.
        UnsafePathError: A server path holds a ``..`` component.
    """
    return list(read_upload_list(upload_json_path))


def read_upload_list(upload_json_path: str, cache_path: Optional[str] = None) -> UploadList:
    """upload.json's ``asset`` list as an :class:`UploadList`.

    The same checks and errors as :func:`read_upload_json`. With ``cache_path``, a large
    list is kept parsed there (:mod:`rayvision_sync.upload_list_cache`) and taken from it
    the next time upload.json holds the same bytes.
    """
    try:
        with open(upload_json_path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise RayvisionArgumentError("cannot read upload json {0!r}: {1}".format(
            upload_json_path, exc))
    digest = None
    if cache_path is not None:
        digest, locals_, servers = upload_list_cache.load(cache_path, raw)
        if locals_ is not None and servers is not None:
            return UploadList(locals_, servers, identity=digest)
    # The collector would walk the growing heap of one dict per asset, for nothing; the
    # dicts are gone again when the block ends.
    with collector_paused():
        upload = _upload_list_of(upload_json_path, raw)
    if cache_path is not None and digest is not None:
        upload_list_cache.store(cache_path, digest, upload.locals, upload.servers)
        upload.identity = digest
    return upload


def _upload_list_of(upload_json_path: str, raw: bytes) -> UploadList:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except ValueError as exc:
        raise RayvisionArgumentError("upload json {0!r} is not valid JSON: {1}".format(
            upload_json_path, exc))
    assets = data.get("asset") if isinstance(data, dict) else None
    if not isinstance(assets, list):
        raise RayvisionArgumentError("upload json {0!r} has no 'asset' list".format(
            upload_json_path))
    upload = _well_formed_list(assets)
    if upload is None:
        upload = UploadList.of(_checked_pairs(upload_json_path, assets))
    return upload


def _well_formed_list(assets: List[Any]) -> Optional[UploadList]:
    """The pairs of a list that passes every check of :func:`_checked_pairs`, or None.

    The same checks made over whole lists at once (no Python code per entry): a studio's
    upload.json holds up to hundreds of thousands of entries and is read on every upload.
    """
    try:
        # An entry that is not an object (a list, a string, a number, null) raises here.
        locals_ = list(map(itemgetter("local"), assets))
        servers = list(map(itemgetter("server"), assets))
    except (TypeError, KeyError, IndexError):
        return None
    if set(map(type, servers)) - {str} or set(map(type, locals_)) - {str} \
            or not all(locals_) or not all(servers) or ".." in u"\x00".join(servers):
        return None
    return UploadList(locals_, servers)


def _checked_pairs(upload_json_path: str, assets: List[Any]) -> List[Tuple[str, str]]:
    """The pairs of ``assets``, or the error naming the first entry at fault."""
    pairs = []
    for index, entry in enumerate(assets):
        try:
            local, server = entry["local"], entry["server"]
        except (TypeError, KeyError, IndexError):
            local = server = None
        # A local that is not text would reach os.stat and open as a file descriptor.
        if not local or not isinstance(local, str) or not isinstance(server, str) or \
                not server or not isinstance(entry, dict):
            raise RayvisionArgumentError("upload json {0!r}: asset[{1}] needs 'local' and "
                                         "'server', got {2!r}".format(upload_json_path, index,
                                                                      entry))
        if ".." in server and ".." in server.replace("\\", "/").split("/"):
            # The HTTP client would resolve it before sending, and the transmitter would
            # write outside the storage path: refuse it clearly instead.
            raise UnsafePathError("upload json {0!r}: asset[{1}] server path {2!r} holds a "
                                  "'..' component".format(upload_json_path, index, server))
        pairs.append((local, server))
    return pairs


class RayvisionUpload(object):
    """Upload files.

    Upload configuration files and asset files.

    Args:
        api (RayvisionAPI): A logged-in API.
        db_config_path (str): A db_config.ini; the packaged default when None or missing.
        engine: ``"http"``, ``"transmitter"``, an engine object, or None (chosen from the
            farm's transfer information).
        workers (int): Files uploaded at once by the HTTP engine (default 4).
        chunk_size (int): Largest PUT of the HTTP engine (default: the farm's).
        transmitter_exe (str): Path of rayvision_transmitter (else ``RAYVISION_TRANSMITTER``,
            else the package folder).
        progress_callback (callable): Receives :class:`~rayvision_sync.progress.ProgressEvent`.
        show_progress (bool): tqdm bars; default when stderr is a terminal.
        verify (str): How the HTTP engine tells unchanged files: ``"stat"`` (size, mtime,
            ctime and inode; default) or ``"hash"`` (also re-hash them).
        cancel_token (CancelToken, optional): Stops every upload of this object within a
            second of being cancelled (:mod:`rayvision_api.cancel`); a method's own
            ``cancel_token`` argument takes its place for that call.
        ignore_callback_errors (bool): A ``progress_callback`` that raises is logged (once,
            at WARNING) instead of stopping the upload with ``ProgressCallbackError``.
    """

    def __init__(self, api: "RayvisionAPI", db_config_path: Optional[str] = None,
                 engine: Any = None, workers: Optional[int] = None,
                 chunk_size: Optional[int] = None, transmitter_exe: Optional[str] = None,
                 progress_callback: Optional[Callable[[Any], Any]] = None,
                 show_progress: Optional[bool] = None, verify: str = "stat",
                 cancel_token: Optional[CancelToken] = None,
                 ignore_callback_errors: bool = False) -> None:
        self.api = api
        self.trans = RayvisionTransfer(transmitter_exe=transmitter_exe,
                                       **create_transfer_params(api))
        self.logger = self.trans.logger
        (transfer_log_path, self.redis_config, self.sqlite_config,
         self.database_config) = self.load_db_config(db_config_path)
        self.db_config_path = db_config_path
        local_os = api.user_info.get("local_os", "windows")
        self.db_path = config.resolve_db_dir(self.database_config.get("db_path"), local_os)
        self.transfer_log_path = self.check_transfer_log_path(transfer_log_path)
        self.db_ini = os.path.join(self.db_path, "db_ini")
        self._db = os.path.join(self.db_path, "db")
        self.progress_callback = progress_callback
        self.show_progress = show_progress
        self.cancel_token = cancel_token
        self.ignore_callback_errors = bool(ignore_callback_errors)
        self._engine_choice = engine
        self._engine_options = {"workers": workers, "chunk_size": chunk_size}
        self._engine: Any = None
        self.last_result: Optional[TransferResult] = None
        # Refused here, not at the first upload: the object may be built long before.
        self.verify = check_verify(verify)
        # Seconds between attempts of a retryable transmitter failure (then it raises).
        self.retry_delays = RETRY_DELAYS

    def __repr__(self) -> str:
        return "RayvisionUpload(db_path={0!r}, engine={1!r})".format(self.db_path,
                                                                    self._engine)

    @property
    def engine(self) -> Any:
        """The transfer engine (chosen on first use)."""
        if self._engine is None:
            from rayvision_sync.engine import select_engine
            self._engine = select_engine(self.api, self.trans, self._engine_choice,
                                         log_dir=self.transfer_log_path,
                                         **self._engine_options)
        return self._engine

    def _progress(self, cancel_token: Optional[CancelToken] = None) -> ProgressReporter:
        return ProgressReporter("upload", self.progress_callback, self.show_progress,
                                cancel_token or self.cancel_token,
                                self.ignore_callback_errors)

    @staticmethod
    def load_db_config(db_config_path: Optional[str] = None) -> Tuple[Any, ...]:
        """Read db_config.ini (the packaged one when ``db_config_path`` is falsy or missing).

        Returns:
            tuple: ``(transfer_log_path, redis_config, sqlite_config, database_config)``.
        """
        return config.load_db_config(db_config_path)

    def check_transfer_log_path(self, transfer_log_path: Optional[str]) -> str:
        """Check the log location of the transport engine.

        The ini value if set and existing, else ``RAYVISION_LOG`` if existing, else
        ``USERPROFILE``/``HOME`` + ``renderfarm_sdk``. Only the transmitter's environment
        gets it; the machine environment is left alone.

        Returns:
            str: The folder.
        """
        local_os = self.api.user_info.get("local_os", "windows")
        self.transfer_log_path = config.resolve_transfer_log_path(transfer_log_path, local_os)
        return self.transfer_log_path

    def create_db_ini(self, upload_json_path: str) -> str:
        """Create the database configuration file handed to the transmitter.

        Args:
            upload_json_path (str): Upload json path.

        Returns:
            str: Configuration file path (``<db dir>/db_ini/db_redis.ini`` or
            ``<db dir>/db_ini/<upload.json folder name>.ini``). A sqlite ini names
            ``<db dir>/db/<user>_<domain>_<storage id>.db``, shared by every upload.json of
            that storage, so a scene re-analysed into a new folder still skips its unchanged
            files.
        """
        kind = config.database_type(self.database_config)
        sqlite_file = config.shared_sqlite_file(self.db_path, self.trans.domain,
                                                self.trans.user_id,
                                                self.trans.user_info.get("input_bid"), "db")
        text = config.render_db_ini(self.database_config, self.redis_config,
                                    self.sqlite_config, self.trans.platform, sqlite_file)
        path = os.path.join(self.db_ini, config.db_ini_file_name(kind, upload_json_path))
        return config.atomic_write_text(path, text, private=True)

    def upload_config(self, task_id: Union[int, str], config_file_list: Sequence[str],
                      max_speed: Optional[Union[str, int]] = None,
                      cancel_token: Optional[CancelToken] = None) -> bool:
        """Upload configuration files to ``/<task_id>/cfg/<name>`` of the config storage.

        Missing files are logged and skipped.

        Args:
            task_id (str): Task id.
            config_file_list (list): Configuration file paths.
            max_speed (str): KB/s, default 1048576.
            cancel_token (CancelToken, optional): Stops the upload (default: the
                constructor's).

        Returns:
            bool: True.

        Raises:
            TransferError: 20004 ``<path> upload failed``.
            RayvisionCancelledError: The cancel token was cancelled.
            ProgressCallbackError: The progress callback raised.
        """
        pairs = []
        for path in config_file_list:
            if not os.path.exists(path):
                self.logger.info("%s is not exists.", path)
                continue
            pairs.append((path, "/{0}/cfg/{1}".format(task_id, os.path.basename(
                os.path.normpath(path)))))
        engine = self.engine
        if engine.name == "http":
            try:
                self.last_result = engine.upload_pairs("config_bid", pairs, max_speed,
                                                       progress=self._progress(cancel_token))
            except TransferError as exc:
                self._failed(exc)
                raise TransferError("{0} upload failed: {1}".format(
                    ", ".join(local for local, _ in pairs), exc.error), 20004)
            return True
        total = TransferResult()
        for local, server in pairs:
            for attempt in range(1, CONFIG_ATTEMPTS + 1):
                check(cancel_token or self.cancel_token, "upload of {0}".format(local))
                try:
                    total.merge(engine.upload_file("config_bid", local, server, max_speed,
                                                   progress=self._progress(cancel_token)))
                    self.last_result = total
                    break
                except TransmitterExitError as exc:
                    self.logger.warning("attempt %d/%d: %s", attempt, CONFIG_ATTEMPTS, exc.error)
                    if attempt == CONFIG_ATTEMPTS or exc.returncode == 9:
                        raise TransferError("{0} upload failed".format(local), 20004)
        return True

    def _failed(self, exc: TransferError) -> None:
        """Keep the counts of a job that failed (every failure) as :attr:`last_result`."""
        result = getattr(exc, "result", None)
        if result is not None:
            self.last_result = result

    def upload_list_cache_path(self) -> str:
        """Where the last large upload.json read is kept parsed (one file per user)."""
        return config.join_like(self.db_path, "records", "upload_list.cache")

    def records_path(self, bid_key: str = "input_bid") -> str:
        """The sqlite file of the HTTP engine's upload records for a storage of this user."""
        return config.shared_sqlite_file(self.db_path, self.trans.domain, self.trans.user_id,
                                         self.trans.user_info.get(bid_key))

    def open_records(self, upload_json_path: Optional[str] = None,
                     is_db: bool = True) -> Optional["RecordStore"]:
        """The upload-record store of the input storage, or None (``is_db`` / ``on``).

        The store is one per user, domain and storage, whatever folder upload.json is in.
        """
        if not is_db:
            return None
        try:
            return open_record_store(self.database_config, self.redis_config,
                                     self.records_path("input_bid"))
        except RecordDatabaseError as exc:
            # Not being able to skip unchanged files must not stop the upload itself.
            self.logger.warning("%s; uploading every file without the record database",
                                exc.error)
            return None

    @upload_retry
    def upload_asset(self, upload_json_path: str, max_speed: Optional[Union[str, int]] = None,
                     is_db: bool = True, verify: Optional[str] = None,
                     cancel_token: Optional[CancelToken] = None) -> bool:
        """Upload the assets listed in upload.json to the input storage.

        Args:
            upload_json_path (str): upload.json path.
            max_speed (str): KB/s, default 1048576.
            is_db (bool): Use the upload-record database (skip unchanged files).
            verify (str): ``"stat"`` or ``"hash"`` (HTTP engine; default: the constructor's).
            cancel_token (CancelToken, optional): Stops the upload within a second (default:
                the constructor's); the files finished before are recorded, the
                interrupted ones are not.

        Returns:
            bool: True.

        Raises:
            RayvisionCancelledError: The cancel token was cancelled.
            ProgressCallbackError: The progress callback raised.
        """
        verify = check_verify(verify) if verify else self.verify
        pairs = read_upload_list(upload_json_path, self.upload_list_cache_path())
        engine = self.engine
        if engine.name != "http":
            db_ini = self.create_db_ini(upload_json_path) if is_db else None
            try:
                self.last_result = engine.upload_asset(upload_json_path, pairs, max_speed,
                                                       db_ini_path=db_ini,
                                                       progress=self._progress(cancel_token))
            except TransferError as exc:
                self._failed(exc)
                raise
            return True
        records = self.open_records(upload_json_path, is_db)
        try:
            try:
                self.last_result = engine.upload_pairs("input_bid", pairs, max_speed,
                                                       records=records,
                                                       progress=self._progress(cancel_token),
                                                       verify=verify)
            except TransferError as exc:
                self._failed(exc)
                raise
            temporary = config.parse_bool(self.sqlite_config.get("temporary"), "db_config.ini",
                                          "SQLITE", "temporary")
            if records is not None and records.kind == "sqlite" and temporary:
                # A folder's files are recorded under their own paths, below the folder's.
                records.delete(engine.scope("input_bid"), list(stat_pairs(list(pairs), [])))
        finally:
            if records is not None:
                records.close()
        return True

    def upload(self, task_id: Union[int, str], task_json_path: str, tips_json_path: str,
               asset_json_path: str, upload_json_path: str,
               max_speed: Optional[Union[str, int]] = None,
               cancel_token: Optional[CancelToken] = None) -> bool:
        """Upload the four json files, then the assets of upload.json.

        Args:
            task_id (str): Task id.
            task_json_path (str): task.json.
            tips_json_path (str): tips.json.
            asset_json_path (str): asset.json.
            upload_json_path (str): upload.json (its assets are uploaded too).
            max_speed (str): KB/s, default 1048576.
            cancel_token (CancelToken, optional): Stops the upload within a second (default:
                the constructor's).

        Returns:
            bool: True is success, False is failure.

        Raises:
            RayvisionCancelledError: The cancel token was cancelled.
            ProgressCallbackError: The progress callback raised.
        """
        config_ok = self.upload_config(str(task_id), [task_json_path, tips_json_path,
                                                      asset_json_path, upload_json_path],
                                       max_speed, cancel_token=cancel_token)
        asset_ok = self.upload_asset(upload_json_path, max_speed, cancel_token=cancel_token)
        return bool(config_ok and asset_ok)
