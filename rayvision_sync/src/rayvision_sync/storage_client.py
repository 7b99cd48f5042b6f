"""Signed requests to an HTTP storage (docs/storage-protocol.md) and their answers.

Every HTTP session of the engine is made by :meth:`StorageClient.new_session`, the one place
where an externally supplied ``requests.Session`` (used as a template: each worker thread
gets its own session with its settings), a session factory or session settings (proxies,
CA bundle, client certificate) apply.
"""

import threading
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Union
from urllib.parse import quote, urlsplit

import requests

from rayvision_api.connect import SIGNATURE_EXPIRED
from rayvision_sync.exception import StorageAccessError, TransferError
from rayvision_sync.transfer_state import Retryable

if TYPE_CHECKING:
    from requests.models import Response
    from requests.sessions import Session

    from rayvision_api.connect import Connect


class StorageClient(object):
    """Sends signed storage requests, one keep-alive session per thread.

    Args:
        connect: The API's ``Connect`` (signs storage requests; its key stays inside it).
        url (str): Storage base URL (``httpTransfer.url``).
        bids (dict): ``config_bid`` / ``input_bid`` / ``output_bid`` -> storage id.
        timeout (float): Seconds to wait for the storage, per request.
        session_factory (callable): Returns a new ``requests.Session`` (e.g. one set up with
            a studio's proxy and CA bundle); default ``requests.Session``.
        session_settings (dict): Attributes set on every new session (``proxies``,
            ``verify``, ``cert``, ``trust_env``, ``headers``).
        session (requests.Session): A configured session whose settings (``proxies``,
            ``verify``, ``cert``, ``trust_env``, ``headers``, ``auth``) every worker's own
            session copies (a session is not shared between threads). Default: the API's
            session (``connect.session``), so a profile's proxy and CA bundle reach the
            storage too.
    """

    def __init__(self, connect: "Connect", url: str, bids: Dict[str, str], timeout: float = 60.0,
                 session_factory: Optional[Any] = None,
                 session_settings: Optional[Dict[str, Any]] = None,
                 session: Optional["Session"] = None) -> None:
        self.connect = connect
        self.url = url.rstrip("/")
        parts = urlsplit(self.url)
        self.scheme = parts.scheme
        self.netloc = parts.netloc
        self.base_path = parts.path.rstrip("/")
        self.bids = dict(bids)
        self.timeout = timeout
        self.session_factory = session_factory or requests.Session
        if session is None:
            session = getattr(connect, "session", None)
        self.session_settings: Dict[str, Any] = dict(
            _settings_of(session) if session is not None else {})
        self.session_settings.update(session_settings or {})
        self._local = threading.local()
        self._sessions: List[Any] = []
        self._sessions_lock = threading.Lock()

    def new_session(self) -> "Session":
        """A new session with the configured factory and settings, for one worker thread."""
        session = self.session_factory()
        for name, value in self.session_settings.items():
            if name == "headers":
                session.headers.update(value)
            else:
                setattr(session, name, value)
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=2)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def session(self) -> "Session":
        """This thread's session."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self.new_session()
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close the keep-alive connections of every thread (done after each job)."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def bid(self, bid_key: str) -> str:
        """Storage id of ``config_bid`` / ``input_bid`` / ``output_bid``."""
        try:
            return str(self.bids[bid_key])
        except KeyError:
            raise TransferError("no storage id {0!r}: api.user_info lacks it (log in "
                                "first)".format(bid_key))

    def request(self, method: str, bid: str, path: str, params: Optional[Dict[str, Any]] = None,
                data: Optional[Any] = None, headers: Optional[Any] = None,
                stream: bool = False) -> "Response":
        """Send one signed storage request and return the response (any status)."""
        params = dict((key, str(value)) for key, value in (params or {}).items())
        api_url = u"{0}/{1}{2}".format(self.base_path, bid, path)
        url = "{0}://{1}{2}".format(self.scheme, self.netloc,
                                    quote(api_url.encode("utf-8"), safe="/"))
        signed = self.connect.signed_headers(api_url, params, method, self.netloc)
        signed.pop("Content-Type", None)
        if headers:
            signed.update(headers)
        response = self.session().request(method, url, params=params, data=data,
                                          headers=signed, stream=stream,
                                          timeout=(min(10.0, self.timeout), self.timeout))
        if response.status_code == 401 and self._clock_corrected(response):
            # The body may have been a stream: the transfer's own retry rebuilds and re-signs.
            raise Retryable("{0} {1}: the farm refused this machine's clock; signing with the "
                            "farm's time from now on".format(method, api_url))
        return response

    def _clock_corrected(self, response: "Response") -> bool:
        """Whether a 401 refused the timestamp (610) and the farm's clock is now used."""
        try:
            envelope = response.json()
        except ValueError:
            return False
        if not isinstance(envelope, dict) or envelope.get("code") != SIGNATURE_EXPIRED:
            return False
        return bool(self.connect.learn_farm_clock(response))

    @staticmethod
    def failure(response: "Response", what: str) -> None:
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
            raise Retryable(text)
        raise StorageAccessError(text, status)

    def json(self, response: "Response", what: str) -> Dict[str, Any]:
        """The envelope's ``data`` of a successful JSON answer."""
        if response.status_code != 200:
            self.failure(response, what)
        try:
            envelope = response.json()
        except ValueError:
            raise Retryable("{0}: answer is not JSON".format(what))
        if not isinstance(envelope, dict) or envelope.get("code", 200) != 200:
            raise StorageAccessError("{0}: {1}".format(what, envelope), response.status_code)
        data = envelope.get("data")
        return data if data is not None else {}

    @staticmethod
    def conflict_data(response: Any) -> Any:
        """``data`` of a 409 answer (``offset``, ``busy``), or an empty dict."""
        try:
            data = response.json().get("data")
        except (ValueError, AttributeError):
            return {}
        return data if isinstance(data, dict) else {}


_TEMPLATE_SETTINGS = ("proxies", "verify", "cert", "trust_env", "auth")


def _settings_of(session: "Session") -> Dict[str, Union[Any, str, bool]]:
    """The settings of a configured session that a new session should copy."""
    settings = dict((name, getattr(session, name)) for name in _TEMPLATE_SETTINGS
                    if getattr(session, name, None) is not None)
    settings["headers"] = dict(session.headers)
    return settings
