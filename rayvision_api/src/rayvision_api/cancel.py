"""Cancelling a long SDK operation from another thread (docs/embedding.md, "Cancelling").

A :class:`CancelToken` is handed to an analysis, an upload, a download or a wait loop as
``cancel_token=``; any thread (a render manager's cancel hook, a signal handler, a GUI's
*Cancel* button) calls :meth:`CancelToken.cancel`, and the operation raises
:class:`~rayvision_api.exception.RayvisionCancelledError` within a second: transfers look
at the token between blocks, polling loops sleep with :meth:`CancelToken.wait`, a DCC run
for the analysis is killed with its process tree.

>>> token = CancelToken()
>>> token.cancel("user pressed Cancel")
>>> token.cancelled
True
"""

import threading
import time
import weakref
from typing import MutableSet, Optional

from rayvision_api.exception import RayvisionCancelledError


class CancelToken(object):
    """A thread-safe, one-way cancel signal.

    Once cancelled, a token stays cancelled; use a new token for the next operation.

    Args:
        parent (CancelToken, optional): A token whose cancellation also cancels this one
            (an operation's own token, linked to the caller's).

    Attributes:
        reason (str): What the canceller said, or None.
    """

    def __init__(self, parent: Optional["CancelToken"] = None) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._children: MutableSet[CancelToken] = weakref.WeakSet()
        self.reason: Optional[str] = None
        if parent is not None:
            parent._adopt(self)

    def __repr__(self) -> str:
        state = "cancelled ({0})".format(self.reason) if self.cancelled else "active"
        return "CancelToken({0})".format(state)

    def _adopt(self, child: "CancelToken") -> None:
        with self._lock:
            if not self._event.is_set():
                self._children.add(child)
                return
        child.cancel(self.reason)

    def cancel(self, reason: Optional[str] = None) -> None:
        """Ask the operations watching this token to stop (idempotent, from any thread).

        Args:
            reason (str, optional): Why, for the error message (the first reason is kept).
        """
        with self._lock:
            if self._event.is_set():
                return
            self.reason = reason
            self._event.set()
            children = list(self._children)
            self._children.clear()
        for child in children:
            child.cancel(reason)

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._event.is_set()

    def raise_if_cancelled(self, what: Optional[str] = None) -> None:
        """Raise when cancelled.

        Args:
            what (str, optional): The operation, named in the error (``"upload of a.exr"``).

        Raises:
            RayvisionCancelledError: The token was cancelled.
        """
        if self._event.is_set():
            raise RayvisionCancelledError(what or "the operation", self.reason)

    def wait(self, seconds: Optional[float]) -> bool:
        """Sleep ``seconds``, returning early when the token is cancelled.

        Args:
            seconds (float): Longest wait; None waits until cancelled.

        Returns:
            bool: True when the token is cancelled (the wait was cut short or not needed).
        """
        if seconds is not None and seconds <= 0:
            return self._event.is_set()
        return self._event.wait(seconds)


def check(token: Optional[CancelToken], what: Optional[str] = None) -> None:
    """:meth:`CancelToken.raise_if_cancelled` of ``token``; nothing when ``token`` is None."""
    if token is not None:
        token.raise_if_cancelled(what)


def pause(token: Optional[CancelToken], seconds: float, what: Optional[str] = None) -> None:
    """Sleep ``seconds`` (``time.sleep`` without a token), raising as soon as it is cancelled.

    Raises:
        RayvisionCancelledError: ``token`` was cancelled before or during the wait.
    """
    if token is None:
        time.sleep(max(0.0, seconds))
        return
    if token.wait(seconds):
        token.raise_if_cancelled(what)
