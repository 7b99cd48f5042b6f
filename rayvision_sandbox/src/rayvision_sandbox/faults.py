"""Fault injection: latency, errors, resets, clock skew, failing frames, lost answers, statuses.

Lost answers are per path: the farm acts, then the answer is dropped or comes too late.
Scripted statuses make ``queryTaskInfo`` answer a given sequence of status codes for a task
(codes the farm never reaches by rendering included), and count the answers, so a test can
tell how many times a loop polled.

One :class:`Faults` object per farm, switchable while the farm runs (tests flip it between
calls). ``set`` replaces the whole configuration; ``clear`` switches every fault off.
"""

import math
import threading

_RETRYABLE_STATUSES = (429, 500, 502, 503, 504)


class Faults(object):
    """Thread-safe fault configuration of a running farm, with counters of what fired.

    Attributes:
        counters (dict): ``errors`` (error answers sent), ``resets`` (connections reset),
            ``failed_frames`` (frames failed on purpose).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counters = {"errors": 0, "resets": 0, "failed_frames": 0, "dropped_answers": 0,
                         "late_answers": 0}
        self.clear()

    def set(self, latency=0.0, error_burst=None, reset_after_bytes=None, clock_skew=0,
            failing_frames=None, drop_answer=None, late_answer=None, task_statuses=None):
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
            failing_frames (iterable): Frame numbers (int or str, e.g. ``[3, "7"]``, one
                number, or text ``"3,7"``) that fail whenever they are rendered, or ``"all"``.
            drop_answer (dict or iterable): API paths whose request is performed, then the
                connection is reset instead of answering: ``{path: count}`` drops the next
                ``count`` answers of that path (None: every one); a list of paths drops
                every answer.
            late_answer (dict): ``{path: seconds}`` or ``{path: (seconds, count)}``: the
                request is performed, then the answer waits that long (longer than the
                client's timeout, in tests); for every request, or the next ``count``.
            task_statuses (dict): ``{task_id: [status code or None, ...]}``: each
                ``queryTaskInfo`` answer naming the task takes the next code of its list as
                ``taskStatus`` (the last one is kept for every later answer); None leaves the
                task out of that answer, as if the farm did not know it. The answers are
                counted by :meth:`status_polls`.

        Raises:
            ValueError: A value is out of range; the message names it.
        """
        latency = _finite(latency or 0.0, "latency")
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
        frames = _failing_frames(failing_frames)
        clock_skew = _finite(clock_skew or 0, "clock_skew")
        drops = _per_path(drop_answer, "drop_answer", _count)
        lates = _per_path(late_answer, "late_answer", _seconds)
        statuses = _task_statuses(task_statuses)
        with self._lock:
            self._statuses = statuses
            self._status_polls = dict.fromkeys(statuses, 0)
            self._drops = drops
            self.late_answer = lates
            self.latency = latency
            self._burst = burst
            self.reset_after_bytes = reset_after_bytes
            self.clock_skew = clock_skew
            self.failing_frames = frames

    def clear(self) -> None:
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

    @property
    def drop_answer(self):
        """``{path: remaining count or None}`` of the answers still to drop."""
        with self._lock:
            return dict((path, left) for path, left in self._drops.items()
                        if left is None or left > 0)

    def take_drop(self, path) -> bool:
        """True when the answer to this request on ``path`` must be dropped (consumes one)."""
        if not self._drops:
            return False
        with self._lock:
            if path not in self._drops:
                return False
            left = self._drops[path]
            if left is not None:
                if left <= 0:
                    return False
                self._drops[path] = left - 1
            self.counters["dropped_answers"] += 1
            return True

    def take_late(self, path):
        """Seconds to hold the answer to a request on ``path`` (0: answer at once)."""
        if not self.late_answer:
            return 0.0
        with self._lock:
            seconds, left = self.late_answer.get(path, (0.0, None))
            if not seconds or (left is not None and left <= 0):
                return 0.0
            if left is not None:
                self.late_answer[path] = (seconds, left - 1)
            self.counters["late_answers"] += 1
            return seconds

    def take_status(self, task_id):
        """``(scripted, code)`` for one answer about ``task_id`` (consumes one scripted code).

        ``scripted`` is False for a task without a script; ``code`` None means the task is
        left out of this answer.
        """
        task_id = int(task_id)
        with self._lock:
            codes = self._statuses.get(task_id)
            if codes is None:
                return False, None
            self._status_polls[task_id] += 1
            return True, codes.pop(0) if len(codes) > 1 else codes[0]

    def status_polls(self, task_id):
        """How many ``queryTaskInfo`` answers took a scripted status of ``task_id``."""
        with self._lock:
            return self._status_polls.get(int(task_id), 0)

    def as_dict(self):
        """The active configuration as keyword arguments of :meth:`set`."""
        with self._lock:
            frames = self.failing_frames
            return {"latency": self.latency,
                    "error_burst": tuple(self._burst) if self._burst and self._burst[1] > 0
                    else None,
                    "reset_after_bytes": self.reset_after_bytes,
                    "clock_skew": self.clock_skew,
                    "failing_frames": frames if frames in (None, "all") else sorted(frames),
                    "drop_answer": dict(self._drops) or None,
                    "late_answer": dict(self.late_answer) or None,
                    "task_statuses": dict((task_id, list(codes)) for task_id, codes
                                          in self._statuses.items()) or None}

    def count_reset(self) -> None:
        """Record one injected connection reset."""
        with self._lock:
            self.counters["resets"] += 1

    def __repr__(self) -> str:
        return "Faults({0})".format(", ".join(
            "{0}={1!r}".format(key, value) for key, value in sorted(self.as_dict().items())))


