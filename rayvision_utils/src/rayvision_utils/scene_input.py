"""Bounded reading of scene and dependency files.

Every reader of a file a user hands us (a scene, a ``.usda`` layer, an OCIO config...) goes
through :func:`open_scene`, so that whatever the file is, the analysis ends in bounded time and
memory or with a typed error naming the file:

* devices, FIFOs, sockets and folders (and symlinks to them) are refused before anything is
  read: ``/dev/zero`` would be read forever, a FIFO would block the open;
* the open itself cannot block (``O_NONBLOCK``) and the opened file is checked again
  (``fstat``), so a file swapped between the check and the open is refused too;
* ``PermissionError`` and other ``OSError`` become :class:`SceneInputError`;
* lines are read with a maximum length (:meth:`SceneStream.iter_lines`), so one huge line
  cannot be loaded whole;
* gzip files are decompressed as a stream with a cap on the decompressed size;
* the md5 of the file on disk (compressed bytes for gzip) is computed while it is read, so a
  scan and its hash cost one pass (:meth:`SceneStream.hexdigest`); a big file is hashed on a
  helper thread, in parallel with the scan, when a processor core is free.

Example::

    with open_scene(path, hash_name="md5") as scene:
        for line in scene.iter_lines():
            ...
        md5 = scene.hexdigest()   # reads what the scan left unread, then hashes it all

:meth:`SceneStream.digest_later` hands the digest out as a :class:`PendingDigest` instead, so
that an analysis goes on resolving files and writing its json files while a helper thread
finishes hashing a big scene; it waits only where it writes the digest.
"""

import gzip
import hashlib
import io
import os
import stat
import threading
import time
import zlib
from typing import Any, Iterable, Iterator, List, Optional, Tuple, Union

from rayvision_utils.exception.exception import AnalyseFailError

#: Longest line :meth:`SceneStream.iter_lines` yields whole (bytes).
DEFAULT_MAX_LINE = 16 * 1024 * 1024
#: Largest decompressed size of a gzip file (bytes).
DEFAULT_MAX_DECOMPRESSED = 2 * 1024 ** 3
#: Size of the reads from disk (and of the hash updates). Small enough for the pieces a line
#: loop works on to stay in the processor's cache (measured: 64 KiB beats 1 MiB by a third).
CHUNK_SIZE = 64 * 1024

GZIP_MAGIC = b"\x1f\x8b"
#: Files from this size on are hashed on a helper thread, in parallel with the caller's scan,
#: when a core is free (:func:`free_core`).
THREADED_HASH_SIZE = 8 * 1024 * 1024
#: Bytes the helper thread reads and hashes at a time. Large, so that it takes the GIL a few
#: times per file only (reads and hashlib release it): a helper fed small pieces by the
#: scanning thread was measured slower than no helper on a busy machine.
HASH_BLOCK_SIZE = 8 * 1024 * 1024

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_BINARY", 0))

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


class SceneInputError(AnalyseFailError):
    """A scene or dependency file cannot be read.

    Missing, unreadable, not a regular file, damaged, or beyond a reading limit. It is an
    ``AnalyseFailError`` (an ``AnalyzeError``), like the other analysis failures.

    Attributes:
        path (str): The file.
        reason (str): What is wrong, in plain English.
    """

    def __init__(self, path: str, reason: str) -> None:
        super(SceneInputError, self).__init__("{0}: {1}".format(path, reason))
        self.path = path
        self.reason = reason

    def __reduce__(self) -> Any:
        return (self.__class__, (self.path, self.reason))


class NotRegularFileError(SceneInputError):
    """The path names a folder, device, FIFO or socket (directly or through a symlink)."""


class SceneLimitError(SceneInputError):
    """A reading limit was reached.

    A line longer than allowed, a gzip file that decompresses to more than allowed, or more
    bytes than the caller allows.
    """


