"""Request authentication exactly as the service does it (rayvision_api.signature rules).

The farm recomputes the canonical string from the received headers, path and body (or query
parameters on storage routes) and compares HMACs; it checks the timestamp window and refuses
a request that was already accepted once inside the window (replay).
"""

import threading
import time
from typing import Any, Dict

from rayvision_api import signature
from rayvision_sandbox import constants
from rayvision_sandbox.errors import CLIENT_ERROR_STATUS, SandboxRequestError

# Longest UTCTimestamp taken as a number: whole seconds until the year 5138.
_TIMESTAMP_DIGITS = 11


def _timestamp(text, http_status):
    """The ``UTCTimestamp`` header as an int, or a 4xx answer naming the header."""
    digits = text[1:] if text[:1] == "-" else text
    if not (digits.isdigit() and digits.isascii()) or len(digits) > _TIMESTAMP_DIGITS:
        shown = text if len(text) <= 24 else text[:21] + "..."
        raise SandboxRequestError(
            constants.PARAMETER_INVALID,
            "PARAMETER_INVALID: header UTCTimestamp must be Unix time in whole seconds "
            "(at most {0} digits), got {1!r}".format(_TIMESTAMP_DIGITS, shown),
            max(http_status, CLIENT_ERROR_STATUS))
    return int(text)


class Authenticator(object):
    """Verifies signed requests against the users of a store.

    Args:
        store (rayvision_sandbox.store.Store): Where users are.
        faults (rayvision_sandbox.faults.Faults): Supplies the clock skew.
        window (int): Accepted distance in seconds between ``UTCTimestamp`` and the farm clock.
        replay_check (bool): Refuse a request seen before inside the window.
        http_status (int): HTTP status of rejections (200 on API routes, 401 on storage).
    """

    def __init__(self, store, faults, window=constants.DEFAULT_TIMESTAMP_WINDOW,
                 replay_check: bool = True) -> None:
        self.store = store
        self.faults = faults
        self.window = window
        self.replay_check = replay_check
        self._users: Dict[Any, Any] = {}
        self._seen: Dict[Any, Any] = {}
        self._seen_lock = threading.Lock()
        self._last_prune = 0.0

    def now(self):
        """The farm's clock (real time plus the injected skew)."""
        return time.time() + self.faults.clock_skew

    def forget_users(self) -> None:
        """Drop cached users (after a user was created)."""
        self._users = {}

    def _user(self, access_id):
        user = self._users.get(access_id)
        if user is None:
            user = self.store.user_by_access_id(access_id)
            if user is not None:
                self._users[access_id] = user
        return user

    def authenticate(self, headers, domain, api_url, body, method: str = "POST", http_status=200):
        """Return the user row of a correctly signed request.

        Args:
            headers (Mapping): Request headers (case-insensitive mapping).
            domain (str): The request's ``Host``.
            api_url (str): Percent-decoded URL path.
            body (dict): Parsed JSON body, or the query parameters of a storage request.
            method (str): HTTP method as signed.
            http_status (int): HTTP status to answer on failure.

        Raises:
            SandboxRequestError: 611 for an invalid signature, unknown access id, missing
                header or replay; 610 for a timestamp outside the window.
        """
        values = {}
        for key in signature.SIGNED_HEADER_KEYS + ("signature",):
            value = headers.get(key)
            if value is None or value == "":
                raise SandboxRequestError(
                    constants.SIGNATURE_INVALID,
                    "SIGNATURE_INVALID: header {0} is missing".format(key), http_status)
            values[key] = value
        user = self._user(values["accessId"])
        if user is None:
            raise SandboxRequestError(constants.SIGNATURE_INVALID,
                                      "SIGNATURE_INVALID: unknown accessId", http_status)
        timestamp = _timestamp(values["UTCTimestamp"], http_status)
        now = self.now()
        if abs(now - timestamp) > self.window:
            raise SandboxRequestError(
                constants.SIGNATURE_EXPIRED,
                "SIGNATURE_EXPIRED: UTCTimestamp {0} is {1:.0f} s away from the server time "
                "(window {2} s)".format(timestamp, timestamp - now, self.window), http_status)
        if not signature.verify_signature(values, user["access_key"], domain, api_url, body,
                                          method):
            raise SandboxRequestError(
                constants.SIGNATURE_INVALID,
                "SIGNATURE_INVALID: the signature does not match the request", http_status)
        if self.replay_check:
            self._check_replay(values, timestamp, now, http_status)
        return user

    def _check_replay(self, values, timestamp, now, http_status):
        # The nonce has only 900000 values, so distinct requests reuse nonces at high rates;
        # a replay is the same signed request again (the signature covers nonce, timestamp,
        # path and body).
        key = (values["accessId"], values["nonce"], timestamp, values["signature"])
        with self._seen_lock:
            if now - self._last_prune > 5:
                horizon = now - self.window - 1
                self._seen = dict((seen, stamp) for seen, stamp in self._seen.items()
                                  if stamp >= horizon)
                self._last_prune = now
            if key in self._seen:
                raise SandboxRequestError(
                    constants.SIGNATURE_INVALID,
                    "SIGNATURE_INVALID: nonce {0} was already used by an identical request "
                    "(replay)".format(values["nonce"]), http_status)
            self._seen[key] = timestamp
