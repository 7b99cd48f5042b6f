"""Ctrl-C and SIGTERM cancel the running command through its cancel token.

The first signal cancels the token: an analysis kills its DCC, a transfer stops between
blocks, a wait or sync loop stops sleeping, and the command ends with exit code 130 and one
``interrupted`` line instead of a traceback. Work the token does not reach (one API
request waiting for the farm) is interrupted in the main thread when the command has not
ended :data:`FORCE_AFTER` seconds later, or at once on a second signal.
"""

import signal
import threading
from typing import Any, Dict, Optional

from rayvision_api.cancel import CancelToken

#: Seconds between the first signal and interrupting the main thread.
FORCE_AFTER = 3.0

_SIGNALS = ("SIGINT", "SIGTERM")


class Interrupts(object):
    """Signal handlers bound to one command's :class:`CancelToken` (a context manager).

    Outside the main thread (``rayvision_cli.main`` embedded in a host), signals are left
    alone and the token is only cancelled by whoever holds it.

    Args:
        token (CancelToken): The command's token.
        force_after (float): See :data:`FORCE_AFTER`.
    """

    def __init__(self, token: Optional[CancelToken] = None,
                 force_after: float = FORCE_AFTER) -> None:
        self.token = token or CancelToken()
        self.force_after = force_after
        self._previous: Dict[int, Any] = {}
        self._finished = threading.Event()
        self._main = threading.main_thread().ident

    def __enter__(self) -> "Interrupts":
        if threading.current_thread() is not threading.main_thread():
            return self
        for name in _SIGNALS:
            number = getattr(signal, name, None)
            # A signal the parent told us to ignore (nohup, a background job) stays ignored.
            if number is not None and signal.getsignal(number) is not signal.SIG_IGN:
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._finished.set()
        for number, previous in self._previous.items():
            signal.signal(number, previous)
        self._previous = {}

    def _handle(self, signum: int, frame: Any) -> None:
        if self.token.cancelled:
            raise KeyboardInterrupt()
        self.token.cancel("interrupted by {0}".format(_signal_name(signum)))
        watchdog = threading.Thread(target=self._force, name="rayvision-interrupt")
        watchdog.daemon = True
        watchdog.start()

    def _force(self) -> None:
        """Interrupt the main thread if the command outlives the grace period."""
        if self._finished.wait(self.force_after):
            return
        if hasattr(signal, "pthread_kill") and self._main is not None:
            # A real signal to the main thread ends a blocking socket read too.
            signal.pthread_kill(self._main, signal.SIGINT)
        else:  # Windows
            import _thread

            _thread.interrupt_main()


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return "signal {0}".format(signum)
