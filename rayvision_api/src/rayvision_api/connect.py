"""The signed HTTP transport of the Renderbus API.

``Connect`` owns one ``requests.Session`` (connection reuse), signs every attempt afresh
(new timestamp and nonce), applies a timeout to every request, and retries with exponential
backoff only what may succeed on a second try: transport failures, HTTP 5xx and 429, and
answers that are not JSON. Business errors (envelope ``code`` other than 200) are raised at
once as :class:`~rayvision_api.exception.RayvisionAPIError`.
"""

import email.utils
import json
import logging
import os
import random
import time
from typing import Any, Dict, Mapping, Optional, Set, Tuple, Union, cast

import requests
import urllib3

from rayvision_api import constants, signature
from rayvision_api.exception import (
    RayvisionAPIError,
    RayvisionArgumentError,
    RayvisionConnectionError,
    RayvisionOutcomeUnknownError,
    RayvisionResponseDecodeError,
    RayvisionTransportError,
)
from rayvision_api.operations import READ, RECONCILE

ENV_ACCESS_ID = "RAYVISION_ACCESS_ID"
ENV_ACCESS_KEY = "RAYVISION_ACCESS_KEY"

LOGGER = logging.getLogger(__name__)

# Transport failures worth another attempt (a malformed URL or a bad TLS setting is not).
_TRANSPORT_EXCEPTIONS = (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                         requests.exceptions.ChunkedEncodingError)

# Envelope codes of a refused signature.
SIGNATURE_EXPIRED = 610
SIGNATURE_INVALID = 611

# Retry policies of a client (``Connect(retry_policy=...)``), see docs/retries.md.
RETRY_RECONCILE = "reconcile"
RETRY_NEVER = "never"
RETRY_ALWAYS = "always"
RETRY_POLICIES = (RETRY_RECONCILE, RETRY_NEVER, RETRY_ALWAYS)


def resolve_credentials(access_id: Optional[str], access_key: Optional[str]) -> Tuple[str, str]:
    """Return ``(access_id, access_key)``, falling back to the environment.

    Raises:
        RayvisionArgumentError: A credential is missing or not a string.
    """
    access_id = access_id or os.environ.get(ENV_ACCESS_ID)
    access_key = access_key or os.environ.get(ENV_ACCESS_KEY)
    for name, value, env in (("access_id", access_id, ENV_ACCESS_ID),
                             ("access_key", access_key, ENV_ACCESS_KEY)):
        if not value:
            raise RayvisionArgumentError(
                "{0} is required: pass it or set the environment variable {1}".format(name, env))
        if not isinstance(value, str):
            raise RayvisionArgumentError("{0} must be a str, got {1}".format(
                name, type(value).__name__))
    # Both are non-empty strings here (checked above).
    return cast(str, access_id), cast(str, access_key)


def split_domain(domain: str, protocol: Optional[str]) -> Tuple[str, str]:
    """Accept ``host``, ``host:port`` or a URL; return ``(host[:port], protocol)``."""
    if not isinstance(domain, str) or not domain.strip():
        raise RayvisionArgumentError("domain must be a host name such as "
                                     "'task.renderbus.com', got {0!r}".format(domain))
    domain = domain.strip()
    if "://" in domain:
        protocol, domain = domain.split("://", 1)
    domain = domain.rstrip("/")
    if not domain or "/" in domain:
        raise RayvisionArgumentError("domain must be a host name (optionally host:port), "
                                     "got {0!r}".format(domain))
    protocol = (protocol or "https").lower()
    if protocol not in ("http", "https"):
        raise RayvisionArgumentError("protocol must be 'https' or 'http', got {0!r}".format(
            protocol))
    return domain, protocol


