"""Fuzzing: whatever the bytes, the reader either returns sections or raises HipFormatError."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rayvision_houdini.hip_container import HipFormatError, read_hip_bytes
from rayvision_houdini.hip_scene import parse_channels, parse_container, parse_parms
from rayvision_houdini.static_analysis import analyse_scene

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _base(kit):
    builder = kit.HipBuilder(save_version="18.0.5")
    builder.node("/obj/geo1/file1", "file", {"file": ["$HIP/a.$F4.bgeo.sc"]})
    builder.node("/out/m", "ifd", {"f": ["1", "[ f2\t9 ]", "1"], "camera": ["/obj/cam"]},
                 chn="{\n channel f2 {\n  segment { expr = $FEND }\n }\n}\n")
    return builder


@SETTINGS
@given(data=st.binary(max_size=2048))
def test_random_bytes(data):
    try:
        read_hip_bytes(data, "fuzz.hip")
    except HipFormatError:
        pass


@SETTINGS
@given(prefix=st.sampled_from([b"070707", b"HouNC\x1a", b"HouLC\x1a", b"\x1f\x8b"]),
       data=st.binary(max_size=1024))
def test_random_bytes_behind_valid_magic(prefix, data):
    try:
        read_hip_bytes(prefix + data, "fuzz.hip")
    except HipFormatError:
        pass


def _end_of(data, name):
    """Offset just past the section ``name`` of a container (its body ends at the next one)."""
    start = data.index(name.encode("ascii") + b"\x00")
    following = [data.find(marker, start) for marker in (b"070707", b"HouNC\x1a")]
    return min(offset for offset in following if offset > 0)


@SETTINGS
@given(position=st.integers(min_value=0), replacement=st.binary(min_size=0, max_size=8),
       cut=st.integers(min_value=0, max_value=64))
def test_mutated_container_never_crashes_the_analysis(kit, tmp_path, position, replacement,
                                                      cut):
    frames = [kit.touch(str(tmp_path / "a.{0:04d}.bgeo.sc".format(n))).replace("\\", "/")
              for n in (1, 2)]
    for kind_bytes in (_base(kit).hip_bytes(), _base(kit).licensed_bytes()):
        index = position % len(kind_bytes)
        mutated = kind_bytes[:index] + replacement + kind_bytes[index + len(replacement) + cut:]
        try:
            container = read_hip_bytes(mutated, "mutated.hip")
        except HipFormatError:
            continue
        scene = parse_container(container)
        result = analyse_scene(scene, str(tmp_path / "mutated.hip"), environ={})
        # Only the file SOP's frames exist: nothing else can be uploaded, nothing twice.
        assert len(set(result.upload_files)) == len(result.upload_files)
        assert set(result.upload_files) <= set(frames)
        if index >= _end_of(kind_bytes, "obj/geo1/file1.parm"):
            # The mutation is past the file SOP: its sequence is found whole.
            assert result.asset["Normal"]["/obj/geo1/file1/file"] == [
                "$HIP/a.$F4.bgeo.sc", frames]


@SETTINGS
@given(text=st.text(max_size=400))
def test_parm_and_channel_parsers_accept_any_text(text):
    assert isinstance(parse_parms(text), dict)
    assert isinstance(parse_channels(text), dict)
    assert isinstance(parse_parms("{\nversion 0.8\nx\t[ 0 ]\t(\t" + text), dict)
