"""A rate limiter shared by every worker of a transfer (``max_speed``, in KB/s)."""

import math
import threading
import time
from typing import Any, Optional, Union

from rayvision_api.cancel import CancelToken, check, pause
from rayvision_sync.constants import DEFAULT_MAX_SPEED
from rayvision_sync.exception import OptionValueError


def parse_max_speed(max_speed: Optional[Union[int, str]]) -> Optional[float]:
    """Bytes per second for a ``max_speed`` in KB/s (str or int); None or 0 means unlimited.

    Raises:
        OptionValueError: Not a finite, non-negative number (a ``RayvisionArgumentError``).
    """
    if max_speed is None or max_speed == "":
        return None
    try:
        kbps = float(str(max_speed).strip())
    except ValueError:
        raise OptionValueError("max_speed must be a number of KB/s, not {0!r}".format(
            max_speed))
    if kbps < 0:
        raise OptionValueError("max_speed must not be negative: {0!r}".format(max_speed))
    if not math.isfinite(kbps):
        # NaN compares false with everything and infinity paces nothing: both would
        # silently mean "unlimited". 0 is how to ask for that.
        raise OptionValueError("max_speed must be a finite number of KB/s (0 for no limit), "
                               "not {0!r}".format(max_speed))
    if kbps == 0:
        return None
    return kbps * 1024.0


class RateLimiter(object):
    """Paces byte pieces so that their total rate stays under ``rate`` bytes/s.

    Each caller books its piece on a shared virtual clock and sleeps until the piece's slot,
    so many threads together never exceed the limit. Every block of a transfer passes
    through :meth:`consume`, which is where the job's stop signal is looked at.

    Args:
        rate (float): Bytes per second; None or 0 for no limit.
        stop (CancelToken, optional): The job's stop signal; :meth:`consume` raises once it
            is cancelled, and its waits end early.
    """

    def __init__(self, rate: Optional[float], stop: Optional[CancelToken] = None) -> None:
        self.rate = rate
        self.stop = stop
        self._lock = threading.Lock()
        self._next = 0.0

    @property
    def piece_size(self) -> Any:
        """Piece size that keeps pacing smooth: ~1/10 s of traffic, 4 KiB to 1 MiB."""
        if not self.rate:
            return 1024 * 1024
        return int(max(4096, min(1024 * 1024, self.rate / 10.0)))

    def consume(self, nbytes: int) -> None:
        """Wait until ``nbytes`` may be sent.

        Raises:
            RayvisionCancelledError: The stop signal is cancelled (before or during the wait).
        """
        check(self.stop, "transfer")
        if not self.rate or nbytes <= 0:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + nbytes / self.rate
        if start > now:
            pause(self.stop, start - now, "transfer")


def limiter_for(max_speed: Optional[Union[int, str]],
                stop: Optional[CancelToken] = None) -> RateLimiter:
    """A :class:`RateLimiter` for ``max_speed`` KB/s, watching ``stop`` (a cancel token).

    None or ``""`` means the documented default, 1048576 KB/s (1 GB/s); 0 means unlimited.
    """
    if max_speed is None or max_speed == "":
        max_speed = DEFAULT_MAX_SPEED
    return RateLimiter(parse_max_speed(max_speed), stop)
