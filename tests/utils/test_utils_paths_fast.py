"""The shortcuts of rayvision_utils.paths give what the plain algorithms give.

Each shortcut (a path with nothing to normalise, one variable at the start of a path, the
inline split and join of POSIX hosts, the kinds of a folder's entries read from its listing)
is checked against the straightforward computation it replaces.
"""

import os
import posixpath
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rayvision_utils import paths

_ENV_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)|%(\w+)%")
_FRAME_VARIABLE = re.compile(r"^(?:F\d*|FF|\d+F)$")
_WIN_ABS = re.compile(r"^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/])")


def plain_expand(path, environ):
    """expand_env as a fixed point of whole-string substitutions, at most five."""
    if "$" not in path and "%" not in path:
        return path

    def _replace(match):
        name = match.group(1) or match.group(2) or match.group(3)
        if _FRAME_VARIABLE.match(name) and match.group(3) is None:
            return match.group(0)
        value = environ.get(name)
        return match.group(0) if value is None else value

    previous = None
    for _ in range(5):
        if path == previous:
            break
        previous, path = path, _ENV_VAR.sub(_replace, path)
    return path


NAMES = st.sampled_from(["PDIR", "HIP", "JOB", "A", "F", "F4", "4F", "FF", "X_1", "self"])
PATH_TEXT = st.lists(
    st.sampled_from(["$", "%", "{", "}", "/", "\\", ".", "a", "tex", "D:", "$PDIR", "${HIP}",
                     "%JOB%", "$F4", "$4F", "$self", "$A", "$$", "\u00e9", " "])
    | NAMES, max_size=8).map("".join)
ENVIRONS = st.dictionaries(NAMES, PATH_TEXT, max_size=5)


@settings(max_examples=500, deadline=None)
@given(PATH_TEXT, ENVIRONS)
def test_expand_env_is_the_fixed_point_of_substitutions(path, environ):
    # Values naming other variables, themselves ($self), frame tokens and lone $ included.
    assert paths.expand_env(path, environ) == plain_expand(path, environ)


@pytest.mark.parametrize("path, expected", [
    ("$PDIR/tex/a.png", "/p/tex/a.png"),
    ("${PDIR}/a", "/p/a"),
    ("$PDIRX/a", "$PDIRX/a"),
    ("$F4/a", "$F4/a"),
    ("$LOOP/a", "$LOOP/x/x/x/x/x/a"),    # five passes at most
    ("$CHAIN/a", "/p/b/a"),
    ("$ALSO%HOME%", "/h%HOME%"),
])
def test_expand_env_cases(path, expected):
    environ = {"PDIR": "/p", "LOOP": "$LOOP/x", "CHAIN": "$PDIR/b", "ALSO": "/h"}
    assert paths.expand_env(path, environ) == expected
    assert plain_expand(path, environ) == expected


SLASHED = st.lists(st.sampled_from(["/", "//", ".", "..", "a", "b.c", "\\", "D:", "C:/",
                                    "\\\\", " ", "..."]), max_size=8).map("".join)


@settings(max_examples=500, deadline=None)
@given(SLASHED)
def test_normalize_shortcut_equals_the_lexical_rules(path):
    assert paths.normalize(path) == paths._normalize_lexically(path)


@pytest.mark.parametrize("path, expected", [
    ("/mnt/proj/tex/a.png", "/mnt/proj/tex/a.png"),
    ("/mnt/proj/./tex//a.png", "/mnt/proj/tex/a.png"),
    ("/mnt/proj/scenes/../tex/a.png", "/mnt/proj/tex/a.png"),
    ("/mnt/proj/tex/", "/mnt/proj/tex"),
    ("D:/proj/../../tex/a.png", "D:/tex/a.png"),
    ("D:/proj/./tex/a.png", "D:/proj/tex/a.png"),
    ("//server/share/../x.png", "//server/share/x.png"),
    ("rel/../a.png", "a.png"),
])
def test_normalize_cases(path, expected):
    assert paths.normalize(path) == expected


@settings(max_examples=300, deadline=None)
@given(SLASHED)
def test_is_absolute(path):
    assert paths.is_absolute(path) is bool(_WIN_ABS.match(path) or path.startswith("/"))


@settings(max_examples=300, deadline=None)
@given(SLASHED)
def test_posix_split_is_posixpath_split(path):
    assert paths._posix_split(path) == posixpath.split(path)


@pytest.mark.skipif(not hasattr(os, "symlink") or sys.platform.startswith("win"),
                    reason="symbolic links")
def test_listing_kinds_follow_links_like_isfile(tmp_path):
    # Found by a pattern: plain files and links to files; not folders, links to folders,
    # or dangling links; a file created after the listing is found by a new cache.
    folder = tmp_path / "tex"
    folder.mkdir()
    (folder / "t.1001.tx").write_bytes(b"")
    (folder / "t.1002.tx").mkdir()
    (folder / "t.1003.tx").symlink_to(folder / "t.1001.tx")
    (folder / "t.1004.tx").symlink_to(folder / "t.1002.tx")
    (folder / "t.1005.tx").symlink_to(folder / "missing")
    pattern = str(folder).replace(os.sep, "/") + "/t.<UDIM>.tx"
    cache = paths.DirectoryCache(ignore_case=False)
    expected = [pattern.replace("<UDIM>", number) for number in ("1001", "1003")]
    assert paths.find_sequence_files(pattern, cache) == expected
    assert [os.path.isfile(name) for name in expected] == [True, True]
    (folder / "t.1006.tx").write_bytes(b"")
    assert paths.find_sequence_files(pattern, cache) == expected
    assert paths.find_sequence_files(pattern, paths.DirectoryCache(ignore_case=False)) == \
        expected + [pattern.replace("<UDIM>", "1006")]


@pytest.mark.parametrize("folder", ["", ".", "rel/dir", "rel/dir/", "rel//dir", "./rel"])
def test_sequence_files_joined_as_os_path_join(tmp_path, monkeypatch, folder):
    monkeypatch.chdir(tmp_path)
    os.makedirs(folder or ".", exist_ok=True)
    for name in ("a.0001.exr", "a.0002.exr", "a.0003.tx"):
        open(os.path.join(folder, name), "wb").close()
    pattern = folder + ("/" if folder else "") + "a.####.exr"
    head = os.path.split(pattern)[0]
    assert paths.find_sequence_files(pattern) == [
        os.path.join(head, name) for name in ("a.0001.exr", "a.0002.exr")]


def test_path_like_patterns_still_work(tmp_path):
    (tmp_path / "a.0001.exr").write_bytes(b"")
    assert paths.find_sequence_files(tmp_path / "a.####.exr") == [
        os.path.join(str(tmp_path), "a.0001.exr")]
    assert paths.find_sequence_files(tmp_path / "a.0001.exr") == [tmp_path / "a.0001.exr"]