def _finite(value, name):
    """``value`` as a float; NaN and infinity refused (the farm sleeps and dates with it)."""
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("{0} must be a finite number of seconds, got {1!r}".format(
            name, value))
    return number


def _failing_frames(value):
    """None, ``"all"`` or a frozenset of frame numbers as text.

    Takes a list, one number, or text such as ``"3,7"`` (what the CLI and the monitor's form
    are given); text is never read character by character ("37" is frame 37).
    """
    if value is None or value == "all":
        return value
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    try:
        return frozenset(str(int(frame)) for frame in value)
    except (TypeError, ValueError):
        raise ValueError("failing_frames must be frame numbers such as [3, 7] or '3,7', or "
                         "'all', got {0!r}".format(value))


def _count(value, name):
    if value is None:
        return None
    count = int(value)
    if count < 0:
        raise ValueError("{0} count must be >= 0 or None, got {1}".format(name, value))
    return count


def _seconds(value, name):
    """``(seconds, count or None)`` from ``seconds`` or ``(seconds, count)``."""
    count = None
    if isinstance(value, (tuple, list)):
        value, count = value
        count = _count(count, name)
    seconds = _finite(value, name)
    if seconds < 0:
        raise ValueError("{0} seconds must be >= 0, got {1!r}".format(name, value))
    return seconds, count


def _task_statuses(value):
    """``{int task id: [int or None, ...]}`` from the ``task_statuses`` argument."""
    result = {}
    for task_id, codes in (value or {}).items():
        try:
            key = int(task_id)
            codes = [None if code is None else int(code) for code in codes]
        except (TypeError, ValueError):
            raise ValueError("task_statuses must map task ids to lists of status codes or "
                             "None, got {0!r}: {1!r}".format(task_id, codes))
        if not codes:
            raise ValueError("task_statuses[{0}] must name at least one status".format(key))
        result[key] = codes
    return result


def _per_path(value, name, convert):
    """``{path: convert(value)}`` from a mapping, or from a list of paths (value None)."""
    if not value:
        return {}
    items = value.items() if hasattr(value, "items") else ((path, None) for path in value)
    result = {}
    for path, setting in items:
        if not isinstance(path, str) or not path.startswith("/"):
            raise ValueError("{0} keys must be URL paths such as '/api/render/task/submitTask', "
                             "got {1!r}".format(name, path))
        try:
            result[path] = convert(setting, name)
        except (TypeError, ValueError) as exc:
            raise ValueError("{0}[{1!r}]: {2}".format(name, path, exc))
    return result
