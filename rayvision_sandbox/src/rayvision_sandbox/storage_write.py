"""Writing an upload's body to its partial file while hashing it (one pass over the bytes).

The body is read into reused buffers (no new bytes object per block). A large body is
hashed in a helper thread (``hashlib`` releases the GIL) while the receiving thread reads
and writes the next buffer, and its aligned blocks are written with ``O_DIRECT`` where the
file system supports it: the bytes go to the disk without first taking page-cache pages
that the storage never reads back while the upload is in progress. Writing a large upload
into fresh page-cache pages cost up to ten times more than writing it to the disk on a
virtual machine whose host reclaims free guest memory (docs/sync.md, "Speed"). Unaligned
pieces (a resume at any offset, the last bytes of a body) are written through the page
cache, so every offset and length works; where ``O_DIRECT`` is missing or refused, all of
it is.
"""

import errno
import mmap
import os
import queue
import threading

BLOCK = 1024 * 1024
# Buffers of a large body: a few MiB per disk write keep the disk busy between writes.
LARGE_BLOCK = 4 * BLOCK
# Bodies from this size on are hashed in a helper thread and written past the page cache.
LARGE_BODY = 4 * 1024 * 1024
# Receive buffers of one large body (hashed by the helper while the next one is filled).
BUFFERS = 4
# O_DIRECT needs the file offset, the length and the memory aligned to the device's
# logical block (512 or 4096 bytes); page-aligned buffers and 4 KiB offsets suit both.
ALIGN = 4096


def copy_hashing(stream, path, start, length, digest):
    """Write up to ``length`` bytes of ``stream`` into ``path`` from byte ``start``, hashing them.

    Args:
        stream: The body; ``readinto`` (or ``read``) gives fewer bytes at its end.
        path (str): The partial file (exists; holds ``start`` bytes).
        start (int): Where the bytes go.
        length (int): Bytes the body announces.
        digest: The running ``hashlib`` digest, updated in order.

    Returns:
        tuple: ``(digest, bytes copied)``; fewer than ``length`` when the stream ended.
    """
    large = length >= LARGE_BODY
    sink = _FileSink(path, start, direct=large)
    try:
        if large:
            received = _copy_pipelined(stream, sink, length, digest)
        else:
            received = _copy_inline(stream, sink, length, digest)
    finally:
        sink.close()
    return digest, received


def _copy_inline(stream, sink, length, digest):
    view = memoryview(bytearray(max(1, min(length, BLOCK))))
    received = 0
    while received < length:
        count = read_into(stream, view[:min(len(view), length - received)])
        if not count:
            break
        digest.update(view[:count])
        sink.write(view[:count])
        received += count
    return received


def _copy_pipelined(stream, sink, length, digest):
    """Receive into buffers while one helper thread hashes and another writes them."""
    pipeline = _Pipeline([digest.update, sink.write])
    received = 0
    try:
        while received < length:
            view = pipeline.buffer()
            count = read_into(stream, view[:sink.next_size(len(view), length - received)])
            if not count:
                pipeline.give_back(view)
                break
            sink.reserve(count)
            pipeline.feed(view, count)
            received += count
    finally:
        pipeline.finish()
    return received


def read_into(stream, view):
    """Fill ``view`` from ``stream`` with one read (fewer bytes near the end); bytes read."""
    readinto = getattr(stream, "readinto", None)
    if readinto is not None:
        return readinto(view) or 0
    block = stream.read(len(view))
    view[:len(block)] = block
    return len(block)


def _aligned_buffer(size):
    """A page-aligned writable memoryview of ``size`` bytes (anonymous memory)."""
    return memoryview(mmap.mmap(-1, size))


