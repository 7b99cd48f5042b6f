import json
import os

import pytest

import rayvision_api.exception as api_exc
from rayvision_utils.exception import error_msg, tips_code
from rayvision_utils.exception import exception as utils_exc
from rayvision_utils.exception.tips import TipsInfo


def test_exception_classes_are_the_api_ones():
    for name in api_exc.__dict__:
        obj = getattr(api_exc, name)
        if isinstance(obj, type) and issubclass(obj, BaseException):
            assert getattr(utils_exc, name) is obj, name


def test_catching_across_layers():
    with pytest.raises(api_exc.AnalyzeError):
        raise utils_exc.VersionNotMatchError("v")
    with pytest.raises(utils_exc.RayvisionError):
        raise api_exc.RayvisionError(1, "x")


def test_documented_one_argument_task_id_error():
    error = utils_exc.RayvisonTaskIdError("bad id")
    assert error.error_code == 2000
    assert "bad id" in str(error)


def test_tip_codes_and_messages():
    assert tips_code.CG_NOTMATCH == "15013"
    assert tips_code.CG_NOTEXISTS == "15019"
    assert tips_code.MISSING_FILE == "10012"
    assert tips_code.ABC_MISSING == "10018"
    assert tips_code.CONTAIN_CHINESE == "tips_code todo"
    assert error_msg.VERSION_NOT_MATCH == (
        "Project configuration version and scenario versionmismatch.")
    assert error_msg.ERROR9899_CGEXE_NOTEXIST.format("Maya") == (
        "Maya software of scene has not been found.")


def test_tipsinfo_add_set_save(tmp_path):
    tips = TipsInfo(save_path=str(tmp_path))
    tips.add("15013", "Maya 2018")
    tips.add("15013", "again", "more")
    tips.add("10012")
    tips.set_tips("999", "raw")
    assert tips.tips_list == {"15013": ["Maya 2018", "again", "more"], "10012": [],
                              "999": "raw"}
    path = tips.save_tips()
    assert path == os.path.join(str(tmp_path), "tips.json")
    with open(path, encoding="utf-8") as handle:
        assert json.load(handle)["15013"][0] == "Maya 2018"


def test_tipsinfo_without_path():
    with pytest.raises(utils_exc.RayvisionError) as info:
        TipsInfo().save_tips()
    assert info.value.error_code == 20003


def test_tipsinfo_save_and_exit(tmp_path):
    tips = TipsInfo()
    tips.add("999", "boom")
    with pytest.raises(SystemExit) as info:
        tips.save_and_exit(str(tmp_path), exit_code=3)
    assert info.value.code == 3
    assert (tmp_path / "tips.json").exists()


def test_star_import_gives_every_class_including_the_processor():
    namespace = {}
    exec("from rayvision_utils.exception.exception import *", namespace)
    assert namespace["RayvisionHTTPErrorProcessor"] is api_exc.RayvisionHTTPErrorProcessor
    assert namespace["RayvisionOutcomeUnknownError"] is api_exc.RayvisionOutcomeUnknownError
    assert set(utils_exc.__all__) <= set(namespace)


def test_every_exception_of_rayvision_api_is_re_exported():
    classes = set(name for name, value in vars(api_exc).items()
                  if isinstance(value, type) and issubclass(value, BaseException)
                  and value.__module__ == api_exc.__name__)
    assert classes <= set(utils_exc.__all__)
    for name in classes:
        assert getattr(utils_exc, name) is getattr(api_exc, name)


def test_exception_names_are_static_imports():
    # Static tools (IDEs, linters, type checkers) see names only when they are imported by
    # name; a loop filling globals() hides them.
    with open(utils_exc.__file__, encoding="utf-8") as handle:
        source = handle.read()
    assert "globals()" not in source
    for name in utils_exc.__all__:
        assert "    {0},\n".format(name) in source, name


def test_tips_keep_the_key_type_of_the_caller(tmp_path):
    tips = TipsInfo(save_path=str(tmp_path))
    tips.add(123, "int key")
    tips.add("123", "str key")
    tips.set_tips(456, "raw")
    assert tips.tips_list[123] == ["int key"]
    assert tips.tips_list["123"] == ["str key"]
    assert tips.tips_list[456] == "raw"
    with open(tips.save_tips(), encoding="utf-8") as handle:
        # tips.json has text codes only; the two spellings of 123 are one code there.
        assert json.load(handle) == {"123": ["int key", "str key"], "456": "raw"}
