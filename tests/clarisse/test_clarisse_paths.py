import os

from rayvision_clarisse.static_analysis import (
    ClarisseResult,
    classify_file,
    join_path,
    project_variables,
)
from rayvision_utils.paths import DirectoryCache


def test_clarisse_frame_tokens_find_their_files(tmp_path):
    for name in ("a.0001.exr", "a.0002.exr", "a.-001.exr", "a.exr", "b.0001.exr"):
        (tmp_path / name).write_bytes(b"x")
    variables = project_variables(str(tmp_path), environ={})
    cache = DirectoryCache()
    for pattern in ("$PDIR/a.$4F.exr", "$PDIR/a.${4F}.exr", "$PDIR/a.$F.exr",
                    "$PDIR/a.####.exr"):
        result = ClarisseResult()
        found = classify_file(result, "k", pattern, variables, str(tmp_path), cache)
        names = [os.path.basename(path) for path in found]
        expected = ["a.0001.exr", "a.0002.exr"]
        if "####" not in pattern:
            expected = ["a.-001.exr"] + expected
        assert names == expected, pattern
        assert result.asset["Normal"]["k"][0] == pattern


def test_value_with_nul_byte_is_a_missing_file(tmp_path):
    variables = project_variables(str(tmp_path), environ={})
    result = ClarisseResult()
    assert classify_file(result, "k", "$PDIR/a\x00b.tx", variables, str(tmp_path),
                         DirectoryCache()) == []
    missing = str(tmp_path).replace("\\", "/") + "/a\x00b.tx"
    assert result.asset["Miss"]["k"] == ["$PDIR/a\x00b.tx", [missing]]
    assert result.tips["10012"] == [missing]


def test_join_path():
    assert join_path("project://", "scene") == "project://scene"
    assert join_path("project://scene", "cam") == "project://scene/cam"


def test_windows_and_relative_inputs(tmp_path):
    (tmp_path / "tex").mkdir()
    (tmp_path / "tex" / "a.tx").write_bytes(b"x")
    variables = project_variables(str(tmp_path), environ={})
    result = ClarisseResult()
    cache = DirectoryCache()
    assert classify_file(result, "k1", "tex/a.tx", variables, str(tmp_path), cache) == [
        str(tmp_path / "tex" / "a.tx").replace("\\", "/")]
    assert classify_file(result, "k2", "\\\\srv\\share\\b.tx", variables, str(tmp_path),
                         cache) == []
    assert result.asset["Miss"]["k2"][1] == ["//srv/share/b.tx"]
    assert result.tips["10012"] == ["//srv/share/b.tx"]
    assert classify_file(result, "k3", "$CDIR/tex/a.tx", variables, str(tmp_path), cache)
    assert classify_file(result, "k4", "$UNSET_VAR/x.tx", variables, str(tmp_path), cache) == []
    assert "k4" in result.asset["Unresolved"]
