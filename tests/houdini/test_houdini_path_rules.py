"""Variable and classification rules of the static Houdini backend pinned down."""

import os

from rayvision_houdini.static_analysis import StaticResult, classify_reference, scene_variables
from rayvision_utils.paths import DirectoryCache


class _Scene(object):
    def __init__(self, variables):
        self.variables = variables


def _classify(value, variables=None, search_dirs=()):
    result = StaticResult()
    classify_reference(result, "/n/p", value, value, dict(variables or {}), list(search_dirs),
                       DirectoryCache(), node_type="file", parm_name="file")
    return result


def test_job_from_the_environment_wins_over_the_scene(tmp_path):
    scene = _Scene({"JOB": "/saved/job"})
    hip = str(tmp_path / "shot.hip")
    assert scene_variables(scene, hip, {"JOB": "/env/job"})["JOB"] == "/env/job"
    assert scene_variables(scene, hip, {})["JOB"] == "/saved/job"


def test_hip_is_where_the_scene_is_now(tmp_path):
    scene = _Scene({"HIP": "/where/it/was/saved", "HIPNAME": "old"})
    hip = str(tmp_path / "shot.hip")
    variables = scene_variables(scene, hip, {})
    assert variables["HIP"] == os.path.dirname(os.path.abspath(hip)).replace("\\", "/")
    assert variables["HIPNAME"] == "shot"


def test_backtick_expressions_are_unresolved():
    result = _classify("`chs('../path')`/a.png")
    assert result.asset["Unresolved"]["/n/p"] == ["`chs('../path')`/a.png", []]
    assert not result.upload_files


def test_undefined_variables_are_unresolved():
    result = _classify("$NOPE/tex/a.png")
    assert result.asset["Unresolved"]["/n/p"] == ["$NOPE/tex/a.png", ["$NOPE/tex/a.png"]]


def test_a_missing_absolute_file_is_missing_and_a_missing_relative_one_is_searched(tmp_path):
    missing = _classify(str(tmp_path / "absent.png").replace("\\", "/"), search_dirs=[
        str(tmp_path)])
    assert list(missing.asset["Miss"]) == ["/n/p"] and not missing.asset["Search"]
    searched = _classify("default.pic", search_dirs=[str(tmp_path)])
    assert list(searched.asset["Search"]) == ["/n/p"] and not searched.asset["Miss"]


def quote(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _analyse_scene(tmp_path, builder):
    from rayvision_houdini.hip_scene import read_scene
    from rayvision_houdini.static_analysis import analyse_scene

    scene_path = builder.write(str(tmp_path / "shot.hip"))
    with open(scene_path, "rb") as stream:
        scene = read_scene(stream, scene_path)
    return analyse_scene(scene, scene_path, environ={})


def test_file_parameters_need_no_known_extension_and_op_paths_are_no_files(tmp_path,
                                                                            hip_builder):
    data = tmp_path / "data"
    data.mkdir()
    (data / "points.custom").write_bytes(b"x")
    builder = hip_builder()
    builder.node("/obj/geo1", "geo")
    builder.node("/obj/geo1/file1", "file", {"file": [quote("$HIP/data/points.custom")]})
    builder.node("/obj/geo1/file2", "file", {"file": [quote("op:/obj/geo2/OUT")]})
    result = _analyse_scene(tmp_path, builder)
    assert [os.path.basename(path) for path in result.upload_files] == ["points.custom"]
    everything = [key for table in result.asset.values() if isinstance(table, dict)
                  for key in table]
    assert not [key for key in everything if key.startswith("/obj/geo1/file2")]


def test_an_hscript_function_call_is_not_evaluable_and_a_plain_expression_is():
    from rayvision_houdini.hip_scene import Channel, ChannelRef
    from rayvision_houdini.static_analysis import string_value

    class _Node(object):
        def __init__(self, expression):
            self.channels = {"file": Channel("file", expressions=[expression],
                                             languages=["hscript"])}

    ref = ChannelRef("file", "/saved/result.bgeo")
    called = '"$HIP/geo/" + chs("../name") + ".bgeo"'
    text, evaluable = string_value(_Node(called), ref)
    assert not evaluable and 'chs("../name")' in text
    assert string_value(_Node('"$HIP/geo/a.$F4.bgeo"'), ref) == ("$HIP/geo/a.$F4.bgeo", True)
