"""Shared helpers of rayvision_sync (names of the original ``rayvision_sync.utils``)."""

import functools
import inspect
import logging
import subprocess
import sys
from typing import TYPE_CHECKING, Any, Callable, Dict, Optional, Union

from rayvision_api.cancel import pause
from rayvision_api.exception import RayvisionArgumentError, RayvisionError
from rayvision_sync.config import read_ini_config  # noqa: F401  (documented helper)
from rayvision_sync.constants import (
    EXTRA_TASK_STATUS_DESCRIPTION,
    TASK_STATUS_DESCRIPTION,
    TRANSMITTER_NOT_UPLOADABLE,
    TRANSMITTER_PARAMETER_ERROR,
    TRANSMITTER_RETRYABLE,
)
from rayvision_sync.exception import TransmitterExitError
from rayvision_sync.transmitter import is_error_line

if TYPE_CHECKING:
    from rayvision_api.core import RayvisionAPI

LOGGER = logging.getLogger(__name__)

TRANSFER_PARAM_KEYS = ("config_bid", "input_bid", "output_bid", "domain", "platform",
                       "local_os", "user_id")


def create_transfer_params(api: "RayvisionAPI") -> Dict[str, Any]:
    """Transfer parameters of a logged-in API, from ``api.user_info``.

    Returns:
        dict: ``config_bid``, ``input_bid``, ``output_bid``, ``domain``, ``platform``,
        ``local_os``, ``user_id``.

    Raises:
        RayvisionArgumentError: ``api.user_info`` lacks one of them (login did not supply it).
    """
    info = getattr(api, "user_info", None)
    if not isinstance(info, dict):
        raise RayvisionArgumentError("api must be a logged-in RayvisionAPI (no user_info)")
    missing = [key for key in TRANSFER_PARAM_KEYS if key not in info]
    if missing:
        raise RayvisionArgumentError("api.user_info lacks {0}: the login did not supply the "
                                     "transfer ids".format(", ".join(missing)))
    return dict((key, info[key]) for key in TRANSFER_PARAM_KEYS)


def str2unicode(string: Any, str_decode: str = "default") -> Any:
    """Text of ``string`` (bytes decoded as ``str_decode`` or the filesystem encoding)."""
    if isinstance(string, bytes):
        encoding = sys.getfilesystemencoding() if str_decode == "default" else str_decode
        return string.decode(encoding or "utf-8", "replace")
    return string


def get_task_status_description(code: Optional[Union[int, str]] = None,
                                language: Union[str, int] = "1") -> str:
    """Description of a task status code (``language`` "0" Chinese, "1" English).

    Raises:
        RayvisionError: 1000000 for a code the tables do not hold.
    """
    table = TASK_STATUS_DESCRIPTION.get(str(code)) or EXTRA_TASK_STATUS_DESCRIPTION.get(
        str(code))
    if table is None or str(language) not in table:
        raise RayvisionError(1000000, "Get empty task_status_description, Please check the "
                                      "input")
    return table[str(language)]


def describe_task_status(code: Any, language: Union[str, int] = "1") -> str:
    """Like :func:`get_task_status_description` but ``Unknown(<code>)`` for unknown codes."""
    try:
        return get_task_status_description(code, language)
    except RayvisionError:
        return "Unknown({0})".format(code)


def handle_cmd_result(flag: Any, returncode: Any, err_messages: Any, logger: Any = None) -> Any:
    """Log what a transmitter exit code means; return the code."""
    logger = logger or LOGGER
    if returncode == TRANSMITTER_NOT_UPLOADABLE:
        logger.error("%s: there are files that cannot be uploaded: %s", flag, err_messages)
    elif returncode == TRANSMITTER_RETRYABLE:
        logger.warning("%s: some files were not transferred, retry: %s", flag, err_messages)
    elif returncode == TRANSMITTER_PARAMETER_ERROR:
        logger.error("%s: parameter or domain name resolution error", flag)
    return returncode


def run_cmd(cmd_str: Any, my_shell: bool = False, print_log: bool = True, flag: Any = None,
            logger: Any = None) -> Any:
    """Run a command, log its output line by line, return its exit code.

    A list runs without a shell; a string runs through the shell only if ``my_shell``.
    """
    logger = logger or LOGGER
    level = logging.INFO if print_log else logging.DEBUG
    logger.log(level, "cmd...%s", cmd_str)
    process = subprocess.Popen(cmd_str, shell=bool(my_shell) and isinstance(cmd_str, str),
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    assert process.stdin is not None and process.stdout is not None  # both are PIPEs
    process.stdin.close()
    errors = []
    for raw in iter(process.stdout.readline, b""):
        line = str2unicode(raw.rstrip(b"\r\n"), "utf-8")
        if line.strip():
            logger.log(level, "%s", line)
            if is_error_line(line):
                errors.append(line)
    process.stdout.close()
    return handle_cmd_result(flag, process.wait(), errors, logger)


# Seconds between attempts of a retryable transmitter failure (code 10 or unknown codes).
RETRY_DELAYS = (5, 15, 25, 35, 45, 60, 60, 60, 60, 60)


def upload_retry(func: Callable) -> Callable:
    """Retry an upload on retryable transmitter failures, a bounded number of times.

    Codes 9 (parameters), 11 (files that cannot be uploaded) and 1-8 (argument format) are
    raised at once; 10 and unknown codes are retried after ``self.retry_delays`` (default
    :data:`RETRY_DELAYS`), then raised. The original retried forever. The waits end early,
    raising ``RayvisionCancelledError``, when the call's ``cancel_token`` (else
    ``self.cancel_token``) is cancelled.
    """
    signature = inspect.signature(func)

    @functools.wraps(func)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        # The call's token wherever it was given, by name or by position.
        try:
            given = signature.bind(self, *args, **kwargs).arguments.get("cancel_token")
        except TypeError:  # a wrong call: the method itself says what is wrong
            given = None
        token = given or getattr(self, "cancel_token", None)
        delays = list(getattr(self, "retry_delays", RETRY_DELAYS))
        attempt = 0
        while True:
            try:
                return func(self, *args, **kwargs)
            except TransmitterExitError as exc:
                final = exc.returncode in (TRANSMITTER_PARAMETER_ERROR,
                                           TRANSMITTER_NOT_UPLOADABLE) or \
                    1 <= exc.returncode <= 8
                if final or attempt >= len(delays):
                    raise
                LOGGER.warning("%s; retrying in %s s (%d/%d)", exc.error, delays[attempt],
                               attempt + 1, len(delays))
                pause(token, delays[attempt], "upload")
                attempt += 1

    return wrapper
