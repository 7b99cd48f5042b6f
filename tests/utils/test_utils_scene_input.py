"""Bounded scene input: refusals, typed errors, bounded lines, gzip cap, hash in the same pass."""

import gzip
import hashlib
import os
import pickle
import shutil
import socket
import tempfile
import threading
import time

import pytest

from rayvision_utils import scene_input
from rayvision_utils.exception.exception import AnalyseFailError, AnalyzeError
from rayvision_utils.scene_input import (
    NotRegularFileError,
    SceneInputError,
    SceneLimitError,
    check_regular_file,
    file_hexdigest,
    open_scene,
)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def lines_of(path, **kwargs):
    overflow = kwargs.pop("overflow", "error")
    with open_scene(path, **kwargs) as scene:
        return list(scene.iter_lines(overflow=overflow))


def test_lines_match_plain_file_iteration(tmp_path):
    data = b"".join(b"line %d %s\n" % (i, b"x" * (i % 977)) for i in range(5000)) + b"tail"
    path = write(tmp_path, "a.ma", data)
    with open(path, "rb") as handle:
        expected = list(handle)
    with open_scene(path) as scene:
        assert list(scene.iter_lines()) == expected
        assert scene.line_number == len(expected)


def test_lines_cross_chunk_boundaries(tmp_path):
    # Lines of ~300 KiB with CRLF endings straddle every 1 MiB chunk boundary.
    data = b"".join(bytes([65 + i % 26]) * (300000 + i) + b"\r\n" for i in range(20))
    path = write(tmp_path, "big.ma", data)
    with open(path, "rb") as handle:
        expected = list(handle)
    assert lines_of(path) == expected


def test_long_line_is_refused_with_its_number(tmp_path):
    path = write(tmp_path, "long.hip", b"ok\n" + b"v" * 5000 + b"\nafter\n")
    with pytest.raises(SceneLimitError) as caught:
        lines_of(path, max_line=1000)
    assert caught.value.path == path
    assert "line 2" in str(caught.value) and "1000" in str(caught.value)


def test_long_line_truncated_and_rest_skipped(tmp_path):
    path = write(tmp_path, "long.project", b"ok\n" + b"v" * (3 * 1024 * 1024) + b"\nafter\n")
    with open_scene(path, max_line=1000) as scene:
        lines = list(scene.iter_lines(overflow="truncate"))
        assert scene.truncated_lines == 1
    assert lines == [b"ok\n", b"v" * 1000, b"after\n"]


def test_long_last_line_without_newline(tmp_path):
    path = write(tmp_path, "end.ma", b"a\n" + b"z" * 2000)
    assert lines_of(path, max_line=100, overflow="truncate") == [b"a\n", b"z" * 100]
    with pytest.raises(SceneLimitError):
        lines_of(path, max_line=100)


def test_line_exactly_at_the_limit_passes(tmp_path):
    path = write(tmp_path, "edge.ma", b"y" * 100 + b"\n" + b"w" * 100)
    assert lines_of(path, max_line=100) == [b"y" * 100 + b"\n", b"w" * 100]


@pytest.mark.parametrize("max_line", [1, 7, 64, 4096])
def test_small_limits_many_lines(tmp_path, max_line):
    data = b"".join(b"q" * (i % (max_line + 1)) + b"\n" for i in range(3000))
    path = write(tmp_path, "many.ma", data)
    with open(path, "rb") as handle:
        expected = list(handle)
    assert lines_of(path, max_line=max_line) == expected


def test_hash_in_the_same_pass(tmp_path):
    data = os.urandom(3 * 1024 * 1024 + 17).replace(b"\x1f", b"\n")
    path = write(tmp_path, "scene.ma", data)
    with open_scene(path, hash_name="md5") as scene:
        count = sum(1 for _ in scene.iter_lines(overflow="truncate"))
        assert scene.hexdigest() == hashlib.md5(data).hexdigest()
    assert count > 0


def test_hash_covers_what_the_parser_left_unread(tmp_path):
    data = b"//Maya ASCII 2020 scene\n" + b"x" * (5 * 1024 * 1024)
    path = write(tmp_path, "stop.ma", data)
    with open_scene(path, hash_name="md5") as scene:
        assert next(scene.iter_lines()) == b"//Maya ASCII 2020 scene\n"
        assert scene.hexdigest() == hashlib.md5(data).hexdigest()
    assert file_hexdigest(path) == hashlib.md5(data).hexdigest()


