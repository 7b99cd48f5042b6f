"""Download verification, pinned where hand-made mutants of rayvision_sync survived.

A local file is kept instead of downloaded only when it provably is the storage's file.
"""

import hashlib
import os

import pytest
from hostile_storage import HostileStorage
from rvsync_helpers import make_file

from rayvision_api.connect import Connect
from rayvision_sync.exception import TransferError
from rayvision_sync.hashing import DigestCache
from rayvision_sync.http_download import partial_path, same_file
from rayvision_sync.http_engine import HttpTransferEngine
from rayvision_sync.listing import ListedFile


def _sha(path):
    with open(str(path), "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_a_listing_without_a_digest_never_keeps_an_older_local_file(tmp_path):
    """Same size proves nothing: a re-rendered frame of the same size must be fetched."""
    frame = tmp_path / "out" / "beauty.0001.exr"
    make_file(frame, 256, seed=1)
    listed = ListedFile("/out/beauty.0001.exr", 256, None, None)
    assert not same_file(str(frame), listed, DigestCache())
    assert same_file(str(frame), listed._replace(sha256=_sha(frame)), DigestCache())


def test_a_symbolic_link_is_not_the_listed_file_even_with_its_bytes(tmp_path):
    """A link whose own size equals the listed size and whose target holds the listed bytes
    is still replaced by a regular file (it could point anywhere)."""
    target = tmp_path / "elsewhere" / "t.exr"
    os.makedirs(str(target.parent))
    length = len(str(target))
    make_file(target, length, seed=2)
    link = tmp_path / "out" / "beauty.0002.exr"
    os.makedirs(str(link.parent))
    os.symlink(str(target), str(link))
    assert os.lstat(str(link)).st_size == length
    listed = ListedFile("/out/beauty.0002.exr", length, _sha(target), None)
    assert not same_file(str(link), listed, DigestCache())
    assert same_file(str(target), listed, DigestCache())


def test_a_local_file_of_the_listed_size_with_other_bytes_is_downloaded_again(tmp_path):
    """An interrupted or older render of the same size differs in its digest only."""
    frame = tmp_path / "out" / "beauty.0003.exr"
    storage_copy = tmp_path / "storage" / "beauty.0003.exr"
    make_file(frame, 300, seed=3)
    make_file(storage_copy, 300, seed=4)
    listed = ListedFile("/out/beauty.0003.exr", 300, _sha(storage_copy), None)
    assert not same_file(str(frame), listed, DigestCache())
    assert same_file(str(storage_copy), listed, DigestCache())


def _engine(hostile):
    connect = Connect("AID", "very-secret-key", "http", hostile.netloc, "2")
    return HttpTransferEngine(connect, hostile.url, {"output_bid": "1_output"}, workers=1,
                              backoff=0, max_attempts=2)


@pytest.fixture
def hostile():
    server = HostileStorage()
    yield server
    server.stop()


def test_a_file_that_keeps_changing_on_the_storage_is_given_up_after_ten_changes(hostile,
                                                                                tmp_path):
    """Each answer announces other content than the last: the download follows the new
    content ten times, then stops (an endless rewrite must not hold the job forever), and
    nothing is renamed into place."""
    first = b"frame v0 " * 50
    answers = []

    def always_newer(handler):
        answers.append(1)
        content = "frame v{0} ".format(len(answers)).encode() * 50
        handler._answer(200, content, {
            "Content-Type": "application/octet-stream",
            "X-Rayvision-Sha256": hashlib.sha256(content).hexdigest(),
            "X-Rayvision-Size": str(len(content))})

    hostile.serve([{"path": "/out/a.png", "size": len(first),
                    "sha256": hashlib.sha256(first).hexdigest(), "mtime": 1.5e9}],
                  {"/out/a.png": always_newer})
    engine = _engine(hostile)
    try:
        with pytest.raises(TransferError, match="keeps changing"):
            engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert len(answers) == 11
    assert not os.path.exists(str(tmp_path / "dl" / "out" / "a.png"))


def test_a_completed_download_removes_partials_of_earlier_versions(hostile, tmp_path):
    """The partial of an older version (another digest) is left by an interrupted run; the
    complete file replaces it, and no hidden partial stays beside the frame."""
    data = b"final frame " * 40
    folder = tmp_path / "dl" / "out"
    os.makedirs(str(folder))
    destination = str(folder / "a.png")
    stale = partial_path(destination, "0" * 64, "/out/a.png", len(data))
    with open(stale, "wb") as handle:
        handle.write(b"older frame")
    hostile.serve([{"path": "/out/a.png", "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(), "mtime": 1.5e9}],
                  {"/out/a.png": data})
    engine = _engine(hostile)
    try:
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert os.listdir(str(folder)) == ["a.png"]
    assert _sha(destination) == hashlib.sha256(data).hexdigest()


def _ranged(data, served):
    """A body honouring ``Range`` as the farm's storage does (206, or 416 past the end)."""
    def answer(handler):
        wanted = handler.headers.get("Range")
        start = int(wanted.split("=")[1].split("-")[0]) if wanted else 0
        served.append(start)
        if start >= len(data) and data:
            handler._answer(416, b"", {})
            return
        headers = {"Content-Type": "application/octet-stream"}
        if wanted:
            headers["Content-Range"] = "bytes {0}-{1}/{2}".format(start, len(data) - 1,
                                                                  len(data))
        handler._answer(206 if wanted else 200, data[start:], headers)
    return answer


def _download_over_partial(hostile, tmp_path, data, held, body=None):
    """Download a listed file without a digest over a partial holding ``held`` bytes."""
    folder = tmp_path / "dl" / "out"
    os.makedirs(str(folder))
    destination = str(folder / "a.png")
    with open(partial_path(destination, None, "/out/a.png", len(data)), "wb") as handle:
        handle.write(held)
    served = []
    hostile.serve([{"path": "/out/a.png", "size": len(data), "mtime": 1.5e9}],
                  {"/out/a.png": body or _ranged(data, served)})
    engine = _engine(hostile)
    try:
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    with open(destination, "rb") as handle:
        return handle.read(), served, os.listdir(str(folder))


def test_a_partial_one_byte_short_is_resumed_not_taken_for_complete(hostile, tmp_path):
    """Without a digest only the size tells a complete partial: one byte short is resumed."""
    data = b"unverified frame " * 30
    got, served, names = _download_over_partial(hostile, tmp_path, data, data[:-1])
    assert got == data
    assert served == [len(data) - 1]
    assert names == ["a.png"]


def test_a_partial_longer_than_the_listed_file_is_started_over(hostile, tmp_path):
    data = b"unverified frame " * 30
    got, served, names = _download_over_partial(hostile, tmp_path, data, data + b"!")
    assert got == data
    assert served == [0]
    assert names == ["a.png"]


def test_an_empty_listed_file_is_downloaded_as_an_empty_file(hostile, tmp_path):
    empty = hashlib.sha256(b"").hexdigest()
    hostile.serve([{"path": "/out/empty.txt", "size": 0, "sha256": empty, "mtime": 1.5e9}],
                  {"/out/empty.txt": b""})
    engine = _engine(hostile)
    try:
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert os.listdir(str(tmp_path / "dl" / "out")) == ["empty.txt"]
    assert os.path.getsize(str(tmp_path / "dl" / "out" / "empty.txt")) == 0


def test_an_answer_that_is_not_the_file_is_never_written_as_the_file(hostile, tmp_path):
    """A redirect without a target (a proxy's page) is an error, even when its body has the
    listed size and the listing gives no digest to catch it."""
    page = b"<html>moved</html>" + b" " * 82

    def redirect_nowhere(handler):
        handler._answer(302, page, {"Content-Type": "text/html"})

    hostile.serve([{"path": "/out/a.png", "size": len(page), "mtime": 1.5e9}],
                  {"/out/a.png": redirect_nowhere})
    engine = _engine(hostile)
    try:
        with pytest.raises(TransferError):
            engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert not os.path.exists(str(tmp_path / "dl" / "out" / "a.png"))


def test_a_storage_ignoring_the_range_starts_the_partial_over(hostile, tmp_path):
    """A 200 to a ranged request is the whole file: it replaces the partial, never extends
    it (without a digest nothing else would catch the mix)."""
    data = b"unverified frame " * 30

    def whole_file_chunked(handler):
        # No Content-Length: only the status tells the body starts at byte 0.
        handler.send_response(200)
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(data), data))

    got, _, names = _download_over_partial(hostile, tmp_path, data, data[:100],
                                           body=whole_file_chunked)
    assert got == data
    assert names == ["a.png"]


def test_a_range_answer_starting_elsewhere_is_not_appended(hostile, tmp_path):
    """A 206 from another offset than asked would leave a hole or a repeat in the file."""
    data = b"unverified frame " * 30

    def skips_ahead(handler):
        wanted = handler.headers.get("Range")
        if not wanted:
            handler._answer(200, data, {"Content-Type": "application/octet-stream"})
            return
        start = int(wanted.split("=")[1].split("-")[0]) + 10
        handler._answer(206, data[start:], {
            "Content-Type": "application/octet-stream",
            "Content-Range": "bytes {0}-{1}/{2}".format(start, len(data) - 1, len(data))})

    got, _, names = _download_over_partial(hostile, tmp_path, data, data[:100],
                                           body=skips_ahead)
    assert got == data
    assert names == ["a.png"]


def test_a_body_declared_one_byte_longer_than_the_listed_file_is_refused(hostile, tmp_path):
    """Without a digest the declared length is the only sign the storage serves another
    file; one byte more is already another file."""
    data = b"unverified frame " * 30
    hostile.serve([{"path": "/out/a.png", "size": len(data), "mtime": 1.5e9}],
                  {"/out/a.png": data + b"!"})
    engine = _engine(hostile)
    try:
        with pytest.raises(TransferError):
            engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert not os.path.exists(str(tmp_path / "dl" / "out" / "a.png"))


def test_a_body_ending_before_the_listed_size_is_never_renamed_into_place(hostile, tmp_path):
    data = b"unverified frame " * 30
    hostile.serve([{"path": "/out/a.png", "size": len(data), "mtime": 1.5e9}],
                  {"/out/a.png": data[:-1]})
    engine = _engine(hostile)
    try:
        with pytest.raises(TransferError):
            engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert not os.path.exists(str(tmp_path / "dl" / "out" / "a.png"))


def test_a_storage_announcing_no_usable_digest_is_refused(hostile, tmp_path):
    data = b"frame " * 50

    def garbled(handler):
        handler._answer(200, data, {"Content-Type": "application/octet-stream",
                                    "X-Rayvision-Sha256": "not-a-digest",
                                    "X-Rayvision-Size": ""})

    hostile.serve([{"path": "/out/a.png", "size": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(), "mtime": 1.5e9}],
                  {"/out/a.png": garbled})
    engine = _engine(hostile)
    try:
        with pytest.raises(TransferError, match="not a digest and a size"):
            engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert not os.path.exists(str(tmp_path / "dl" / "out" / "a.png"))


def test_a_link_planted_at_the_partial_name_is_removed_not_followed(hostile, tmp_path):
    data = b"frame " * 50
    folder = tmp_path / "dl" / "out"
    os.makedirs(str(folder))
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    destination = str(folder / "a.png")
    digest = hashlib.sha256(data).hexdigest()
    os.symlink(str(victim), partial_path(destination, digest, "/out/a.png", len(data)))
    hostile.serve([{"path": "/out/a.png", "size": len(data), "sha256": digest,
                    "mtime": 1.5e9}], {"/out/a.png": data})
    engine = _engine(hostile)
    try:
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert _sha(destination) == digest
    assert victim.read_bytes() == b"keep me"
    assert os.listdir(str(folder)) == ["a.png"]
    # The link costs no retry: the file is fetched once.
    fetches = [query for method, path, query in hostile.requests if path.endswith("a.png")]
    assert fetches == [""]


def test_a_partial_of_an_older_undigested_version_is_not_resumed(hostile, tmp_path):
    """Without digests the partial's name holds the listed size: an older version of the
    frame with another size starts over instead of lending its first bytes."""
    data = b"unverified frame " * 30
    folder = tmp_path / "dl" / "out"
    os.makedirs(str(folder))
    destination = str(folder / "a.png")
    with open(partial_path(destination, None, "/out/a.png", 64), "wb") as handle:
        handle.write(b"O" * 40)
    served = []
    hostile.serve([{"path": "/out/a.png", "size": len(data), "mtime": 1.5e9}],
                  {"/out/a.png": _ranged(data, served)})
    engine = _engine(hostile)
    try:
        engine.download("output_bid", "/out", str(tmp_path / "dl"))
    finally:
        engine.close()
    assert _sha(destination) == hashlib.sha256(data).hexdigest()
    assert served == [0]