class Connect(object):
    """Connection to the Renderbus API: signs, sends and decodes requests.

    Args:
        access_id (str): Access id (falls back to ``RAYVISION_ACCESS_ID``).
        access_key (str): Access key (falls back to ``RAYVISION_ACCESS_KEY``); never logged.
        protocol (str): ``https`` (default service) or ``http``.
        domain (str): ``task.renderbus.com``, ``jop.foxrenderfarm.com`` or ``host:port``.
        platform (str): Platform id, e.g. ``"2"``.
        headers (dict, optional): Extra or overriding header values for every request.
        timeout (float): Seconds to wait for the server, per attempt.
        max_attempts (int): Attempts for a retryable failure (1 disables retries).
        backoff_factor (float): First wait between attempts; doubles each time.
        backoff_max (float): Longest wait between attempts.
        session (requests.Session, optional): A session to use instead of a new one.
        retry_policy (str): What happens when a change that must not be repeated (submit,
            delete, create, ...) gets no answer. ``"reconcile"`` (default): ask the farm
            whether it took effect, then succeed, repeat it, or raise
            ``RayvisionOutcomeUnknownError``. ``"never"``: raise that error at once.
            ``"always"``: repeat it like a query (the original SDK's behaviour; may act twice).

    Attributes:
        clock_offset (float): Seconds between the farm's clock and this machine's, learnt
            from a 610 answer and used to sign every later request.
    """

    def __init__(self, access_id: Optional[str], access_key: Optional[str],
                 protocol: Optional[str], domain: str, platform: Union[str, int],
                 headers: Optional[Mapping[str, str]] = None,
                 timeout: float = constants.DEFAULT_TIMEOUT,
                 max_attempts: int = constants.DEFAULT_MAX_ATTEMPTS,
                 backoff_factor: float = constants.DEFAULT_BACKOFF_FACTOR,
                 backoff_max: float = constants.DEFAULT_BACKOFF_MAX,
                 session: Optional[requests.Session] = None,
                 retry_policy: str = RETRY_RECONCILE) -> None:
        self.access_id, self._access_key = resolve_credentials(access_id, access_key)
        self.domain, self.protocol = split_domain(domain, protocol)
        # Kept under the original's attribute name too.
        self._protocol = self.protocol
        if platform is None or isinstance(platform, bool) or not str(platform).strip():
            raise RayvisionArgumentError("platform must be a platform id such as '2', "
                                         "got {0!r}".format(platform))
        self.platform = str(platform).strip()
        if not isinstance(max_attempts, int) or max_attempts < 1:
            raise RayvisionArgumentError("max_attempts must be an int >= 1, got {0!r}".format(
                max_attempts))
        if retry_policy not in RETRY_POLICIES:
            raise RayvisionArgumentError("retry_policy must be one of {0}, got {1!r}".format(
                ", ".join(RETRY_POLICIES), retry_policy))
        self.retry_policy = retry_policy
        self.clock_offset = 0.0
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.backoff_factor = backoff_factor
        self.backoff_max = backoff_max
        self.session = session or requests.Session()
        self._headers = dict(constants.HEADERS)
        if headers:
            self._headers.update(headers)
        self._headers["accessId"] = self.access_id
        self._headers["platform"] = self.platform
        self._sleep = time.sleep

    def __repr__(self) -> str:
        return "Connect(access_id={0!r}, domain={1!r}, protocol={2!r}, platform={3!r})".format(
            self.access_id, self.domain, self.protocol, self.platform)

    @property
    def headers(self) -> Dict[str, str]:
        """The header template of this connection (a copy; timestamp/nonce/signature empty)."""
        return dict(self._headers)

    @staticmethod
    def assemble_api_url(domain: str, operators: str, protocol: str = "https") -> str:
        """Return ``<protocol>://<domain><operators>``."""
        return "{0}://{1}{2}".format(protocol, domain, operators)

    def signed_headers(self, api_url: str, body: Optional[Mapping[str, Any]] = None,
                       method: str = "POST", domain: Optional[str] = None) -> Dict[str, str]:
        """Fresh signed headers (new timestamp and nonce) for one request.

        Args:
            api_url (str): The URL path being requested.
            body (dict, optional): The JSON body, or the query parameters of a storage request.
            method (str): HTTP method of the request.
            domain (str, optional): Host the request goes to; default this API's domain.

        Returns:
            dict: Headers to send.
        """
        headers = dict(self._headers)
        headers["UTCTimestamp"] = signature.generate_timestamp(self.clock_offset)
        headers["nonce"] = signature.generate_nonce()
        return signature.sign_headers(headers, self._access_key, domain or self.domain,
                                      api_url, body or {}, method)

    def post(self, api_url: str, data: Optional[Mapping[str, Any]] = None, safety: str = READ,
             operation: Optional[str] = None) -> Any:
        """Send a signed POST and return the envelope's ``data``.

        Args:
            api_url (str): Path of the operation, e.g. ``/api/render/user/queryUserProfile``.
            data (dict, optional): Request body.
            safety (str): The operation's retry class (``rayvision_api.operations``):
                ``read`` and ``idempotent`` requests are repeated after any transport failure;
                a ``reconcile`` request only when it provably never reached the farm (unless
                the client's ``retry_policy`` is ``"always"``).
            operation (str, optional): The operator method, named in errors.

        Returns:
            dict or list or str or None: The ``data`` of the answer.

        Raises:
            RayvisionAPIError: The service answered a business error (code != 200).
            RayvisionOutcomeUnknownError: A change was sent, and no answer came back.
            RayvisionConnectionError: No answer after every attempt (a query).
            RayvisionResponseDecodeError: The answer was never the JSON envelope.
            RayvisionTransportError: HTTP 5xx or 429 after every attempt.
        """
        data = data or {}
        url = self.assemble_api_url(self.domain, api_url, self.protocol)
        body = json.dumps(data).encode("utf-8")
        repeat_after_send = safety != RECONCILE or self.retry_policy == RETRY_ALWAYS
        resigned: Set[int] = set()
        attempt = 0
        while True:
            attempt += 1
            headers = self.signed_headers(api_url, data)
            try:
                response = self.session.post(url, data=body, headers=headers,
                                             timeout=self.timeout)
            except _TRANSPORT_EXCEPTIONS as exc:
                failure: RayvisionTransportError = _connection_failure(exc, url)
                sent, retry_after = not _never_sent(exc), None
            else:
                if LOGGER.isEnabledFor(logging.DEBUG):
                    # One record per request: a file handler pays a lock per record.
                    LOGGER.debug("POST: %s (attempt %d/%d) HTTP Body: %s -> HTTP %s %r", url,
                                 attempt, self.max_attempts, body.decode("utf-8"),
                                 response.status_code, response.content[:200])
                try:
                    payload, decoded, retry_after = self._decode(response, url)
                except RayvisionAPIError as error:
                    if self._resign_once(error, response, resigned):
                        attempt -= 1
                        continue
                    raise
                if decoded is None:
                    return payload
                failure = decoded
                # 429 means the farm refused the request before acting on it.
                sent = response.status_code != 429
            if sent and not repeat_after_send:
                raise _outcome_unknown(failure, operation)
            if attempt >= self.max_attempts:
                if sent and safety != READ:
                    raise _outcome_unknown(failure, operation)
                raise failure
            wait = self._backoff(attempt, retry_after)
            LOGGER.warning("%s; retrying in %.1f s (attempt %d/%d)", failure.error, wait,
                           attempt + 1, self.max_attempts)
            self._sleep(wait)

    def _resign_once(self, error: RayvisionAPIError, response: requests.Response,
                     resigned: Set[int]) -> bool:
        """True when a refused signature deserves one more, freshly signed attempt.

        610 (timestamp outside the farm's window): the farm's clock is read from the answer's
        ``Date`` header and kept for the life of the client. 611 (signature refused): the
        service also answers it for a nonce it saw before, so one re-sign with a new nonce.
        Either way the farm refused the request before acting on it.
        """
        code = error.error_code
        if code not in (SIGNATURE_EXPIRED, SIGNATURE_INVALID) or code in resigned:
            return False
        resigned.add(code)
        if code == SIGNATURE_EXPIRED:
            return self.learn_farm_clock(response) is not None
        return True

    def learn_farm_clock(self, response: requests.Response) -> Optional[bool]:
        """Sign with the farm's clock, read from an answer that refused the timestamp (610).

        Storage requests, signed by this object too, call it on their own refusals.

        Args:
            response (requests.Response): The farm's answer.

        Returns:
            bool or None: True when the clock offset changed, False when it was already
            the farm's, None when the answer does not say the farm's time.
        """
        farm_time = _farm_time(response)
        if farm_time is None:
            return None
        offset = round(farm_time - time.time())
        if offset == round(self.clock_offset):
            return False
        LOGGER.warning("this machine's clock is %+d s away from the farm's; signing with the "
                       "farm's time from now on", -offset)
        self.clock_offset = float(offset)
        return True

    def _decode(self, response: requests.Response, url: str
                ) -> Tuple[Any, Optional[RayvisionTransportError], Optional[float]]:
        """Turn a response into ``(data, retryable_failure, retry_after)``.

        Raises:
            RayvisionAPIError: A final answer that is an error.
        """
        status = response.status_code
        retryable_status = status >= 500 or status == 429
        try:
            envelope = response.json()
        except ValueError:
            envelope = None
        if not isinstance(envelope, dict) or "code" not in envelope:
            text = response.text[:200] if response.content else "<empty body>"
            failure: RayvisionTransportError = RayvisionResponseDecodeError(
                status, "HTTP {0} with no JSON envelope in the answer: {1!r}".format(
                    status, text), url)
            if status < 400 or retryable_status:
                return None, failure, _retry_after(response)
            raise failure
        if retryable_status:
            failure = RayvisionTransportError(status, "HTTP {0}: {1}".format(
                status, envelope.get("message")), url)
            return None, failure, _retry_after(response)
        if envelope.get("code") != 200:
            raise RayvisionAPIError(envelope["code"], envelope.get("message"), url)
        return envelope.get("data"), None, None


    def _backoff(self, attempt: int, retry_after: Optional[float] = None) -> float:
        """Seconds to wait before the next attempt: exponential, jittered, capped."""
        if retry_after is not None:
            return min(retry_after, self.backoff_max)
        base = self.backoff_factor * (2 ** (attempt - 1))
        return min(self.backoff_max, base * random.uniform(0.5, 1.0))

    def close(self) -> None:
        """Close the HTTP session."""
        self.session.close()