def file_kind(mode: int) -> Optional[str]:
    """Plain-English kind of a non-regular file mode (``"a FIFO (named pipe)"``), or None."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "not a regular file"


def check_regular_file(path: str) -> os.stat_result:
    """Stat ``path`` (following symlinks) and refuse anything but a regular file.

    Returns:
        os.stat_result: The file's status.

    Raises:
        SceneInputError: The path does not exist or cannot be examined.
        NotRegularFileError: It is a folder, device, FIFO or socket.
    """
    try:
        status = os.stat(path)
    except (OSError, ValueError) as error:
        raise SceneInputError(path, _os_reason(error))
    _refuse_special(path, status.st_mode)
    return status


def _refuse_special(path: Any, mode: Any) -> None:
    kind = file_kind(mode)
    if kind is not None:
        raise NotRegularFileError(path, "is {0}, not a file; refusing to read it".format(kind))


def _os_reason(error: Any) -> Any:
    if isinstance(error, PermissionError):
        return "permission denied (cannot read the file)"
    if isinstance(error, FileNotFoundError):
        return "the file does not exist"
    if isinstance(error, ValueError):  # embedded NUL byte and the like
        return "not a usable path ({0})".format(error)
    return error.strerror or str(error)


def open_regular_file(path: str) -> io.FileIO:
    """Open ``path`` for binary reading if, and only if, it is a regular file.

    The open does not block (``O_NONBLOCK``) and the opened descriptor is checked again, so a
    path swapped for a FIFO or device after :func:`check_regular_file` is still refused.

    Returns:
        io.FileIO: An unbuffered binary file (the caller closes it).

    Raises:
        SceneInputError, NotRegularFileError: As :func:`check_regular_file`.
    """
    check_regular_file(path)
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError) as error:
        raise SceneInputError(path, _os_reason(error))
    try:
        _refuse_special(path, os.fstat(descriptor).st_mode)
        return io.FileIO(descriptor, "rb", closefd=True)
    except BaseException:
        os.close(descriptor)
        raise


def free_core() -> bool:
    """Whether a processor core is likely idle (for a helper thread).

    True when this process may run on two or more cores and what other processes keep
    busy leaves a core for the helper beside the caller's own thread. A helper thread pays
    only then: on a machine whose cores are all busy it competes with the scan for the same
    processor time and was measured to slow the analysis down.

    The load average of the last minute counts this process too: a pipeline analysing scene
    after scene (or a benchmark) would otherwise read its own work as another process's and
    never use the free core. So the cores this process kept busy since the previous call
    (its processor time over the time elapsed) are taken out of the load first.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return False
    others = max(0.0, load - _OWN_USE.cores_busy())
    # The caller's thread takes one core and the helper another; load averages are coarse,
    # so up to half a core of other work counts as none.
    return cores >= 2 and others - 0.5 + 2 <= cores


class _OwnProcessorUse(object):
    """Cores this process kept busy between two calls (processor time / wall time)."""

    def __init__(self) -> None:
        self._last: Optional[Tuple[float, float]] = None

    def cores_busy(self) -> float:
        now, used = time.monotonic(), time.process_time()
        last, self._last = self._last, (now, used)
        if last is None or now <= last[0]:
            return 0.0
        return max(0.0, (used - last[1]) / (now - last[0]))


_OWN_USE = _OwnProcessorUse()


class _HashingRaw(io.RawIOBase):
    """A raw reader that feeds every byte it passes on to a hash."""

    def __init__(self, raw: Any, digest: Any) -> None:
        super(_HashingRaw, self).__init__()
        self._raw = raw
        self._digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> Any:
        count = self._raw.readinto(buffer)
        if count:
            self._digest.update(memoryview(buffer)[:count])
        return count

    def hexdigest(self) -> Any:
        """Digest of every byte read so far."""
        return self._digest.hexdigest()

    def close(self) -> None:
        self._raw.close()
        super(_HashingRaw, self).close()


class _HashingThread(object):
    """Hash an open file on a helper thread, in parallel with the caller's scan of it.

    The helper reads the file on its own descriptor with positional reads (``os.pread``: the
    caller's file position is untouched) in blocks of :data:`HASH_BLOCK_SIZE`; reads and
    hashlib release the GIL, so on a machine with a free core the hash costs no wall time,
    and the helper and the scan share nothing but the GIL, taken a few times per file.
    """

    def __init__(self, path: str, descriptor: int, digest: Any) -> None:
        self._path = path
        self._digest = digest
        self._descriptor = os.dup(descriptor)
        self._stop = False
        self._error: Optional[OSError] = None
        self._thread = threading.Thread(target=self._run, name="scene-hash")
        self._thread.daemon = True
        self._thread.start()

    def _run(self) -> None:
        offset = 0
        try:
            while not self._stop:
                data = os.pread(self._descriptor, HASH_BLOCK_SIZE, offset)
                if not data:
                    return
                self._digest.update(data)
                offset += len(data)
        except OSError as error:
            self._error = error
        finally:
            os.close(self._descriptor)

    def hexdigest(self) -> str:
        """Digest of the whole file (waits for the helper).

        Raises:
            SceneInputError: The helper could not read the file.
        """
        self._thread.join()
        if self._error is not None:
            raise SceneInputError(self._path, _os_reason(self._error))
        return self._digest.hexdigest()

    def close(self) -> None:
        """Stop the helper (after the block it is on) and wait for it."""
        self._stop = True
        self._thread.join()


