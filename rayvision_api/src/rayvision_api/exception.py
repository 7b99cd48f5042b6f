"""The SDK's exception hierarchy (documented names kept, misspellings included).

One set of classes for every package: ``rayvision_utils.exception.exception`` re-exports these,
so an error raised by one layer is caught under the same class in any other. As in the
original, the scene-analysis errors (``AnalyzeError`` and its subclasses) and the compression
errors derive from ``Exception``, not from ``RayvisionError``: ``except RayvisionError`` does
not catch them, ``except (RayvisionError, AnalyzeError)`` catches every error the analysis,
transfer and API layers raise on purpose.

Hierarchy::

    Exception
     +-- RayvisionError(error_code, error)
     |    +-- RayvisonTaskIdError            (sic; error_code is always 2000)
     |    +-- RayvisionArgumentError         (also a TypeError: wrong argument type or value)
     |    +-- RayvisionLookupError           (also a KeyError: unknown name)
     |    +-- RayvisionJSONDecodeError       (also a ValueError: a json file is not json)
     |    +-- RayvisionCancelledError        (a cancel token stopped the operation)
     |    +-- ProgressCallbackError          (the caller's progress callback raised)
     |    +-- RayvisionAPIError(error_code, error, request)
     |         +-- RayvisionTransportError   (no usable answer after every retry)
     |              +-- RayvisionConnectionError  (also requests' ConnectionError)
     |              |    +-- RayvisionOutcomeUnknownError  (a change may or may not have
     |              |                                       happened on the farm)
     |              +-- RayvisionResponseDecodeError (also a ValueError: not JSON)
     +-- AnalyzeError
     |    +-- MaxDamageError, CGExeNotExistError, VersionNotMatchError, ...
     +-- CompressionFailedError, DecompressionFailedError
"""

from typing import Any, Mapping, Optional, Tuple, Union
from urllib.request import HTTPErrorProcessor

import requests


class RayvisionError(Exception):
    """Base error of the SDK: a numeric code and a message.

    Args:
        error_code (int): SDK-side or server-side error code.
        error (str): Human readable message.
    """

    def __init__(self, error_code: int, error: Any, *args: Any, **kwargs: Any) -> None:
        super(RayvisionError, self).__init__(error_code, error, *args)
        self.error_code = error_code
        self.error = error

    def __str__(self) -> str:
        return "RayvisionError: {0}: {1}".format(self.error_code, self.error)

    def __reduce__(self) -> Tuple[Any, ...]:
        # Keep the exception picklable across processes (multiprocessing, Deadline workers).
        return (self.__class__, self.args)


class RayvisonTaskIdError(RayvisionError):
    """A task id has the wrong type (the documented spelling is kept).

    The original fixes ``error_code`` to 2000 whatever is passed; so does this one. The
    one-argument form ``RayvisonTaskIdError(error)`` documented for rayvision_utils works too.
    """

    def __init__(self, error_code: Union[int, str], error: Any = None) -> None:
        if error is None:
            error_code, error = 2000, error_code
        super(RayvisonTaskIdError, self).__init__(2000, error)
        self.requested_code = error_code

    def __str__(self) -> str:
        return "Error code: {0}, Error message: {1}".format(self.error_code, self.error)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.requested_code, self.error))


class RayvisionArgumentError(RayvisionError, TypeError):
    """An argument has the wrong type or value; the message names the argument.

    It is also a ``TypeError``, which the original SDK raised for the same mistakes, so
    existing ``except TypeError`` blocks keep working.
    """

    def __init__(self, error: str, error_code: int = 1000003) -> None:
        super(RayvisionArgumentError, self).__init__(error_code, error)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.error, self.error_code))


class RayvisionLookupError(RayvisionError, KeyError):
    """A name is not known (a DCC name, a configuration key); the message lists the valid ones.

    It is also a ``KeyError``, which the original SDK raised for the same mistakes.
    """

    def __init__(self, error: str, error_code: int = 1000002) -> None:
        super(RayvisionLookupError, self).__init__(error_code, error)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.error, self.error_code))


class RayvisionJSONDecodeError(RayvisionError, ValueError):
    """A json file (task.json, upload.json, ...) is not valid JSON; the message names it.

    It is also a ``ValueError``, which the original ``json_load`` let through from ``json``,
    so existing ``except ValueError`` blocks keep working.
    """

    def __init__(self, error: str, error_code: int = 1000005) -> None:
        super(RayvisionJSONDecodeError, self).__init__(error_code, error)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.error, self.error_code))


class RayvisionCancelledError(RayvisionError):
    """A :class:`~rayvision_api.cancel.CancelToken` stopped the operation.

    Raised within a second of :meth:`~rayvision_api.cancel.CancelToken.cancel`; what was
    half done is left as the operation's resume rules say (docs/embedding.md,
    "Cancelling").

    Args:
        what (str): The operation that stopped, e.g. ``"upload of scene.ma"``.
        reason (str, optional): What the canceller said.

    Attributes:
        what (str): The operation that stopped.
        reason (str): The canceller's reason, or None.
    """

    def __init__(self, what: str, reason: Optional[str] = None,
                 error_code: int = 1000006) -> None:
        message = "{0} was cancelled{1}".format(what, ": {0}".format(reason) if reason else "")
        super(RayvisionCancelledError, self).__init__(error_code, message)
        self.what = what
        self.reason = reason

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.what, self.reason, self.error_code))


