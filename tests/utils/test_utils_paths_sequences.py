"""Sequence tokens of every DCC, and the bisection shortcut of find_sequence_files."""

import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rayvision_utils import paths


@pytest.mark.parametrize("pattern, good, bad", [
    # Houdini / Mantra texprintf
    ("t.%(UDIM)d.rat", ["t.1001.rat", "t.1044.rat"], ["t.101.rat", "t.%(UDIM)d.rat"]),
    ("t.%(udim)d.rat", ["t.1001.rat"], ["t.x.rat"]),
    ("t.%(UDIM)05d.rat", ["t.01001.rat"], ["t.1001.rat"]),
    ("m_%(U)02d_%(V)02d.rat", ["m_04_05.rat", "m_10_112.rat"], ["m_4_5.rat", "m_u04_v05.rat"]),
    ("m_%(U)d_%(V)d.rat", ["m_4_5.rat", "m_04_05.rat"], ["m_u4_v5.rat", "m_4.rat"]),
    ("m_u%(U)d_v%(V)d.rat", ["m_u4_v12.rat"], ["m_4_12.rat"]),
    ("m_%(UVTILE)d.rat", ["m_u4_v12.rat"], ["m_4_12.rat", "m_u4.rat"]),
    ("m_%(UVTILE)02d.rat", ["m_u04_v05.rat"], ["m_u4_v5.rat"]),
    # Clarisse $nF, Houdini $F
    ("i.$4F.exr", ["i.0001.exr", "i.-001.exr", "i.12345.exr"], ["i.exr", "i.$4F.exr"]),
    ("i.${4F}.exr", ["i.0001.exr"], ["i.x.exr"]),
    ("i_$2F.b.exr", ["i_01.b.exr"], ["i_.b.exr"]),
    ("g.$F4.bgeo", ["g.0001.bgeo", "g.-001.bgeo"], ["g.bgeo"]),
    ("g.$F.bgeo", ["g.1.bgeo"], ["g.F.bgeo"]),
    ("g.$FF.bgeo", ["g.1.5.bgeo", "g.2.bgeo"], ["g..bgeo"]),
    # a pattern that starts with its token (empty literal prefix)
    ("####.exr", ["0001.exr", "12345.exr"], ["001.exr", "a0001.exr"]),
])
def test_tokens(pattern, good, bad):
    assert paths.has_sequence_token(pattern)
    regex = paths.sequence_regex(pattern, ignore_case=False)
    for name in good:
        assert regex.match(name), (pattern, name)
    for name in bad:
        assert not regex.match(name), (pattern, name)


def test_dollar_tokens_do_not_run_into_variable_names():
    # $F4_beauty is Houdini's variable F4_beauty, not the frame followed by "_beauty".
    for name in ("s.$F4_beauty.exr", "s.$Fx.exr", "s.$FFx.exr", "s.$4Fx.exr", "s.$4F_b.exr",
                 "s.$f4.exr", "s.${f}.exr", "s.$4f.exr"):
        assert not paths.has_sequence_token(name), name
    assert paths.has_sequence_token("s.${F4}_beauty.exr")
    assert paths.unexpanded_variables("/a/s.$F4_beauty.exr") == ["F4_beauty"]


def test_trailing_newline_is_not_a_match():
    assert not paths.sequence_regex("a.####.exr").match("a.0001.exr\n")


def test_frame_tokens_are_never_expanded_as_variables():
    env = {"4F": "no", "F4": "no", "F": "no", "FF": "no", "T": "/tex"}
    assert paths.expand_env("$T/i.$4F.${4F}.$F4.${F4}.$F.$FF.exr", env) == \
        "/tex/i.$4F.${4F}.$F4.${F4}.$F.$FF.exr"
    assert paths.expand_env("$T/t.%(UDIM)d_%(U)d_%(V)d.rat", env) == \
        "/tex/t.%(UDIM)d_%(U)d_%(V)d.rat"


def test_unexpanded_variables():
    assert paths.unexpanded_variables("/a/$HIP/${JOB}/x.$F4.${F}.$4F.$FF.exr") == ["HIP",
                                                                                   "JOB"]
    assert paths.unexpanded_variables("D:/t.%04d_%04d.%(UDIM)d.exr") == []
    assert paths.unexpanded_variables("/a/$1/b") == []


