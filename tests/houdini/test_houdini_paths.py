"""Path rules of the static backend, with Windows-style inputs on any OS."""

import os

from rayvision_houdini.static_analysis import (
    StaticResult,
    classify_reference,
    scene_variables,
)
from rayvision_utils.paths import DirectoryCache


class _Scene(object):
    def __init__(self, variables):
        self.variables = variables


def _classify(value, variables, search_dirs=()):
    result = StaticResult()
    classify_reference(result, "/n/p", value, value, variables, list(search_dirs),
                       DirectoryCache(), node_type="file", parm_name="file")
    return result


def _found(result):
    return sorted(os.path.basename(p) for p in result.asset["Normal"]["/n/p"][1])


def test_texprintf_tile_tokens_find_their_files(tmp_path):
    # Names as Houdini's texprintf writes them: %(UDIM)d = 1001 + u + 10 v, %(U)d/%(V)d =
    # 1-based tile numbers with printf modifiers, %(UVTILE)d = u<U>_v<V>.
    for name in ("tex.1001.rat", "tex.1012.rat", "tex.101.rat", "map_04_05.rat",
                 "map_4_12.rat", "map_u4_v12.rat", "map_uv.rat"):
        (tmp_path / name).write_bytes(b"x")
    root = str(tmp_path).replace("\\", "/")
    assert _found(_classify(root + "/tex.%(UDIM)d.rat", {})) == ["tex.1001.rat",
                                                                 "tex.1012.rat"]
    assert _found(_classify(root + "/map_%(U)02d_%(V)02d.rat", {})) == ["map_04_05.rat"]
    assert _found(_classify(root + "/map_%(U)d_%(V)d.rat", {})) == ["map_04_05.rat",
                                                                    "map_4_12.rat"]
    assert _found(_classify(root + "/map_%(UVTILE)d.rat", {})) == ["map_u4_v12.rat"]
    # the same through a variable, and relative to $HIP
    assert _found(_classify("$TEX/tex.%(UDIM)d.rat", {"TEX": root})) == ["tex.1001.rat",
                                                                         "tex.1012.rat"]
    assert _found(_classify("tex.%(UDIM)d.rat", {}, [root])) == ["tex.1001.rat",
                                                                 "tex.1012.rat"]


def test_value_with_nul_byte_is_a_missing_file():
    absolute = _classify("/mnt/x/a\x00b.png", {})
    assert absolute.asset["Miss"]["/n/p"] == ["/mnt/x/a\x00b.png", ["/mnt/x/a\x00b.png"]]
    relative = _classify("tex/a\x00b.<UDIM>.rat", {}, ["/nowhere"])
    assert "/n/p" in relative.asset["Search"]
    through_variable = _classify("$BAD/a.png", {"BAD": "D:\\p\x00q"})
    assert through_variable.asset["Miss"]["/n/p"][1] == ["D:/p\x00q/a.png"]


def test_frame_variable_running_into_a_name_is_unresolved():
    assert "/n/p" in _classify("/mnt/x/s.$F4_beauty.exr", {}).asset["Unresolved"]
    assert "/n/p" in _classify("/mnt/x/s.${F4}_beauty.exr", {}).asset["Miss"]


def test_windows_drive_unc_and_posix_missing_paths():
    drive = _classify("D:\\proj\\tex\\a.png", {})
    assert drive.asset["Miss"]["/n/p"][1] == ["D:/proj/tex/a.png"]
    unc = _classify("\\\\server\\share\\a.png", {})
    assert unc.asset["Miss"]["/n/p"][1] == ["//server/share/a.png"]
    posix = _classify("/mnt/x/a.png", {})
    assert posix.asset["Miss"]["/n/p"][1] == ["/mnt/x/a.png"]
    assert posix.tips == {}   # tips are added by analyse_scene from Miss


def test_variables_braces_and_unknown(tmp_path):
    (tmp_path / "a.abc").write_bytes(b"a")
    found = _classify("${ROOT}/a.abc", {"ROOT": str(tmp_path)})
    assert found.asset["Normal"]["/n/p"][1] == [str(tmp_path / "a.abc").replace("\\", "/")]
    assert found.upload_files == [str(tmp_path / "a.abc").replace("\\", "/")]
    unknown = _classify("$NOPE/a.abc", {})
    assert unknown.asset["Unresolved"]["/n/p"][0] == "$NOPE/a.abc"
    backtick = _classify("`opname('.')`.abc", {})
    assert "/n/p" in backtick.asset["Unresolved"]


def test_frame_sequences_and_negative_frames(tmp_path):
    for name in ("s.-001.bgeo", "s.0001.bgeo", "s.0002.bgeo", "other.0001.bgeo"):
        (tmp_path / name).write_bytes(b"x")
    result = _classify(str(tmp_path) + "/s.$F4.bgeo", {})
    names = sorted(os.path.basename(p) for p in result.asset["Normal"]["/n/p"][1])
    assert names == ["s.-001.bgeo", "s.0001.bgeo", "s.0002.bgeo"]


def test_scene_variables_hip_is_where_the_file_is(tmp_path):
    scene = _Scene({"HIP": "D:/old", "JOB": "D:/job", "CUSTOM": "v"})
    variables = scene_variables(scene, str(tmp_path / "shot.hip"), environ={"HOME": "/h"})
    assert variables["HIP"] == str(tmp_path).replace("\\", "/")
    assert variables["HIPNAME"] == "shot"
    assert variables["JOB"] == "D:/job"
    assert variables["CUSTOM"] == "v" and variables["HOME"] == "/h"
    variables = scene_variables(scene, str(tmp_path / "shot.hip"), environ={"JOB": "/env/job"})
    assert variables["JOB"] == "/env/job"
