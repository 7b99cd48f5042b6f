"""Fault injection: latency, HTTP error bursts, connection resets, clock skew, failing frames.

One :class:`Faults` object per farm, switchable while the farm runs (tests flip it between
calls). ``set`` replaces the whole configuration; ``clear`` switches every fault off.
"""

import threading

_RETRYABLE_STATUSES = (429, 500, 502, 503, 504)


class Faults(object):
    """Thread-safe fault configuration of a running farm, with counters of what fired.

    Attributes:
        counters (dict): ``errors`` (error answers sent), ``resets`` (connections reset),
            ``failed_frames`` (frames failed on purpose).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self.counters = {"errors": 0, "resets": 0, "failed_frames": 0}
        self.clear()

    def set(self, latency=0.0, error_burst=None, reset_after_bytes=None, clock_skew=0,
            failing_frames=None):
        """Replace the fault configuration (arguments left out are switched off).

        Args:
            latency (float): Seconds added before every answer.
            error_burst (tuple): ``(http_status, count)``: the next ``count`` requests (API
                and storage) answer that HTTP status (429 or 5xx) with an error envelope.
            reset_after_bytes (int): Every storage transfer (upload body or download body)
                longer than this is cut by a TCP reset after that many bytes; bytes received
                before the reset are kept, so a resuming client makes progress.
            clock_skew (float): Seconds added to the farm's clock (signature window,
                ``serverTime``).
            failing_frames (iterable): Frame numbers (int or str, e.g. ``[3, "7"]``) that
                fail whenever they are rendered, or ``"all"``.

        Raises:
            ValueError: A value is out of range; the message names it.
        """
        latency = float(latency or 0.0)
        if latency < 0:
            raise ValueError("latency must be >= 0, got {0!r}".format(latency))
        burst = None
        if error_burst is not None:
            try:
                status, count = error_burst
                status, count = int(status), int(count)
            except (TypeError, ValueError):
                raise ValueError("error_burst must be (http_status, count), got {0!r}".format(
                    error_burst))
            if status not in _RETRYABLE_STATUSES and not 500 <= status < 600:
                raise ValueError("error_burst status must be 429 or 5xx, got {0}".format(status))
            if count < 0:
                raise ValueError("error_burst count must be >= 0, got {0}".format(count))
            burst = [status, count]
        if reset_after_bytes is not None:
            reset_after_bytes = int(reset_after_bytes)
            if reset_after_bytes < 1:
                raise ValueError("reset_after_bytes must be >= 1, got {0}".format(
                    reset_after_bytes))
        frames = None
        if failing_frames is not None:
            if failing_frames == "all":
                frames = "all"
            else:
                frames = frozenset(str(int(frame)) for frame in failing_frames)
        with self._lock:
            self.latency = latency
            self._burst = burst
            self.reset_after_bytes = reset_after_bytes
            self.clock_skew = float(clock_skew or 0)
            self.failing_frames = frames

    def clear(self):
        """Switch every fault off (counters are kept)."""
        self.set()

    @property
    def error_burst(self):
        """``(http_status, remaining)`` of the current burst, or None."""
        with self._lock:
            return tuple(self._burst) if self._burst and self._burst[1] > 0 else None

    def take_error(self):
        """Consume one error of the burst: the HTTP status to answer, or None."""
        with self._lock:
            if not self._burst or self._burst[1] <= 0:
                return None
            self._burst[1] -= 1
            self.counters["errors"] += 1
            return self._burst[0]

    def frame_fails(self, frame_numbers):
        """True when any of ``frame_numbers`` is configured to fail."""
        frames = self.failing_frames
        if frames is None:
            return False
        if frames == "all":
            failing = True
        else:
            failing = any(str(number) in frames for number in frame_numbers)
        if failing:
            with self._lock:
                self.counters["failed_frames"] += 1
        return failing

    def count_reset(self):
        """Record one injected connection reset."""
        with self._lock:
            self.counters["resets"] += 1

    def __repr__(self):
        return ("Faults(latency={0!r}, error_burst={1!r}, reset_after_bytes={2!r}, "
                "clock_skew={3!r}, failing_frames={4!r})").format(
                    self.latency, self.error_burst, self.reset_after_bytes, self.clock_skew,
                    self.failing_frames)
