import os

from rayvision_utils import paths


def test_absolute_forms_on_any_host():
    assert paths.is_absolute("D:\\proj\\a.png")
    assert paths.is_absolute("d:/proj/a.png")
    assert paths.is_absolute("\\\\server\\share\\x")
    assert paths.is_absolute("//server/share/x")
    assert paths.is_absolute("/mnt/x")
    assert not paths.is_absolute("sourceimages/a.png")
    assert not paths.is_absolute("C:relative")
    assert paths.is_windows_path("D:/x") and not paths.is_windows_path("/mnt/x")


def test_expand_env():
    env = {"PROJ": "/mnt/proj", "TEX": "$PROJ/tex", "WIN": "D:\\p"}
    assert paths.expand_env("$PROJ/a.png", env) == "/mnt/proj/a.png"
    assert paths.expand_env("${PROJ}/a.png", env) == "/mnt/proj/a.png"
    assert paths.expand_env("%WIN%\\a.png", env) == "D:\\p\\a.png"
    assert paths.expand_env("$TEX/a.png", env) == "/mnt/proj/tex/a.png"
    assert paths.expand_env("$NOPE/a.png", env) == "$NOPE/a.png"
    assert paths.expand_env("$HIP/geo.$F4.bgeo", {"HIP": "/h"}) == "/h/geo.$F4.bgeo"


def test_sequence_regex():
    assert paths.sequence_regex("plain.png") is None
    assert paths.sequence_regex("t.<UDIM>.exr").match("t.1001.exr")
    assert not paths.sequence_regex("t.<UDIM>.exr").match("t.101.exr")
    assert paths.sequence_regex("t_<UVTILE>.exr").match("t_u1_v2.exr")
    assert paths.sequence_regex("t_u<U>_v<V>.exr").match("t_u1_v2.exr")
    assert paths.sequence_regex("f.####.vdb").match("f.0012.vdb")
    assert paths.sequence_regex("f.####.vdb").match("f.12345.vdb")
    assert not paths.sequence_regex("f.####.vdb").match("f.12.vdb")
    assert paths.sequence_regex("c.%04d.abc").match("c.0007.abc")
    assert paths.sequence_regex("c.%d.abc").match("c.7.abc")
    assert paths.sequence_regex("i.<f>.png").match("i.-3.png")
    assert paths.sequence_regex("g.$F4.bgeo").match("g.0001.bgeo")
    assert paths.sequence_regex("t.<udim:1001>.tx").match("t.1002.tx")
    # literal characters are not regex syntax
    assert not paths.sequence_regex("a+b.<UDIM>.exr").match("aab.1001.exr")


def test_find_sequence_files(make_file, tmp_path):
    for tile in ("1001", "1002", "1011"):
        make_file("tex/col.%s.exr" % tile)
    make_file("tex/col.txt")
    make_file("tex/other.1001.exr")
    folder = str(tmp_path / "tex").replace(os.sep, "/")
    found = paths.find_sequence_files(folder + "/col.<UDIM>.exr")
    assert [os.path.basename(f) for f in found] == ["col.1001.exr", "col.1002.exr",
                                                     "col.1011.exr"]
    assert paths.find_sequence_files(folder + "/col.txt") == [folder + "/col.txt"]
    assert paths.find_sequence_files(folder + "/none.<UDIM>.exr") == []
    assert paths.find_sequence_files(folder + "/absent.png") == []
    assert paths.find_sequence_files("/no/such/dir/x.####.exr") == []


def test_resolve_files_relative_and_env(make_file, tmp_path):
    make_file("proj/sourceimages/a.png")
    root = str(tmp_path / "proj")
    files, reported = paths.resolve_files("sourceimages/a.png", ["/nowhere", root])
    assert files == [root.replace(os.sep, "/") + "/sourceimages/a.png"]
    files, _ = paths.resolve_files("$P/sourceimages/a.png", [], {"P": root})
    assert len(files) == 1
    files, reported = paths.resolve_files("D:\\proj\\missing.png", [root])
    assert files == [] and reported == "D:/proj/missing.png"
    assert paths.resolve_files("   ", [root]) == ([], "   ")


