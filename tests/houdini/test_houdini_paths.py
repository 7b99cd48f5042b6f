"""Path rules of the static backend, with Windows-style inputs on any OS."""

import os

from rayvision_houdini.static_analysis import (
    StaticResult,
    classify_reference,
    houdini_pattern,
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


def test_houdini_tokens_rewritten():
    assert houdini_pattern("tex.%(UDIM)d.rat") == "tex.<UDIM>.rat"
    assert houdini_pattern("tex_%(U)d_%(V)d.rat") == "tex_u<u>_v<v>.rat"
    assert houdini_pattern("plain.rat") == "plain.rat"


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
