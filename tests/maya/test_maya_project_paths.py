"""Missing absolute paths found where Maya finds them: under the current project."""

import textwrap

from rayvision_maya import project_paths
from rayvision_maya.static_analysis import StaticMayaAnalysis, find_project_root

RULES = {"sourceImages": "assets/tex", "scene": "scenes"}


def test_relocated_paths_of_a_windows_path():
    assert project_paths.relocated_paths(
        "D:\\old_job\\sourceimages\\wood.png", "E:\\proj", RULES, "texture") == [
        "E:/proj/old_job/sourceimages/wood.png",
        "E:/proj/sourceimages/wood.png",
        "E:/proj/assets/tex/wood.png",
        "E:/proj/wood.png",
    ]


def test_relocated_paths_of_a_unc_and_a_posix_path():
    # The server and share of a network path are no folders of the project.
    assert project_paths.relocated_paths(
        "\\\\filer\\jobs\\shot\\refs\\cam.ma", "/srv/proj", {}, "reference") == [
        "/srv/proj/shot/refs/cam.ma", "/srv/proj/refs/cam.ma", "/srv/proj/scenes/cam.ma",
        "/srv/proj/cam.ma"]
    assert project_paths.relocated_paths("/mnt/a/../b/./c.abc", "/p", {}, None) == [
        "/p/mnt/b/c.abc", "/p/b/c.abc", "/p/c.abc"]
    assert project_paths.relocated_paths("D:/", "/p", {}, "texture") == []


def test_rule_folders_relative_absolute_and_default():
    rules = {"sourceImages": "D:\\library\\tex\\", "alembicCache": "abc"}
    assert project_paths.rule_folders("C:\\proj", rules, "texture") == ["D:/library/tex"]
    assert project_paths.rule_folders("C:\\proj", rules, "alembic") == ["C:/proj/abc"]
    assert project_paths.rule_folders("/p", {}, "texture") == ["/p/sourceimages"]
    assert project_paths.rule_folders("/p", {}, "proxy") == []


def test_parse_file_rules():
    text = ('//Maya 2018 Project Definition\n\nworkspace -fr "sourceImages" "assets/tex";\n'
            'workspace -fr "scene" "scenes";\nworkspace -fr "images" "D:/renders";\n')
    assert project_paths.parse_file_rules(text) == {
        "sourceImages": "assets/tex", "scene": "scenes", "images": "D:/renders"}


def test_project_root_found_many_folders_above_the_scene(tmp_path):
    root = tmp_path / "proj"
    deep = root / "scenes" / "seq010" / "sh020" / "anim" / "v003" / "wip"
    deep.mkdir(parents=True)
    (root / "workspace.mel").write_text('workspace -fr "scene" "scenes";\n')
    assert find_project_root(str(deep)) == str(root)
    assert find_project_root(str(deep), levels=4) is None


MOVED_SCENE = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    //Codeset: UTF-8
    file -rdi 1 -ns "cam" -rfn "camRN" "Z:/old_job/refs/cam.ma";
    file -r -ns "cam" -rfn "camRN" "Z:/old_job/refs/cam.ma";
    requires maya "2020";
    currentUnit -l centimeter -a degree -t film;
    createNode file -n "wood";
    \tsetAttr ".ftn" -type "string" "D:\\\\old_job\\\\sourceimages\\\\wood.png";
    createNode file -n "stone";
    \tsetAttr ".ftn" -type "string" "/mnt/gone/job/textures/rock/stone.png";
    createNode file -n "brick";
    \tsetAttr ".ftn" -type "string" "C:/anywhere/brick.png";
    createNode file -n "lost";
    \tsetAttr ".ftn" -type "string" "D:/nowhere/lost.png";
    createNode renderLayer -n "defaultRenderLayer";
    \tsetAttr ".g" yes;
    // End of shot.ma
    """)

CAMERA = textwrap.dedent("""\
    //Maya ASCII 2020 scene
    requires maya "2020";
    createNode transform -n "shotCam";
    createNode camera -n "shotCamShape" -p "shotCam";
    // End of cam.ma
    """)


def test_missing_absolute_paths_are_found_in_the_project(tmp_path):
    root = tmp_path / "proj"
    for name in ("scenes/seq/shot", "refs", "sourceimages", "textures/rock", "assets/tex"):
        (root / name).mkdir(parents=True)
    (root / "workspace.mel").write_text(
        'workspace -fr "scene" "scenes";\nworkspace -fr "sourceImages" "assets/tex";\n')
    (root / "refs" / "cam.ma").write_text(CAMERA)
    for name in ("sourceimages/wood.png", "textures/rock/stone.png", "assets/tex/brick.png"):
        (root / name).write_bytes(b"png")
    scene = root / "scenes" / "seq" / "shot" / "shot.ma"
    scene.write_text(MOVED_SCENE)
    result = StaticMayaAnalysis(str(scene)).run()
    slash_root = str(root).replace("\\", "/")
    paths = {entry["node"]: entry["path"] for entry in result.assets}
    assert paths["wood"] == [slash_root + "/sourceimages/wood.png"]
    assert paths["stone"] == [slash_root + "/textures/rock/stone.png"]
    assert paths["brick"] == [slash_root + "/assets/tex/brick.png"]
    assert paths["camRN"] == [slash_root + "/refs/cam.ma"]
    assert paths["lost"] == []
    assert result.tips == {"10012": ["D:/nowhere/lost.png"]}
    assert result.scene_info["defaultRenderLayer"]["common"]["all_camera"] == [
        "cam:shotCamShape"]


def test_project_root_search_stops_at_a_network_share():
    from rayvision_maya.static_analysis import _share_root

    assert _share_root("\\\\filer\\jobs\\proj\\scenes") == "\\\\filer\\jobs"
    assert _share_root("//filer/jobs/proj/scenes") == "//filer/jobs"
    assert _share_root("D:\\proj\\scenes") is None
    assert _share_root("/mnt/jobs/proj") is None
