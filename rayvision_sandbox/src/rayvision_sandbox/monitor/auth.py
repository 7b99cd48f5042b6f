"""Who is looking at the monitor: sign-in sessions and one-time sign-in links.

A session is a random id in an HttpOnly, SameSite=Strict cookie, held in memory (signing in
again after a restart of the farm is expected); it carries its own CSRF token, which every
form and every POST of the pages must send back. One-time links are kept in the farm's
database as SHA-256 digests, so the command line can make one for a running farm, and each
works once.
"""

import hashlib
import hmac
import secrets
import threading
import time
from typing import Any, Dict

SESSION_LIFETIME = 12 * 3600
LINK_LIFETIME = 24 * 3600

_LINKS_TABLE = ("CREATE TABLE IF NOT EXISTS monitor_links (digest TEXT PRIMARY KEY, "
                "user_id INTEGER NOT NULL, expires REAL NOT NULL)")


def _digest(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_key(user, access_key):
    """True when ``access_key`` is the key of ``user`` (constant-time comparison)."""
    given = (access_key or "").strip().encode("utf-8")
    return user is not None and hmac.compare_digest(given, user["access_key"].encode("utf-8"))


class Sessions(object):
    """Signed-in browsers: session id -> user id, CSRF token, expiry.

    Args:
        lifetime (float): Seconds a session lives after its last use.
    """

    def __init__(self, lifetime=SESSION_LIFETIME) -> None:
        self.lifetime = lifetime
        self._lock = threading.Lock()
        self._sessions: Dict[Any, Any] = {}

    def create(self, user_id):
        """A new session of ``user_id``: ``(session_id, csrf_token)``."""
        session_id, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        with self._lock:
            now = time.time()
            self._sessions = dict((key, value) for key, value in self._sessions.items()
                                  if value["expires"] > now)
            self._sessions[session_id] = {"user_id": user_id, "csrf": csrf,
                                          "expires": now + self.lifetime}
        return session_id, csrf

    def get(self, session_id):
        """``{"user_id", "csrf"}`` of a live session, or None; using it extends it."""
        if not session_id:
            return None
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None or session["expires"] < time.time():
                self._sessions.pop(session_id, None)
                return None
            session["expires"] = time.time() + self.lifetime
            return {"user_id": session["user_id"], "csrf": session["csrf"]}

    def flash(self, session_id, message=None):
        """Keep ``message`` for the next page of the session, or take the kept one."""
        with self._lock:
            session = self._sessions.get(session_id)
            if session is None:
                return None
            if message is not None:
                session["flash"] = message
                return None
            return session.pop("flash", None)

    def drop(self, session_id) -> None:
        """Sign a session out."""
        with self._lock:
            self._sessions.pop(session_id, None)


class LoginLinks(object):
    """One-time sign-in tokens of a farm's users, stored as digests in its database.

    Args:
        store (rayvision_sandbox.store.Store): The farm's database.
    """

    def __init__(self, store) -> None:
        self.store = store
        self.store.execute(_LINKS_TABLE)

    def issue(self, user_id, lifetime=LINK_LIFETIME):
        """A new token that signs ``user_id`` in once within ``lifetime`` seconds."""
        token = secrets.token_urlsafe(32)
        now = time.time()
        with self.store.transaction() as store:
            store.execute("DELETE FROM monitor_links WHERE expires < ?", (now,))
            store.execute("INSERT INTO monitor_links (digest, user_id, expires) VALUES (?, ?, ?)",
                          (_digest(token), int(user_id), now + lifetime))
        return token

    def redeem(self, token):
        """The user id of a valid token, which is used up.

        Returns:
            int: The user id; None for an unknown, used or expired token.
        """
        if not token:
            return None
        digest = _digest(token)
        with self.store.transaction() as store:
            row = store.query_one("SELECT user_id, expires FROM monitor_links WHERE digest=?",
                                  (digest,))
            store.execute("DELETE FROM monitor_links WHERE digest=?", (digest,))
        if row is None or row["expires"] < time.time():
            return None
        return row["user_id"]
