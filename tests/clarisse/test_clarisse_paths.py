from rayvision_clarisse.static_analysis import (
    ClarisseResult,
    clarisse_pattern,
    classify_file,
    join_path,
    project_variables,
)
from rayvision_utils.paths import DirectoryCache


def test_clarisse_frame_token():
    assert clarisse_pattern("a.$4F.exr") == "a.$F4.exr"
    assert clarisse_pattern("a.$F.exr") == "a.$F.exr"


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
