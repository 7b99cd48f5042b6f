"""The container reader's window: where the file is cut into reads must not change what is read.

A new chunk is not joined to the end of the previous one; a short bridge (the old tail and a
copy of the chunk's first bytes) is read first, then the chunk itself. These tests read the
same bytes, sound or damaged, with bridges (small chunks, short reads) and without (one
read), and compare everything: sections, warnings, errors and the byte offsets they name.
"""

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rayvision_houdini import hip_container
from rayvision_houdini.hip_container import HipFormatError, SectionReader
from rayvision_houdini.hip_scene import WANTED_ENDINGS

SETTINGS = settings(max_examples=120, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
_ENDINGS = ["parm", "def", "init", "chn", "userdata", "spareparmdef"]


class _ShortReads(object):
    """A stream that returns at most ``step`` bytes per read (as pipes and gzip may)."""

    def __init__(self, data, step):
        self._data = data
        self._pos = 0
        self._step = step

    def read(self, size):
        size = min(size, self._step)
        piece = self._data[self._pos:self._pos + size]
        self._pos += len(piece)
        return piece


@contextlib.contextmanager
def _window(chunk, bridge):
    saved = hip_container._CHUNK, hip_container._BRIDGE
    hip_container._CHUNK, hip_container._BRIDGE = chunk, bridge
    try:
        yield
    finally:
        hip_container._CHUNK, hip_container._BRIDGE = saved


def _read(data, wanted, step):
    reader = SectionReader(_ShortReads(data, step), "x.hip", wanted=wanted)
    try:
        sections = list(reader.sections())
    except HipFormatError as error:
        return "error", str(error)
    return sections, reader.warnings, reader.kind


def _scene(kit, sizes, byte, licensed=False):
    member = kit.licensed_member if licensed else kit.cpio_member
    members = [member(".start", "fps 24\n")]
    for number, size in enumerate(sizes):
        name = "obj/n{0}.{1}".format(number // 3, _ENDINGS[number % len(_ENDINGS)])
        members.append(member(name, bytes([byte]) * size))
    members.append(member("TRAILER!!!", b""))
    return b"".join(members)


@SETTINGS
@given(sizes=st.lists(st.integers(0, 9000), min_size=1, max_size=30),
       byte=st.sampled_from(b"a\n0\x00"),
       damage=st.one_of(st.none(), st.tuples(st.integers(0, 10 ** 6),
                                              st.binary(max_size=200),
                                              st.integers(0, 80))),
       step=st.integers(100, 30000),
       wanted=st.sampled_from([None, WANTED_ENDINGS, (b".userdata\x00",)]),
       licensed=st.booleans())
def test_bridged_reads_read_what_one_read_reads(kit, sizes, byte, damage, step, wanted,
                                                licensed):
    data = _scene(kit, sizes, byte, licensed)
    if damage is not None:
        position, junk, removed = damage
        position %= len(data) + 1
        data = data[:position] + junk + data[position + removed:]
    with _window(chunk=len(data) + 1, bridge=0):
        expected = _read(data, wanted, len(data) + 1)
    # The walk asks for a header and a name at a time (4172 bytes, a licensed header 4131):
    # bridges longer than that are used; chunks a few bridges long.
    with _window(chunk=3 * 4300, bridge=4300):
        assert _read(data, wanted, step) == expected
    with _window(chunk=3 * 4300, bridge=4300):
        assert _read(data, wanted, len(data) + 1) == expected


def test_a_scene_spanning_many_chunks_is_read_through_bridges(kit):
    data = _scene(kit, [5000] * 60, ord("a"))
    with _window(chunk=3 * 4300, bridge=4300):
        window = hip_container._Window(_ShortReads(data, len(data)))
        window.fill(10)
        assert window._next is not None   # the first read became a bridge
        sections = list(SectionReader(_ShortReads(data, len(data)), "x.hip").sections())
    assert [name for name, _ in sections][:3] == [".start", "obj/n0.parm", "obj/n0.def"]
    assert all(body == b"a" * 5000 for _, body in sections[1:])
    assert len(sections) == 61
