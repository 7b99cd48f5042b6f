"""Errors of rayvision_sync, all below :class:`rayvision_api.exception.RayvisionError`.

Hierarchy::

    RayvisionError
     +-- UnsupportedDatabaseError        db_config.ini ``type`` is neither redis nor sqlite
     +-- DbConfigError                   db_config.ini missing, unreadable, or a bad value
     +-- RecordDatabaseError             the upload-record database failed
     +-- RayvisionArgumentError
     |    +-- OptionValueError           a setting holds a value it cannot take (also a
     |                                   ValueError)
     +-- TransferError                   a transfer failed
          +-- TransmitterNotFoundError   rayvision_transmitter is not installed
          +-- TransmitterExitError       the transmitter exited with a failure code
          +-- TransferIntegrityError     size or SHA-256 differ after a transfer
          +-- UnsafePathError            a server name would escape the download folder
          +-- StorageAccessError         the storage refused the request (401/403/404...)
"""

from typing import Any, List, Optional

from rayvision_api.exception import RayvisionArgumentError, RayvisionError


class UnsupportedDatabaseError(RayvisionError):
    """The ``[DATABASE_CONFIG] type`` of db_config.ini is not supported."""

    def __init__(self, error: str, error_code: int = 200030) -> None:
        super(UnsupportedDatabaseError, self).__init__(error_code, error)

    def __reduce__(self) -> Any:
        return (self.__class__, (self.error, self.error_code))


class DbConfigError(RayvisionError):
    """db_config.ini cannot be read or holds a bad value; the message names file and key."""

    def __init__(self, error: str, error_code: int = 200031) -> None:
        super(DbConfigError, self).__init__(error_code, error)

    def __reduce__(self) -> Any:
        return (self.__class__, (self.error, self.error_code))


class RecordDatabaseError(RayvisionError):
    """The upload-record database (sqlite or redis) could not be used."""

    def __init__(self, error: str, error_code: int = 200032) -> None:
        super(RecordDatabaseError, self).__init__(error_code, error)

    def __reduce__(self) -> Any:
        return (self.__class__, (self.error, self.error_code))


class OptionValueError(RayvisionArgumentError, ValueError):
    """A setting (``verify``, ``max_speed``, ``record_store``...) holds a value it cannot take.

    The message names the setting and the value. A :class:`RayvisionArgumentError` (code
    1000003, a ``TypeError``) like every bad argument of the SDK, and also a ``ValueError``:
    the type is right, the value is not.
    """

    def __init__(self, error: str, error_code: int = 1000003) -> None:
        super(OptionValueError, self).__init__(error, error_code)


class TransferError(RayvisionError):
    """A transfer failed; ``error_code`` says how (see the subclasses)."""

    def __init__(self, error: str, error_code: int = 200020) -> None:
        super(TransferError, self).__init__(error_code, error)

    def __reduce__(self) -> Any:
        return (self.__class__, (self.error, self.error_code))


class TransmitterNotFoundError(TransferError):
    """The proprietary rayvision_transmitter binary is not installed where we looked."""

    def __init__(self, error: str, error_code: int = 200021) -> None:
        super(TransmitterNotFoundError, self).__init__(error, error_code)


class TransmitterExitError(TransferError):
    """The transmitter exited with a failure code.

    Attributes:
        returncode (int): The exit code (9 parameter/domain error, 10 retryable,
            11 files that cannot be uploaded, 1-8 invalid argument format).
        messages (list[str]): Error lines the transmitter printed.
    """

    def __init__(self, error: str, returncode: int, messages: Optional[List[str]] = None,
                 error_code: Optional[Any] = None) -> None:
        if error_code is None:
            error_code = {9: 200023, 10: 200022, 11: 200025}.get(
                returncode, 200024 if 1 <= returncode <= 8 else 200020)
        super(TransmitterExitError, self).__init__(error, error_code)
        self.returncode = returncode
        self.messages = list(messages or [])

    def __reduce__(self) -> Any:
        return (self.__class__, (self.error, self.returncode, self.messages, self.error_code))


class TransferIntegrityError(TransferError):
    """The bytes that arrived differ (size or SHA-256) from the bytes that were sent."""

    def __init__(self, error: str, error_code: int = 200026) -> None:
        super(TransferIntegrityError, self).__init__(error, error_code)


class UnsafePathError(TransferError):
    """A server-supplied name would land outside the download folder."""

    def __init__(self, error: str, error_code: int = 200027) -> None:
        super(UnsafePathError, self).__init__(error, error_code)


class StorageAccessError(TransferError):
    """The storage answered a refusal (HTTP 4xx other than a resumable conflict).

    Attributes:
        status (int): HTTP status of the answer.
    """

    def __init__(self, error: str, status: int = 0, error_code: int = 200028) -> None:
        super(StorageAccessError, self).__init__(error, error_code)
        self.status = status

    def __reduce__(self) -> Any:
        return (self.__class__, (self.error, self.status, self.error_code))


class ListingError(TransferError, ValueError):
    """A storage listing holds an unusable item; the message names the item and the field.

    Also a ``ValueError``: the listing is bad data from the server. Nothing was written.
    """

    def __init__(self, error: str, error_code: int = 200029) -> None:
        super(ListingError, self).__init__(error, error_code)


class UnverifiedFileError(TransferIntegrityError):
    """``strict`` download of a file the storage gives no SHA-256 for (nothing written)."""

    def __init__(self, error: str, error_code: int = 200033) -> None:
        super(UnverifiedFileError, self).__init__(error, error_code)
