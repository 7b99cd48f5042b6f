"""Dependency rules of the static Maya reader that a regression could bend quietly.

Each scene is written here, so its dependencies are known by construction.
"""

import os

from rayvision_maya.static_analysis import StaticMayaAnalysis
from rayvision_utils.exception import tips_code

HEADER = '//Maya ASCII 2018 scene\n//Codeset: UTF-8\n'


def write_scene(path, body):
    name = os.path.basename(str(path))
    path.write_text(HEADER + body + "// End of {0}\n".format(name))
    return str(path)


def texture_node(name, texture):
    return ('createNode file -n "{0}";\n'
            '\tsetAttr ".ftn" -type "string" "{1}";\n').format(name, texture)


def uploads(result):
    return sorted(os.path.basename(path) for path in result.upload_files)


def analyse(scene):
    return StaticMayaAnalysis(scene).run()


def test_one_deferred_copy_does_not_unload_a_reference(tmp_path):
    (tmp_path / "wood.png").write_bytes(b"x")
    write_scene(tmp_path / "child.ma", texture_node("wood", "wood.png"))
    top = write_scene(tmp_path / "top.ma",
                      'file -r -ns "a" -dr 1 -rfn "aRN" -typ "mayaAscii" "child.ma";\n'
                      'file -r -ns "a1" -rfn "aRN1" -typ "mayaAscii" "child.ma{1}";\n')
    result = analyse(top)
    assert "wood.png" in uploads(result)
    references = [asset for asset in result.assets if asset["kind"] == "reference"]
    assert len(references) == 1 and not references[0].get("deferred")


def test_a_reference_is_named_after_its_first_loaded_copy(tmp_path):
    # Maya loads the second copy only: its nodes and cameras carry the namespace "a1".
    write_scene(tmp_path / "child.ma", 'createNode transform -n "cam";\n'
                                       'createNode camera -n "camShape" -p "cam";\n'
                                       + texture_node("wood", "gone.png"))
    top = write_scene(tmp_path / "top.ma",
                      'file -r -ns "a" -dr 1 -rfn "aRN" -typ "mayaAscii" "child.ma";\n'
                      'file -r -ns "a1" -rfn "aRN1" -typ "mayaAscii" "child.ma{1}";\n'
                      'createNode renderLayer -n "defaultRenderLayer";\n')
    result = analyse(top)
    references = [asset for asset in result.assets if asset["kind"] == "reference"]
    assert [asset["node"] for asset in references] == ["aRN1"]
    assert [asset["node"] for asset in result.assets if asset["type"] == "file"] == ["a1:wood"]
    common = result.scene_info["defaultRenderLayer"]["common"]
    assert common["all_camera"] == ["a1:camShape"]


def test_missing_references_and_caches_have_a_dependency_chain(tmp_path):
    top = write_scene(tmp_path / "top.ma",
                      'file -r -ns "a" -rfn "aRN" -typ "mayaAscii" "gone.ma";\n'
                      'createNode cacheFile -n "cloth";\n'
                      '\tsetAttr ".cp" -type "string" "cache";\n'
                      '\tsetAttr ".cn" -type "string" "clothShape";\n')
    result = analyse(top)
    folder = str(tmp_path).replace(os.sep, "/")
    assert result.sources == {folder + "/gone.ma": "aRN.fileName",
                              folder + "/cache/clothShape.xml": "cloth.cachePath"}


def test_dr_true_is_deferred(tmp_path):
    (tmp_path / "wood.png").write_bytes(b"x")
    write_scene(tmp_path / "child.ma", texture_node("wood", "wood.png"))
    top = write_scene(tmp_path / "top.ma",
                      'file -r -ns "b" -dr true -rfn "bRN" -typ "mayaAscii" "child.ma";\n')
    result = analyse(top)
    assert uploads(result) == ["child.ma"]
    references = [asset for asset in result.assets if asset["kind"] == "reference"]
    assert references[0]["deferred"] is True


def test_backslash_only_paths_in_generic_string_attributes_are_found(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "settings.json").write_text("{}")
    top = write_scene(tmp_path / "top.ma",
                      'createNode customTool -n "tool1";\n'
                      '\tsetAttr ".settingsPath" -type "string" "data\\\\settings.json";\n')
    result = analyse(top)
    assert uploads(result) == ["settings.json"]


def test_references_are_read_sixteen_deep_and_no_deeper(tmp_path):
    for level in range(1, 18):
        (tmp_path / "tex{0}.png".format(level)).write_bytes(b"x")
        body = texture_node("t{0}".format(level), "tex{0}.png".format(level))
        if level < 17:
            body = ('file -r -ns "n{0}" -rfn "n{0}RN" -typ "mayaAscii" "r{0}.ma";\n'
                    .format(level + 1)) + body
        write_scene(tmp_path / "r{0}.ma".format(level), body)
    top = write_scene(tmp_path / "top.ma",
                      'file -r -ns "n1" -rfn "n1RN" -typ "mayaAscii" "r1.ma";\n')
    result = analyse(top)
    found = uploads(result)
    assert "tex16.png" in found and "r17.ma" in found
    assert "tex17.png" not in found
    assert tips_code.SCENE_PARTLY_READ in result.tips


def test_per_frame_mc_cache_files_are_uploaded(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    names = ["clothShape.xml", "clothShapeFrame1.mc", "clothShapeFrame2.mc"]
    for name in names:
        (cache / name).write_bytes(b"x")
    top = write_scene(tmp_path / "top.ma",
                      'createNode cacheFile -n "cacheFile1";\n'
                      '\tsetAttr ".cn" -type "string" "clothShape";\n'
                      '\tsetAttr ".cp" -type "string" "{0}";\n'.format(
                          str(cache).replace(os.sep, "/")))
    assert uploads(analyse(top)) == names


def test_nested_reference_nodes_carry_the_namespace_of_their_scene(tmp_path):
    # Maya names the reference node of a reference inside "r1" "r1:r11RN".
    write_scene(tmp_path / "grandchild.ma", texture_node("stone", "stone.png"))
    write_scene(tmp_path / "child.ma",
                'file -r -ns "r11" -rfn "r11RN" -typ "mayaAscii" "grandchild.ma";\n'
                'file -r -ns "r12" -rfn "r12RN" -typ "mayaAscii" "gone.ma";\n')
    top = write_scene(tmp_path / "top.ma",
                      'file -r -ns "r1" -rfn "r1RN" -typ "mayaAscii" "child.ma";\n')
    result = analyse(top)
    references = [asset["node"] for asset in result.assets if asset["kind"] == "reference"]
    assert references == ["r1RN", "r1:r11RN", "r1:r12RN"]
    assert [asset["node"] for asset in result.assets if asset["type"] == "file"] == [
        "r1:r11:stone"]
    folder = str(tmp_path).replace(os.sep, "/")
    assert result.sources[folder + "/gone.ma"] == "r1:r12RN.fileName"
