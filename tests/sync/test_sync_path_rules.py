"""Storage-path and download-name rules a regression could bend quietly (rayvision_sync.paths)."""

import os

import pytest

from rayvision_sync.exception import UnsafePathError
from rayvision_sync.paths import local_destination, relative_components, storage_path


@pytest.mark.parametrize("given,expected", [
    # Already absolute, so these reach the fast path first: it must not keep them as they are.
    ("/a//b", "/a/b"), ("/a/b//c.png", "/a/b/c.png"), ("/a/b/", "/a/b"), ("//a", "/a"),
    ("/a/./b", "/a/b"), ("/a/b/.", "/a/b"), ("/a\\b", "/a/b"),
    # Clean paths come back unchanged.
    ("/a/b.c/d.png", "/a/b.c/d.png"), ("/a..b/c", "/a..b/c"),
    # Spaces belong to the names (a Linux folder may end in one): kept where they are.
    ("/a/b ", "/a/b "), ("/a /b", "/a /b"), ("/a/ b/", "/a/ b"), ("a /b\t", "/a /b\t")])
def test_storage_path_normalises_absolute_paths(given, expected):
    assert storage_path(given) == expected


def test_storage_path_is_idempotent():
    for given in ("/a//b/", "x/./y", "\\D\\p\\a.png", "/a/b"):
        once = storage_path(given)
        assert storage_path(once) == once


@pytest.mark.parametrize("name", ["/out/a:b.png", "/out/l1/stream:x", "/out/l1:/a.png"])
def test_a_colon_in_a_server_name_component_is_refused(tmp_path, name):
    # Windows reads 'a:b.png' as an alternate data stream of 'a'.
    with pytest.raises(UnsafePathError, match="colon"):
        relative_components(name, "/out")
    with pytest.raises(UnsafePathError):
        local_destination(str(tmp_path), name, "/out", False)


def test_a_sibling_folder_with_the_same_prefix_is_outside(tmp_path):
    with pytest.raises(UnsafePathError, match="outside the requested folder"):
        relative_components("/out_evil/a.png", "/out")
    with pytest.raises(UnsafePathError):
        local_destination(str(tmp_path), "/out_evil/a.png", "/out", False)


def test_names_below_the_folder_land_below_the_download_folder(tmp_path):
    root = str(tmp_path)
    assert local_destination(root, "/out/l1/a.png", "/out//", False) == \
        os.path.join(root, "l1", "a.png")