def test_invalid_path_input_resolves_to_no_files(make_file, tmp_path):
    # Regression (fuzzing): os.listdir/os.stat raise ValueError, not OSError, on these.
    make_file("tex/a.1001.exr")
    folder = str(tmp_path / "tex").replace(os.sep, "/")
    cache = paths.DirectoryCache()
    for bad in ("a\x00b", folder + "\x00", folder + "/\ud800"):
        assert cache.listdir(bad) == []
        assert paths.find_sequence_files(bad + "/a.<UDIM>.exr", cache) == []
        assert paths.find_sequence_files(bad + "/a.1001.exr", cache) == []
    assert paths.find_sequence_files(folder + "/a.\x00<UDIM>.exr", cache) == []
    assert paths.find_sequence_files(folder + "/a.1001.exr\x00", cache) == []
    files, reported = paths.resolve_files("tex/a\x00.<UDIM>.exr", [str(tmp_path)])
    assert files == [] and reported.endswith("/tex/a\x00.<UDIM>.exr")
    files, reported = paths.resolve_files("$BAD/a.exr", [], {"BAD": "D:\\x\x00y"})
    assert (files, reported) == ([], "D:/x\x00y/a.exr")
    # the good path still resolves with the same cache
    assert paths.resolve_files(folder + "/a.<UDIM>.exr", cache=cache)[0] == [
        folder + "/a.1001.exr"]


def test_dot_dot_is_taken_out_of_absolute_paths(make_file, tmp_path):
    root = str(tmp_path).replace(os.sep, "/")
    make_file("tex/a.1001.png")
    # "gone" does not exist: the OS could not walk through it, Windows resolves it lexically.
    files, reported = paths.resolve_files("$P/gone/../tex/a.<UDIM>.png", [], {"P": root})
    assert (files, reported) == ([root + "/tex/a.1001.png"], root + "/tex/a.<UDIM>.png")
    files, reported = paths.resolve_files(root + "/./tex//../tex/b.png")
    assert (files, reported) == ([], root + "/tex/b.png")
    assert paths.candidate_paths("D:\\proj\\x\\..\\tex\\a.png") == ["D:/proj/tex/a.png"]
    assert paths.candidate_paths("D:\\..\\a.png") == ["D:/a.png"]
    assert paths.candidate_paths("\\\\server\\share\\x\\..\\a.png") == ["//server/share/a.png"]
    # A UNC path's root is its share, as Windows reads it: ".." never leaves it.
    assert paths.candidate_paths("\\\\server\\share\\..\\x.png") == ["//server/share/x.png"]
    assert paths.candidate_paths("//server/share/a/../../../b.png") == ["//server/share/b.png"]
    assert paths.normalize("//server/share/..") == "//server/share"
    assert paths.normalize("//server/share/./a//b/") == "//server/share/a/b"
    assert paths.normalize("//server") == "//server"


def test_plain_files_in_a_much_used_folder_answered_by_its_listing(make_file, tmp_path,
                                                                    monkeypatch):
    make_file("tex/here.png")
    os.mkdir(str(tmp_path / "tex" / "sub.png"))
    folder = str(tmp_path / "tex").replace(os.sep, "/")
    cache = paths.DirectoryCache()
    names = ["missing%d.png" % number for number in range(paths.LIST_AFTER_LOOKUPS - 1)]
    assert all(cache.may_hold(folder, name) for name in names)  # not listed yet: unknown
    checked = []
    monkeypatch.setattr(paths, "is_file", lambda path: checked.append(path) or
                        os.path.isfile(path))
    # Listed now: missing names need no stat, present ones are still checked.
    assert paths.find_sequence_files(folder + "/missing.png", cache) == []
    assert paths.find_sequence_files(folder + "/here.png", cache) == [folder + "/here.png"]
    assert paths.find_sequence_files(folder + "/sub.png", cache) == []  # a folder, not a file
    assert checked == [folder + "/here.png", folder + "/sub.png"]
    # A folder that does not exist holds nothing.
    gone = folder + "/nowhere"
    for _ in range(paths.LIST_AFTER_LOOKUPS):
        cache.may_hold(gone, "a.png")
    assert not cache.may_hold(gone, "a.png")
