"""Whole-file writes that readers never see half done (temporary file, then rename)."""

import os
import uuid


def write_text_atomic(path: str, text: str, encoding: str = "utf-8", private: bool = False,
                      durable: bool = False) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename.

    Readers see the old file or the new one, never a part; a failed write leaves no
    temporary file behind.

    Args:
        path (str): Target file (its folder must exist).
        text (str): Content.
        encoding (str): Encoding of ``text`` on disk.
        private (bool): Readable by the owner only (0600 where POSIX modes apply) from its
            first byte: for files holding keys or passwords. Otherwise the file gets the
            mode a plain ``open(path, "w")`` gives it (the umask applies).
        durable (bool): Flush the content to disk before the rename, so that a crash leaves
            the old file or the new one, never an empty one.
    """
    write_bytes_atomic(path, text.encode(encoding), private=private, durable=durable)


def write_bytes_atomic(path: str, data: bytes, private: bool = False,
                       durable: bool = False) -> None:
    """:func:`write_text_atomic` for bytes: ``data`` is written as it is.

    Args:
        path (str): Target file (its folder must exist).
        data (bytes): Content.
        private (bool): Readable by the owner only (see :func:`write_text_atomic`).
        durable (bool): Flush to disk before the rename.
    """
    folder = os.path.dirname(os.path.abspath(path))
    temporary = os.path.join(folder, ".{0}.{1}.tmp".format(os.path.basename(path),
                                                          uuid.uuid4().hex[:12]))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    descriptor = os.open(temporary, flags, 0o600 if private else 0o666)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        try:
            os.remove(temporary)
        except OSError:
            pass
        raise
