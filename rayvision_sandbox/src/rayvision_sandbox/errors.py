"""The error a request handler raises to answer an envelope with a non-200 code."""

from typing import Any

from rayvision_sandbox import constants


class SandboxRequestError(Exception):
    """A request failed; the farm answers the envelope with ``code`` and ``message``.

    Args:
        code (int): Envelope code (600, 611, 404, ...).
        message (str): Human readable message naming the parameter or resource.
        http_status (int): HTTP status of the answer; 200 on API routes unless given.
        data: Envelope ``data`` (None unless the protocol says otherwise).
        headers (dict, optional): HTTP headers the answer carries (a 416's Content-Range).
    """

    def __init__(self, code: Any, message: Any, http_status: Any = 200, data: Any = None,
                 headers: Any = None) -> None:
        super(SandboxRequestError, self).__init__(code, message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.data = data
        self.headers = dict(headers or {})

    def __str__(self) -> str:
        return "{0} {1}: {2}".format(self.code, constants.CODE_NAMES.get(self.code, ""),
                                     self.message)


# HTTP status of an answer to a client mistake: never a 5xx, which clients retry.
CLIENT_ERROR_STATUS = 400


def invalid(name: Any, reason: Any) -> Any:
    """600 PARAMETER_INVALID naming the parameter (HTTP 400)."""
    return SandboxRequestError(constants.PARAMETER_INVALID,
                               "PARAMETER_INVALID: {0} {1}".format(name, reason),
                               CLIENT_ERROR_STATUS)


def missing(name: Any) -> Any:
    """601 PARAMETER_CANT_BE_EMPTY naming the parameter (HTTP 400)."""
    return SandboxRequestError(constants.PARAMETER_CANT_BE_EMPTY,
                               "PARAMETER_CANT_BE_EMPTY: {0} is required".format(name),
                               CLIENT_ERROR_STATUS)


def not_found(what: Any) -> Any:
    """404 RESOURCE_NOT_FOUND naming the resource."""
    return SandboxRequestError(constants.RESOURCE_NOT_FOUND,
                               "RESOURCE_NOT_FOUND: {0}".format(what))