def test_native_tokens_find_files(make_file, tmp_path):
    for name in ("t.1001.rat", "t.1002.rat", "m_u1_v2.rat", "m_1_2.rat", "i.0001.exr",
                 "i.0002.exr", "sub/i.0003.exr"):
        make_file("tex/" + name)
    (tmp_path / "tex" / "i.0004.exr").mkdir()          # a folder is not a frame
    folder = str(tmp_path / "tex").replace(os.sep, "/")
    names = {pattern: [os.path.basename(f) for f in paths.resolve_files(pattern, [folder])[0]]
             for pattern in ("t.%(UDIM)d.rat", "m_%(UVTILE)d.rat", "m_%(U)d_%(V)d.rat",
                             "i.$4F.exr")}
    assert names == {"t.%(UDIM)d.rat": ["t.1001.rat", "t.1002.rat"],
                     "m_%(UVTILE)d.rat": ["m_u1_v2.rat"],
                     "m_%(U)d_%(V)d.rat": ["m_1_2.rat"],
                     "i.$4F.exr": ["i.0001.exr", "i.0002.exr"]}


def test_prefix_narrowing_and_case(make_file, tmp_path):
    for name in ("a.1001.exr", "a.1002.exr", "a.b.1001.exr", "a.1001.exr.bak", "ab.1001.exr",
                 "A.1003.EXR", "b.1001.exr", "a.1001.tx", "a."):
        make_file("tex/" + name)
    folder = str(tmp_path / "tex").replace(os.sep, "/")
    sensitive = paths.DirectoryCache(ignore_case=False)
    found = paths.find_sequence_files(folder + "/a.<UDIM>.exr", sensitive)
    assert found == [folder + "/a.1001.exr", folder + "/a.1002.exr"]
    assert sensitive.starting_with(folder, "a.1") == ["a.1001.exr", "a.1001.exr.bak",
                                                       "a.1001.tx", "a.1002.exr"]
    insensitive = paths.DirectoryCache(ignore_case=True)
    found = paths.find_sequence_files(folder + "/a.<UDIM>.exr", insensitive)
    assert found == [folder + "/A.1003.EXR", folder + "/a.1001.exr", folder + "/a.1002.exr"]
    assert insensitive.starting_with(folder, "A.1") == ["A.1003.EXR", "a.1001.exr",
                                                         "a.1001.exr.bak", "a.1001.tx",
                                                         "a.1002.exr"]
    assert paths.find_sequence_files(folder + "/<UDIM>.exr", sensitive) == []


# Names and patterns mixing literals and tokens, to check the fast path (bisection, shared
# middle regexes) against the whole-name regex over the whole listing.
_PIECES = ["a", "A", "b", ".", "_", "-", "1", "0001", "1001", "u1_v2", "exr", "ß", "K", "s", "ſ"]
_TOKENS = ["<UDIM>", "####", "@", "%04d", "%d", "$F4", "$F", "$4F", "%(UDIM)d", "%(U)d",
           "<UVTILE>", "u<u>_v<v>", "<f>", "<tile>"]


@pytest.fixture(scope="module")
def listing(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seq")
    names = set()
    for first in _PIECES:
        for second in _PIECES:
            for third in ("", ".exr", "1001.exr", "_u1_v2.exr"):
                names.add(first + second + third)
    names -= {".", ".."}
    for name in names:
        (folder / name).write_bytes(b"")
    return str(folder).replace(os.sep, "/"), sorted(names)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(_PIECES + _TOKENS), min_size=1, max_size=4),
       st.booleans())
def test_fast_path_equals_whole_listing_regex(listing, parts, ignore_case):
    folder, names = listing
    pattern = "".join(parts)
    cache = paths.DirectoryCache(ignore_case=ignore_case)
    fast = paths.find_sequence_files(folder + "/" + pattern, cache)
    regex = paths.sequence_regex(pattern, ignore_case=ignore_case)
    if regex is None:
        expected = [folder + "/" + pattern] if pattern in names else []
    else:
        expected = [folder + "/" + name for name in names if regex.match(name)]
    assert fast == expected


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40), st.text(max_size=20))
def test_resolve_files_never_raises(tmp_path, path, value):
    # Whatever a scene holds (NUL, surrogates, tokens, variables), the answer is a list.
    files, reported = paths.resolve_files(path, [str(tmp_path), "D:\\proj"], {"V": value},
                                          paths.DirectoryCache())
    assert isinstance(files, list) and isinstance(reported, str)
    assert re.sub(r"\s", "", reported) or not path.strip()