class ProgressCallbackError(RayvisionError):
    """The caller's progress callback raised; the operation stopped.

    The callback's exception is the ``__cause__``. Pass ``ignore_callback_errors=True`` to
    log such failures (once, at WARNING) and carry on instead.

    Args:
        what (str): The operation whose progress was reported, e.g. ``"upload"``.
        original (BaseException): What the callback raised.

    Attributes:
        what (str): The operation.
        original (BaseException): What the callback raised.
    """

    def __init__(self, what: str, original: Any, error_code: int = 1000007) -> None:
        super(ProgressCallbackError, self).__init__(
            error_code, "the progress callback of the {0} raised {1}: {2}".format(
                what, type(original).__name__, original))
        self.what = what
        self.original = original

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.what, self.original, self.error_code))


class RayvisionAPIError(RayvisionError):
    """The server answered with a business error (envelope ``code`` other than 200).

    Args:
        error_code (int): The envelope's ``code``.
        error (str): The envelope's ``message``.
        request (str): The URL of the request.
    """

    def __init__(self, error_code: int, error: Any, request: Optional[str]) -> None:
        super(RayvisionAPIError, self).__init__(error_code, error, request)
        self.request = request

    def __str__(self) -> str:
        return "Error code: {0}, Error message: {1}, URL: {2}".format(
            self.error_code, self.error, self.request)

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.error_code, self.error, self.request))


class RayvisionTransportError(RayvisionAPIError):
    """No usable answer after every retry: network failure, HTTP 5xx/429 or a non-JSON body.

    ``error_code`` is the last HTTP status, or -1 when no answer arrived at all.
    """


# ``request`` is the URL here, as in every RayvisionAPIError, where requests keeps the request
# object: the SDK's meaning wins.
class RayvisionConnectionError(RayvisionTransportError,  # type: ignore[misc]
                               requests.exceptions.ConnectionError):
    """No answer arrived (connection refused or reset, timeout), after every retry.

    It is also a ``requests.exceptions.ConnectionError`` (so a ``RequestException`` and an
    ``IOError``), which is what the original SDK let through, so ``except
    requests.RequestException`` written for it keeps working. ``error_code`` is -1.
    """

    def __init__(self, error_code: int, error: Any,
                 request: Optional[str]) -> None:
        super(RayvisionConnectionError, self).__init__(error_code, error, request)
        # requests' constructor reset ``request``; keep the URL, as RayvisionAPIError does.
        self.request = request


class RayvisionOutcomeUnknownError(RayvisionConnectionError):
    """A call that changes the farm got no answer, and the farm cannot tell whether it acted.

    The operation may have happened once; it was not repeated blindly. Check the farm (or
    the values in :attr:`known`) before calling again.

    Args:
        error_code (int): The last HTTP status, or -1 when no answer arrived.
        error (str): What happened.
        request (str): The URL of the request.
        operation (str): The operator method, e.g. ``"submit_task"``.
        known (dict, optional): What the farm showed, e.g. ``{"task_ids": [19001]}``.

    Attributes:
        operation (str): The operator method.
        known (dict): What is known about the outcome.
    """

    def __init__(self, error_code: int, error: Any, request: Optional[str],
                 operation: Optional[str] = None,
                 known: Optional[Mapping[str, Any]] = None) -> None:
        super(RayvisionOutcomeUnknownError, self).__init__(error_code, error, request)
        self.operation = operation
        self.known = dict(known or {})

    def __str__(self) -> str:
        text = super(RayvisionOutcomeUnknownError, self).__str__()
        if self.known:
            text += ", known: {0}".format(self.known)
        return text

    def __reduce__(self) -> Tuple[Any, ...]:
        return (self.__class__, (self.error_code, self.error, self.request, self.operation,
                                 self.known))


class RayvisionResponseDecodeError(RayvisionTransportError, ValueError):
    """The answer was not the service's JSON envelope, after every retry.

    It is also a ``ValueError``, which the original SDK raised (from ``response.json()``)
    for the same answer. ``error_code`` is the HTTP status.
    """


class RayvisionHTTPErrorProcessor(HTTPErrorProcessor):
    """urllib processor that lets 2xx and 400 answers through (kept for compatibility)."""

    def http_response(self, request: Any, response: Any) -> Any:
        """Pass 2xx and 400 answers; hand any other status to the error handlers."""
        code, msg, headers = response.code, response.msg, response.info()
        if not (200 <= code < 300 or code == 400):
            response = self.parent.error("http", request, response, code, msg, headers)
        return response

    https_response = http_response


class AnalyzeError(Exception):
    """Base class of scene-analysis errors."""


class MaxDamageError(AnalyzeError):
    """The 3ds Max scene file is damaged."""


class MaxExeNotExistError(AnalyzeError):
    """No 3ds Max executable was found."""


class CGExeNotExistError(AnalyzeError):
    """No DCC executable was found."""


class ProjectMaxVersionError(AnalyzeError):
    """The 3ds Max project version does not match."""


class GetCGVersionError(AnalyzeError):
    """The DCC version that saved the scene could not be read."""


class GetRendererError(AnalyzeError):
    """The scene's renderer could not be read."""


class GetCGLocationError(AnalyzeError):
    """The DCC install location could not be found."""


class MultiScatterAndVrayConfilictError(AnalyzeError):
    """MultiScatter and V-Ray versions conflict (documented spelling)."""


class VersionNotMatchError(AnalyzeError):
    """The scene was saved by another DCC version than the one requested."""


class CGFileNotExistsError(AnalyzeError):
    """The scene file does not exist."""


class CGFileZipFailError(AnalyzeError):
    """The scene file could not be compressed."""


class CGFileNameIllegalError(AnalyzeError):
    """The scene file name is not allowed."""


class AnalyseFailError(AnalyzeError):
    """The analysis failed."""


class FileNameContainsChineseError(AnalyzeError):
    """The scene path contains Chinese characters, which the farm cannot take."""


class CompressionFailedError(Exception):
    """Compressing files failed."""


class DecompressionFailedError(Exception):
    """Decompressing files failed."""