class _FileSink(object):
    """Writes consecutive blocks into a file from ``start``, aligned ones past the cache."""

    def __init__(self, path, start, direct):
        self.pos = self.reserved = start
        self.fd = os.open(path, os.O_WRONLY | getattr(os, "O_BINARY", 0))
        self.direct_fd = _open_direct(path) if direct else None

    def next_size(self, room, remaining):
        """Bytes to read next: up to ``room``, ending on an aligned offset when it can."""
        size = min(room, remaining)
        if self.direct_fd is None:
            return size
        if self.reserved % ALIGN:
            return min(size, ALIGN - self.reserved % ALIGN)
        # Whole aligned blocks first; an unaligned tail is read (and written) on its own.
        return size - size % ALIGN or size

    def reserve(self, count):
        """``count`` bytes were read for writing (the writer may write them later)."""
        self.reserved += count

    def write(self, view):
        if self.direct_fd is not None and not self.pos % ALIGN and not len(view) % ALIGN:
            try:
                _write_all(self.direct_fd, view, self.pos)
                self.pos += len(view)
                return
            except OSError as exc:
                if exc.errno != errno.EINVAL:
                    raise
                # The file system takes O_DIRECT at open but not these writes.
                os.close(self.direct_fd)
                self.direct_fd = None
        _write_all(self.fd, view, self.pos)
        self.pos += len(view)
        self.reserved = max(self.reserved, self.pos)

    def close(self):
        for fd in (self.direct_fd, self.fd):
            if fd is not None:
                os.close(fd)
        self.direct_fd = self.fd = None


def _open_direct(path):
    """A second descriptor of ``path`` with O_DIRECT, or None where it is not available."""
    flag = getattr(os, "O_DIRECT", 0)
    if not flag:
        return None
    try:
        return os.open(path, os.O_WRONLY | flag)
    except OSError:
        return None


def _write_all(fd, view, pos):
    os.lseek(fd, pos, os.SEEK_SET)
    while len(view):
        written = os.write(fd, view)
        view = view[written:]


class _Pipeline(object):
    """Buffers passed through helper threads (hashing, writing), each in order.

    The receiving thread fills a buffer; every stage gets it, and it is reused once the
    last stage is done with it, so ``BUFFERS`` buffers bound the memory held. The first
    error of a stage stops the feeding and is raised by :meth:`buffer` or :meth:`finish`.
    """

    def __init__(self, stages):
        self.free = queue.Queue()
        for _ in range(BUFFERS):
            self.free.put(_aligned_buffer(LARGE_BLOCK))
        self.error = None
        self.stages = [_Stage(work, self) for work in stages]

    def buffer(self):
        """An empty buffer (waits until every stage is done with one)."""
        view = self.free.get()
        if self.error is not None:
            raise self.error
        return view

    def give_back(self, view):
        """Return a buffer that was not filled."""
        self.free.put(view)

    def feed(self, view, count):
        """Pass the first ``count`` bytes of ``view`` to every stage."""
        item = _Filled(view, count, len(self.stages), self.free)
        for stage in self.stages:
            stage.items.put(item)

    def failed(self, exc):
        if self.error is None:
            self.error = exc

    def finish(self):
        """Wait until every stage has done every buffer; raise a stage's error."""
        for stage in self.stages:
            stage.items.put(None)
        for stage in self.stages:
            stage.thread.join()
        if self.error is not None:
            raise self.error


class _Filled(object):
    """One filled buffer on its way through the stages."""

    def __init__(self, view, count, users, free):
        self.data = view[:count]
        self.view = view
        self.users = users
        self.free = free
        self.lock = threading.Lock()

    def done(self):
        with self.lock:
            self.users -= 1
            last = self.users == 0
        if last:
            self.free.put(self.view)


class _Stage(object):
    """A helper thread doing one job on every buffer, in order."""

    def __init__(self, work, pipeline):
        self.work = work
        self.pipeline = pipeline
        self.items = queue.Queue()
        self.thread = threading.Thread(target=self._run, name="storage-upload")
        self.thread.daemon = True
        self.thread.start()

    def _run(self):
        while True:
            item = self.items.get()
            if item is None:
                return
            try:
                if self.pipeline.error is None:
                    self.work(item.data)
            except Exception as exc:  # raised in the receiving thread
                self.pipeline.failed(exc)
            finally:
                item.done()