def test_hash_of_gzip_is_of_the_bytes_on_disk(tmp_path):
    text = b"options\n{\n filename \"a.tx\"\n}\n" * 1000
    packed = gzip.compress(text)
    path = write(tmp_path, "scene.ass.gz", packed)
    with open_scene(path, hash_name="md5") as scene:
        assert scene.compressed
        assert b"".join(scene.iter_lines()) == text
        assert scene.hexdigest() == hashlib.md5(packed).hexdigest()


def test_gzip_bomb_stops_at_the_cap(tmp_path):
    path = str(tmp_path / "bomb.ass.gz")
    with gzip.open(path, "wb") as handle:
        block = b"\0" * (1024 * 1024)
        for _ in range(40):
            handle.write(block)
    assert os.path.getsize(path) < 100 * 1024
    with open_scene(path, max_decompressed=8 * 1024 * 1024) as scene:
        with pytest.raises(SceneLimitError) as caught:
            for _ in scene.iter_chunks():
                pass
    assert "8388608" in str(caught.value) and caught.value.path == path


def test_damaged_gzip_is_typed(tmp_path):
    packed = gzip.compress(b"hello\n" * 10000)
    path = write(tmp_path, "cut.ass.gz", packed[: len(packed) // 2])
    with pytest.raises(SceneInputError) as caught:
        lines_of(path)
    assert "gzip" in caught.value.reason
    path = write(tmp_path, "junk.ass.gz", b"\x1f\x8b" + b"garbage" * 10)
    with pytest.raises(SceneInputError):
        lines_of(path)


def test_decompress_false_reads_raw_bytes(tmp_path):
    packed = gzip.compress(b"abc\n")
    path = write(tmp_path, "raw.gz", packed)
    with open_scene(path, decompress=False) as scene:
        assert not scene.compressed
        assert scene.read_capped(1000) == packed
        assert scene.size == len(packed)


def test_read_capped_refuses_bigger_files(tmp_path):
    path = write(tmp_path, "cfg.ocio", b"k" * 5000)
    with open_scene(path) as scene:
        with pytest.raises(SceneLimitError):
            scene.read_capped(4999)
    with open_scene(path) as scene:
        assert scene.read_capped(5000) == b"k" * 5000


def test_head_does_not_consume(tmp_path):
    path = write(tmp_path, "h.ma", b"//Maya ASCII 2022 scene\nrest\n")
    with open_scene(path) as scene:
        assert scene.head(6) == b"//Maya"
        assert list(scene) == [b"//Maya ASCII 2022 scene\n", b"rest\n"]


def test_unbounded_read_is_refused(tmp_path):
    path = write(tmp_path, "x.ma", b"abc")
    with open_scene(path) as scene:
        with pytest.raises(ValueError):
            scene.read(-1)


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.hip")
    with pytest.raises(SceneInputError) as caught:
        open_scene(path)
    assert caught.value.path == path and "does not exist" in caught.value.reason
    assert isinstance(caught.value, AnalyseFailError) and isinstance(caught.value, AnalyzeError)


def test_folder_is_refused(tmp_path):
    with pytest.raises(NotRegularFileError) as caught:
        open_scene(str(tmp_path))
    assert "folder" in caught.value.reason


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_symlink_to_dev_zero_is_refused_at_once(tmp_path):
    link = tmp_path / "scene.ma"
    link.symlink_to("/dev/zero")
    with pytest.raises(NotRegularFileError) as caught:
        open_scene(str(link))
    assert "character device" in str(caught.value) and str(link) in str(caught.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_symlink_to_fifo_are_refused_without_blocking(tmp_path):
    fifo = str(tmp_path / "pipe.hip")
    os.mkfifo(fifo)
    link = tmp_path / "link.hip"
    link.symlink_to(fifo)
    result = {}

    def attempt():
        for path in (fifo, str(link)):
            try:
                open_scene(path)
            except NotRegularFileError as error:
                result[path] = error.reason

    worker = threading.Thread(target=attempt)
    worker.daemon = True
    worker.start()
    worker.join(10)
    assert not worker.is_alive()
    assert all("FIFO" in reason for reason in result.values()) and len(result) == 2


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs unix sockets")
def test_socket_is_refused(tmp_path):
    path = str(tmp_path / "s.ma")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(path)
        with pytest.raises(NotRegularFileError):
            check_regular_file(path)
    finally:
        server.close()


def _open_as_other_user(path):
    """Reason of the SceneInputError that ``open_scene(path)`` raises in a forked child that
    is not root (root reads files whatever their mode)."""
    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        answer = "no error"
        try:
            if os.geteuid() == 0:
                os.setuid(65534)
            open_scene(path)
        except SceneInputError as error:
            answer = "{0}|{1}|{2}".format(type(error).__name__, error.path == path,
                                          error.reason)
        except BaseException as error:  # noqa: BLE001 - reported to the parent
            answer = repr(error)
        os.write(write_end, answer.encode("utf-8"))
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = pipe.read().decode("utf-8")
    os.waitpid(child, 0)
    return answer


@pytest.mark.skipif(not hasattr(os, "fork"), reason="reads the file as another user (fork)")
def test_unreadable_file_is_typed():
    folder = tempfile.mkdtemp()
    try:
        os.chmod(folder, 0o755)
        path = os.path.join(folder, "locked.project")
        with open(path, "wb") as handle:
            handle.write(b"x")
        os.chmod(path, 0)
        answer = _open_as_other_user(path)
        assert answer == "SceneInputError|True|permission denied (cannot read the file)"
    finally:
        shutil.rmtree(folder)


def test_nul_in_path_is_typed():
    with pytest.raises(SceneInputError):
        open_scene("bad\0name.ma")


def test_errors_pickle():
    error = SceneLimitError("/x/a.ma", "line 3 is longer than 10 bytes")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is SceneLimitError and copy.path == "/x/a.ma" and copy.reason == error.reason
    assert str(copy) == "/x/a.ma: line 3 is longer than 10 bytes"


@pytest.mark.parametrize("max_line", [5, 100, 2 * 1024 * 1024])
def test_blocks_hold_the_same_lines(tmp_path, max_line):
    data = b"".join(b"k" * ((i * 7919) % 3000) + b"\n" for i in range(2000)) + b"end"
    path = write(tmp_path, "blocks.ma", data)
    with open_scene(path, max_line=max_line) as scene:
        flat = [line for block in scene.iter_line_blocks("truncate") for line in block]
        blocks_truncated = scene.truncated_lines
    with open_scene(path, max_line=max_line) as scene:
        assert flat == list(scene.iter_lines("truncate"))
        assert scene.truncated_lines == blocks_truncated
        assert scene.line_number == 2001
    assert all(len(line) <= max_line + 1 for line in flat)


@pytest.mark.parametrize("free", [True, False], ids=["helper-thread", "reading-thread"])
def test_big_file_hash_in_one_pass(tmp_path, monkeypatch, free):
    monkeypatch.setattr(scene_input, "free_core", lambda: free)
    data = (b"\tsetAttr \".vt[0:2]\" 0.1 0.2 0.3\n" * 400000)[: 9 * 1024 * 1024 + 5]
    path = write(tmp_path, "big.ma", data)
    with open_scene(path, hash_name="md5") as scene:
        lines = sum(1 for block in scene.iter_line_blocks() for _ in block)
        assert scene.hexdigest() == hashlib.md5(data).hexdigest()
    assert lines == data.count(b"\n") + 1


def test_readline_is_bounded_and_mixes_with_the_scan(tmp_path):
    path = write(tmp_path, "probe.ma", b"//Maya ASCII 2022 scene\n" + b"x" * 50 + b"\nrest\n")
    with open_scene(path, max_line=20) as scene:
        assert scene.readline() == b"//Maya ASCII 2022 sce"  # max_line + 1 bytes
        assert scene.readline() == b"ne\n"
        assert list(scene.iter_lines("truncate")) == [b"x" * 20, b"rest\n"]
    packed = write(tmp_path, "probe.ass.gz", gzip.compress(b"### arnold\nimage\n"))
    with open_scene(packed) as scene:
        assert scene.readline() == b"### arnold\n" and scene.readline() == b"image\n"
        assert scene.readline() == b""


def test_big_file_helper_thread_ends_with_the_stream(tmp_path, monkeypatch):
    monkeypatch.setattr(scene_input, "free_core", lambda: True)
    data = b"0123456789abcdef\n" * (600 * 1024)  # ~10 MB: hashed on the helper thread
    path = write(tmp_path, "big.ma", data)
    before = threading.active_count()
    with open_scene(path, hash_name="md5") as scene:
        scene.read(5 * 1024 * 1024)
        assert threading.active_count() == before + 1
    assert threading.active_count() == before  # closed unhashed: the helper is gone
    with open_scene(path, hash_name="md5") as scene:
        scene.read(7 * 1024 * 1024)
        assert scene.hexdigest() == hashlib.md5(data).hexdigest()
        assert scene.hexdigest() == hashlib.md5(data).hexdigest()
        assert scene.read(1024) == data[7 * 1024 * 1024:7 * 1024 * 1024 + 1024]


@pytest.mark.parametrize("free", [True, False], ids=["helper-thread", "reading-thread"])
def test_digest_later_outlives_the_stream(tmp_path, monkeypatch, free):
    monkeypatch.setattr(scene_input, "free_core", lambda: free)
    data = b"0123456789abcdef\n" * (600 * 1024)
    path = write(tmp_path, "big.ma", data)
    before = threading.active_count()
    with open_scene(path, hash_name="md5") as scene:
        scene.read(1024)
        pending = scene.digest_later()
    # Closed: a helper thread goes on hashing on its own descriptor until asked.
    assert pending.result() == hashlib.md5(data).hexdigest()
    assert pending.result() == hashlib.md5(data).hexdigest()
    assert threading.active_count() == before
    pending.cancel()  # after the result: nothing to stop, the digest stays
    assert pending.result() == hashlib.md5(data).hexdigest()


def test_cancelled_digest_stops_the_helper(tmp_path, monkeypatch):
    monkeypatch.setattr(scene_input, "free_core", lambda: True)
    path = write(tmp_path, "big.ma", b"x" * (40 * 1024 * 1024))
    before = threading.active_count()
    with open_scene(path, hash_name="md5") as scene:
        pending = scene.digest_later()
    pending.cancel()
    assert threading.active_count() == before
    assert pending.result() is None


def test_free_core_reads_the_load(monkeypatch):
    monkeypatch.setattr(scene_input._OWN_USE, "cores_busy", lambda: 0.0)
    monkeypatch.setattr(scene_input.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    monkeypatch.setattr(scene_input.os, "getloadavg", lambda: (0.4, 0.0, 0.0))
    assert scene_input.free_core()
    monkeypatch.setattr(scene_input.os, "getloadavg", lambda: (1.5, 0.0, 0.0))
    assert not scene_input.free_core()
    monkeypatch.setattr(scene_input.os, "sched_getaffinity", lambda pid: {0}, raising=False)
    monkeypatch.setattr(scene_input.os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert not scene_input.free_core()


def test_free_core_does_not_count_this_process_as_another(monkeypatch):
    monkeypatch.setattr(scene_input.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    # A process analysing scene after scene keeps one core busy: the load says 1.3.
    monkeypatch.setattr(scene_input.os, "getloadavg", lambda: (1.3, 0.0, 0.0))
    monkeypatch.setattr(scene_input._OWN_USE, "cores_busy", lambda: 1.2)
    assert scene_input.free_core()
    # The same load with this process idle: another process has the core.
    monkeypatch.setattr(scene_input._OWN_USE, "cores_busy", lambda: 0.0)
    assert not scene_input.free_core()


def test_own_processor_use_is_measured_between_calls():
    use = scene_input._OwnProcessorUse()
    assert use.cores_busy() == 0.0  # nothing to compare with yet
    deadline = time.monotonic() + 0.2
    while time.monotonic() < deadline:
        pass  # keep one core busy
    assert 0.25 < use.cores_busy() <= 1.5
    time.sleep(0.2)
    assert use.cores_busy() < 0.5
