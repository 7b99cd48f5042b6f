"""One-line explanations of SDK errors, with a hint of what to do.

Scripts, the examples and the ``rayvision`` command line print ``explain(exc)`` instead of a
traceback. The commonest newcomer mistakes get a precise hint: an ``https`` client talking
to an ``http`` farm (the local sandbox), the reverse, a port with no farm behind it, a key
the farm refuses.
"""

import ssl
from typing import Iterator, NamedTuple, Optional

from rayvision_api.exception import RayvisionAPIError, RayvisionCancelledError, RayvisionError

# Business codes of the API that mean "your credentials or signature are refused".
_AUTH_CODES = frozenset(range(602, 620))

# Codes of rayvision_sync that mean "db_config.ini is at fault" (DbConfigError, and
# UnsupportedDatabaseError for its [DATABASE_CONFIG] type): a bad configuration file, which
# the command line treats as the caller's argument (exit 3), not as a failed operation.
_CONFIG_FILE_CODES = frozenset((200030, 200031))

# What OpenSSL says when the other side answers in plain HTTP (versions differ).
_PLAIN_HTTP_SIGNS = ("WRONG_VERSION_NUMBER", "wrong version number", "record layer failure",
                     "packet length too long", "http request")


class Explanation(NamedTuple):
    """What went wrong, in one line, and what to do about it.

    ``kind`` is one of ``protocol``, ``unreachable``, ``credentials``, ``farm``,
    ``argument``, ``sdk``, ``internal``, ``interrupted`` (a cancel token stopped it);
    ``code`` the SDK or farm error code, or None;
    ``message`` one line (no traceback, never a secret); ``hint`` what to do, or ``""``.
    """

    kind: str
    code: Optional[int]
    message: str
    hint: str

    def line(self) -> str:
        """``error <code>: <message> (hint: ...)`` on one line."""
        text = "error{0}: {1}".format(" {0}".format(self.code) if self.code is not None else "",
                                      self.message)
        if self.hint:
            text += " (hint: {0})".format(self.hint)
        return " ".join(text.split())


def _chain(exc: Optional[BaseException]) -> Iterator[BaseException]:
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        for nested in getattr(exc, "args", ()):
            # urllib3 wraps the ssl error in MaxRetryError.reason, requests in args[0].
            if isinstance(nested, BaseException) and id(nested) not in seen:
                for inner in _chain(nested):
                    yield inner
        reason = getattr(exc, "reason", None)
        if isinstance(reason, BaseException) and id(reason) not in seen:
            for inner in _chain(reason):
                yield inner
        exc = exc.__cause__ or exc.__context__


def _url_of(exc: BaseException) -> str:
    request = getattr(exc, "request", None)
    return request if isinstance(request, str) else ""


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return "{0}://{1}".format(scheme, rest.split("/", 1)[0]) if rest else url


def explain(exc: BaseException) -> Explanation:
    """Explain ``exc`` in one line.

    Args:
        exc: Any exception raised by the SDK (or below it).

    Returns:
        Explanation: The kind, code, message and hint.
    """
    url = _url_of(exc)
    origin = _origin(url)
    texts = [str(item) for item in _chain(exc)]
    joined = " | ".join(texts)
    if any(isinstance(item, ssl.SSLError) for item in _chain(exc)) or (
            url.startswith("https") and any(sign in joined for sign in _PLAIN_HTTP_SIGNS[:4])):
        if any(sign in joined for sign in _PLAIN_HTTP_SIGNS):
            return Explanation(
                "protocol", getattr(exc, "error_code", None),
                "{0} answers plain http, not https".format(origin or "the farm"),
                "use protocol http: --protocol http, protocol = http in the profile, or "
                "RayvisionAPI(..., protocol=\"http\")")
        return Explanation("protocol", getattr(exc, "error_code", None),
                           "TLS failed with {0}: {1}".format(origin or "the farm",
                                                             texts[-1][:200]),
                           "check the CA bundle (ca_bundle in the profile) and the proxy")
    if url.startswith("http://") and ("HTTPS" in joined or "https port" in joined.lower()):
        return Explanation("protocol", getattr(exc, "error_code", None),
                           "{0} expects https, not plain http".format(origin),
                           "use protocol https: --protocol https or protocol = https in the "
                           "profile")
    lowered = joined.lower()
    if "connection refused" in lowered or "failed to establish a new connection" in lowered \
            or "name or service not known" in lowered or "nodename nor servname" in lowered:
        return Explanation("unreachable", getattr(exc, "error_code", None),
                           "cannot reach {0}: {1}".format(
                               origin or "the farm",
                               "connection refused" if "refused" in lowered
                               else "name or address not found"),
                           "check the domain and port (rayvision doctor), and that the farm "
                           "is running")
    if isinstance(exc, RayvisionAPIError):
        if exc.error_code in _AUTH_CODES:
            return Explanation("credentials", exc.error_code, str(exc.error),
                               "check access_id / access_key of the profile (rayvision config "
                               "show) and the machine's clock")
        return Explanation("farm", exc.error_code, "{0} ({1})".format(exc.error, url)
                           if url else str(exc.error), "")
    if isinstance(exc, RayvisionCancelledError):
        return Explanation("interrupted", exc.error_code, str(exc.error), "")
    if isinstance(exc, RayvisionError) and exc.error_code in _CONFIG_FILE_CODES:
        return Explanation("argument", exc.error_code, str(exc.error),
                           "fix the file it names (see db_config.ini in "
                           "docs/configuration.md)")
    if isinstance(exc, RayvisionError):
        kind = "argument" if isinstance(exc, (TypeError, KeyError)) else "sdk"
        return Explanation(kind, exc.error_code, str(getattr(exc, "error", exc)), "")
    if isinstance(exc, (OSError, ValueError)):
        return Explanation("sdk", None, "{0}: {1}".format(type(exc).__name__, exc), "")
    return Explanation("internal", None, "{0}: {1}".format(type(exc).__name__, exc),
                       "run again with --debug for the traceback")