def _never_sent(exc: BaseException) -> bool:
    """True when a transport failure proves that the request never reached the server.

    Refused connections, failed name resolution and connect timeouts fail before a byte of
    the request is written; a reset or a read timeout may come after the farm acted.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    if not isinstance(exc, requests.exceptions.ConnectionError) or not exc.args:
        return False
    reason = getattr(exc.args[0], "reason", exc.args[0])
    return isinstance(reason, (urllib3.exceptions.NewConnectionError,
                               urllib3.exceptions.ConnectTimeoutError))


def _connection_failure(exc: BaseException, url: str) -> RayvisionConnectionError:
    failure = RayvisionConnectionError(-1, "no answer from the server: {0}".format(exc), url)
    failure.__cause__ = exc
    return failure


def _outcome_unknown(failure: RayvisionAPIError, operation: Optional[str]
                     ) -> RayvisionOutcomeUnknownError:
    unknown = RayvisionOutcomeUnknownError(
        failure.error_code, "{0} may or may not have taken effect on the farm (not repeated): "
        "{1}".format(operation or "the request", failure.error), failure.request, operation)
    unknown.__cause__ = failure
    return unknown


def _farm_time(response: requests.Response) -> Optional[float]:
    """The farm's clock in seconds: its ``Date`` header, else the envelope's ``serverTime``."""
    date = response.headers.get("Date")
    if date:
        try:
            return email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError):
            pass
    try:
        return float(response.json()["serverTime"]) / 1000.0
    except (ValueError, TypeError, KeyError):
        return None


def _retry_after(response: requests.Response) -> Optional[float]:
    """The ``Retry-After`` header in seconds, when the server sent a number."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None
