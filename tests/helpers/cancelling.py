"""Cancelling an operation from another thread, and checking what is left afterwards."""

import threading
import time

# The documented contract: an operation stops within this many seconds of the cancel.
CANCEL_BOUND = 1.0


class Canceller(object):
    """Cancels ``token`` from its own thread once ``ready()`` is true, ``delay`` later.

    Args:
        token (CancelToken): The token to cancel.
        ready (callable): Polled until true (default: at once).
        delay (float): Seconds between ``ready`` and the cancel (the operation is then
            well inside its work, not at its start).
        reason (str): Given to ``cancel``.

    Attributes:
        cancelled_at (float): ``time.monotonic()`` of the cancel, or None.
    """

    def __init__(self, token, ready=None, delay=0.3, reason="cancelled by the test"):
        self.token = token
        self.ready = ready or (lambda: True)
        self.delay = delay
        self.reason = reason
        self.cancelled_at = None
        self._thread = threading.Thread(target=self._run)
        self._thread.daemon = True
        self._thread.start()

    def _run(self):
        deadline = time.monotonic() + 120
        while not self.ready() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(self.delay)
        self.cancelled_at = time.monotonic()
        self.token.cancel(self.reason)

    def seconds_to(self, moment):
        """Seconds from the cancel to ``moment`` (a ``time.monotonic()`` value)."""
        self._thread.join(5)
        assert self.cancelled_at is not None, "the operation ended before it was cancelled"
        return moment - self.cancelled_at


def pid_alive(pid):
    """True while ``pid`` runs (Linux; a zombie waiting for its parent counts as gone)."""
    try:
        with open("/proc/{0}/stat".format(pid)) as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_gone(pids, timeout=CANCEL_BOUND):
    """The pids still alive after up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not any(pid_alive(pid) for pid in pids):
            return []
        time.sleep(0.02)
    return [pid for pid in pids if pid_alive(pid)]