class PendingDigest(object):
    """A file's hex digest, possibly still being computed on a helper thread.

    Args:
        value (str, optional): The digest, when it is already known.
        thread (_HashingThread, optional): The helper computing it.
    """

    def __init__(self, value: Optional[str] = None, thread: Any = None) -> None:
        self._value = value
        self._thread = thread

    def result(self) -> Optional[str]:
        """The hex digest (waits for the helper thread the first time).

        Raises:
            SceneInputError: The helper could not read the file.
        """
        thread, self._thread = self._thread, None
        if thread is not None:
            self._value = thread.hexdigest()
        return self._value

    def cancel(self) -> None:
        """Stop a helper thread still hashing (the digest is then unknown: None)."""
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.close()


class SceneStream(object):
    """A scene or dependency file opened by :func:`open_scene`. Use it as a context manager.

    Attributes:
        path (str): The file.
        size (int): Its size on disk.
        compressed (bool): It is gzip-compressed and is read decompressed.
        max_line (int): Longest line yielded whole by :meth:`iter_lines`.
        max_decompressed (int): Cap of the decompressed size (gzip only).
        truncated_lines (int): Lines :meth:`iter_lines` cut at ``max_line``
            (``overflow="truncate"``).
        line_number (int): Lines read so far by :meth:`iter_lines` (counted per block).
    """

    def __init__(self, path: Any, raw: Any, size: Any, hash_name: Any = None,
                 decompress: Union[str, bool] = "auto", max_line: Any = DEFAULT_MAX_LINE,
                 max_decompressed: Any = DEFAULT_MAX_DECOMPRESSED) -> None:
        self.path = path
        self.size = size
        self.max_line = int(max_line)
        self.max_decompressed = int(max_decompressed)
        self.truncated_lines = 0
        self.line_number = 0
        self._digest = hashlib.new(hash_name) if hash_name else None
        self._hashing = raw
        self._hash_thread = None
        if self._digest is not None:
            if size >= THREADED_HASH_SIZE and hasattr(os, "pread") and free_core():
                self._hash_thread = _HashingThread(path, raw.fileno(), self._digest)
            else:
                self._hashing = _HashingRaw(raw, self._digest)
        self._disk = io.BufferedReader(self._hashing, CHUNK_SIZE)
        self._gzip = None
        self._decompressed = 0
        if decompress == "auto":
            decompress = self._call(self._disk.peek, 2)[:2] == GZIP_MAGIC
        self.compressed = bool(decompress)
        if self.compressed:
            self._gzip = gzip.GzipFile(fileobj=self._disk, mode="rb")

    # ------------------------------------------------------------ plumbing

    def _call(self, function: Any, *args: Any) -> Any:
        """Run a read, turning the errors of the layers below into SceneInputError."""
        try:
            return function(*args)
        except SceneInputError:
            raise
        except PermissionError as error:
            raise SceneInputError(self.path, _os_reason(error))
        except (EOFError, zlib.error) as error:
            raise SceneInputError(self.path, "damaged gzip data ({0})".format(error))
        except OSError as error:
            if self.compressed:
                raise SceneInputError(self.path, "damaged gzip data ({0})".format(error))
            raise SceneInputError(self.path, _os_reason(error))

    def read(self, size: int = CHUNK_SIZE) -> bytes:
        """Up to ``size`` bytes (decompressed for gzip); ``b""`` at the end.

        Raises:
            SceneInputError: Read error or damaged gzip data.
            SceneLimitError: The decompressed size passed ``max_decompressed``.
        """
        if size is None or size < 0:
            raise ValueError("read() needs a size: whole-file reads are not bounded")
        if self._gzip is None:
            return self._call(self._disk.read, size)
        data = self._call(self._gzip.read, size)
        self._decompressed += len(data)
        if self._decompressed > self.max_decompressed:
            raise SceneLimitError(self.path, "decompresses to more than {0} bytes".format(
                self.max_decompressed))
        return data

    def readline(self) -> bytes:
        """One line, at most ``max_line + 1`` bytes (a longer line comes back in pieces).

        For probes that look at the first lines (a version header) before a full scan.
        """
        if self._gzip is None:
            return self._call(self._disk.readline, self.max_line + 1)
        line = self._call(self._gzip.readline, self.max_line + 1)
        self._decompressed += len(line)
        if self._decompressed > self.max_decompressed:
            raise SceneLimitError(self.path, "decompresses to more than {0} bytes".format(
                self.max_decompressed))
        return line

    def read_capped(self, limit: int) -> bytes:
        """The rest of the file as bytes, refused when longer than ``limit`` bytes.

        Raises:
            SceneLimitError: More than ``limit`` bytes are left.
        """
        pieces: List[Any] = []
        total = 0
        while True:
            data = self.read(min(CHUNK_SIZE, limit + 1 - total))
            if not data:
                return b"".join(pieces)
            pieces.append(data)
            total += len(data)
            if total > limit:
                raise SceneLimitError(self.path, "is larger than {0} bytes".format(limit))

    def head(self, size: int) -> bytes:
        """The first ``size`` bytes (decompressed for gzip) without consuming them.

        Only valid before the first read.
        """
        if self._gzip is None:
            return self._call(self._disk.peek, size)[:size]
        raise ValueError("head() is not available on gzip streams; read() instead")

    def iter_chunks(self, size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """Yield the content in pieces of at most ``size`` bytes."""
        while True:
            data = self.read(size)
            if not data:
                return
            yield data

    def iter_lines(self, overflow: str = "error") -> Iterator[bytes]:
        """Yield the lines, never holding more than ``max_line`` bytes of one line.

        Lines are bytes ending with a newline (except maybe the last), exactly as when
        iterating over a binary file. For the fastest loops use :meth:`iter_line_blocks`.

        Args:
            overflow (str): What to do with a line longer than ``max_line``:
                ``"error"`` raises :class:`SceneLimitError`; ``"truncate"`` yields its first
                ``max_line`` bytes (without newline), skips the rest and counts it in
                ``truncated_lines``.

        Raises:
            SceneLimitError: A line is too long (``overflow="error"``), or gzip cap reached.
            SceneInputError: Read error.
        """
        for block in self.iter_line_blocks(overflow):
            yield from block

    def iter_line_blocks(self, overflow: str = "error") -> Iterator[Iterable[bytes]]:
        """Yield the lines in blocks: iterables of whole lines, about one per chunk read.

        ``for block in scene.iter_line_blocks(): for line in block: ...`` costs the same per
        line as a plain ``for line in file`` loop (no generator step per line). The lines are
        those of :meth:`iter_lines`; ``line_number`` counts the lines of the blocks yielded.

        Args:
            overflow (str): As for :meth:`iter_lines`.
        """
        if overflow not in ("error", "truncate"):
            raise ValueError(
                "overflow must be 'error' or 'truncate', not {0!r}".format(overflow))
        max_line = self.max_line
        pending = []        # pieces of the current, unfinished line
        pending_size = 0
        skipping = False    # inside the rest of a truncated line
        while True:
            chunk = self.read(CHUNK_SIZE)
            if not chunk:
                break
            cut = chunk.rfind(b"\n")
            if cut < 0:
                if skipping:
                    continue
                pending.append(chunk)
                pending_size += len(chunk)
                if pending_size > max_line:
                    line = self._overflow(b"".join(pending), overflow)
                    self.line_number += 1
                    yield (line,)
                    pending, pending_size, skipping = [], 0, True
                continue
            head, tail = chunk[:cut + 1], chunk[cut + 1:]
            if skipping:
                head = head[head.find(b"\n") + 1:]
                skipping = False
            elif pending:
                first = head.find(b"\n") + 1
                line = b"".join(pending) + head[:first]
                pending, pending_size = [], 0
                head = head[first:]
                if len(line) > max_line + 1:
                    line = self._overflow(line, overflow)
                self.line_number += 1
                yield (line,)
            if len(head) > max_line + 1:
                # Only a block longer than the limit can hold a line longer than it.
                checked = []
                for line in io.BytesIO(head):
                    if len(line) > max_line + 1:
                        line = self._overflow(line, overflow)
                    self.line_number += 1
                    checked.append(line)
                yield checked
            elif head:
                self.line_number += head.count(b"\n")
                yield io.BytesIO(head)
            if tail:
                pending.append(tail)
                pending_size = len(tail)
        if pending and not skipping:
            line = b"".join(pending)
            if len(line) > max_line:
                line = self._overflow(line, overflow)
            self.line_number += 1
            yield (line,)

    def _overflow(self, line: Any, overflow: Any) -> Any:
        if overflow == "error":
            raise SceneLimitError(self.path, "line {0} is longer than {1} bytes".format(
                self.line_number + 1, self.max_line))
        self.truncated_lines += 1
        return line[:self.max_line]

    def hexdigest(self) -> Any:
        """Hex digest of the whole file on disk (the ``hash_name`` given to :func:`open_scene`).

        Reads, without keeping, whatever the caller left unread, so the digest is always that
        of the complete file.
        """
        if self._digest is None:
            raise ValueError("open_scene() was called without hash_name")
        if self._hash_thread is not None:
            return self._hash_thread.hexdigest()
        while self._call(self._disk.read, CHUNK_SIZE):
            pass
        return self._hashing.hexdigest()

    def digest_later(self) -> PendingDigest:
        """:meth:`hexdigest` as a :class:`PendingDigest`, without waiting for a helper thread.

        The helper reads the file through a descriptor of its own, so it goes on hashing after
        the stream is closed; the caller waits only when it asks for
        :meth:`PendingDigest.result` (and stops it with :meth:`PendingDigest.cancel`).
        """
        thread = self._hash_thread
        if thread is None:
            return PendingDigest(self.hexdigest())
        self._hash_thread = None
        return PendingDigest(thread=thread)

    def close(self) -> None:
        """Close the file (and the gzip stream over it)."""
        if self._hash_thread is not None:
            self._hash_thread.close()
        if self._gzip is not None:
            self._gzip.close()
        self._disk.close()

    def __enter__(self) -> "SceneStream":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        return self.iter_lines()


def open_scene(path: str, hash_name: Optional[str] = None, decompress: Union[str, bool] = "auto",
               max_line: int = DEFAULT_MAX_LINE,
               max_decompressed: int = DEFAULT_MAX_DECOMPRESSED) -> "SceneStream":
    """Open a scene or dependency file for bounded streaming.

    Args:
        path (str): The file.
        hash_name (str, optional): A :mod:`hashlib` name (``"md5"``): hash the bytes on disk
            while they are read; :meth:`SceneStream.hexdigest` gives the digest.
        decompress (str or bool): ``"auto"`` decompresses when the file starts with the gzip
            magic; ``True`` always, ``False`` never.
        max_line (int): Longest line :meth:`SceneStream.iter_lines` yields whole.
        max_decompressed (int): Largest decompressed size of a gzip file.

    Returns:
        SceneStream: The open file; close it (or use ``with``).

    Raises:
        SceneInputError: Missing, unreadable (permissions, I/O error), damaged gzip header.
        NotRegularFileError: A folder, device, FIFO or socket, or a symlink to one.
    """
    raw = open_regular_file(path)
    try:
        size = os.fstat(raw.fileno()).st_size
        return SceneStream(path, raw, size, hash_name, decompress, max_line, max_decompressed)
    except BaseException:
        raw.close()
        raise


def file_hexdigest(path: str, hash_name: str = "md5") -> Optional[str]:
    """Hex digest of a regular file, read in chunks (devices and FIFOs refused).

    Raises:
        SceneInputError, NotRegularFileError: As :func:`open_scene`.
    """
    with open_scene(path, hash_name=hash_name, decompress=False) as scene:
        return scene.hexdigest()


__all__ = [
    "CHUNK_SIZE",
    "DEFAULT_MAX_DECOMPRESSED",
    "DEFAULT_MAX_LINE",
    "GZIP_MAGIC",
    "NotRegularFileError",
    "SceneInputError",
    "SceneLimitError",
    "SceneStream",
    "THREADED_HASH_SIZE",
    "free_core",
    "check_regular_file",
    "file_hexdigest",
    "file_kind",
    "open_regular_file",
    "open_scene",
]
