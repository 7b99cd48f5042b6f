"""The Maya menu and the Houdini shelf tools in stand-in interactive sessions (2.7 and 3).

The session (``standins/drive_dcc.py``) runs under this interpreter and under a real Python
2.7, with stand-ins of ``maya.cmds`` / ``maya.utils`` and ``hou`` / ``hdefereval`` that refuse
UI calls off the main thread. The in-DCC analysis is the SDK's own (``*/dcc/`` modules); the
submission is the real ``rayvision`` command against a sandbox farm.
"""

import json
import os
import re

import pytest

from helpers.integration_hosts import (
    INTEGRATIONS,
    ROOT,
    STANDINS,
    farm_env,
    processes_with_marker,
    rayvision_executable,
    run,
    task_status,
)
from helpers.interpreters import interpreters, resolve

MAYA_SCRIPTS = os.path.join(INTEGRATIONS, "maya", "scripts")
HOUDINI_SCRIPTS = os.path.join(INTEGRATIONS, "houdini", "scripts", "python")


def maya_scene(project):
    """What the stand-in Maya has open: the example scene's layers, frames and textures."""
    root = str(project).replace("\\", "/")
    texture = {"useFrameExtension": False, "uvTilingMode": 0}
    return {
        "version": "2018", "project": root, "modified": True,
        "scene_file": root + "/scenes/muti_layer_test.ma",
        "nodes": {
            "defaultRenderLayer": {"type": "renderLayer", "attrs": {"renderable": False}},
            "background": {"type": "renderLayer", "attrs": {"renderable": True}},
            "characters": {"type": "renderLayer", "attrs": {"renderable": True}},
            "defaultRenderGlobals": {"type": "renderGlobals", "attrs": {
                "currentRenderer": "mayaSoftware", "animation": True, "startFrame": 1.0,
                "endFrame": 5.0, "byFrameStep": 1.0, "imfPluginKey": "png"}},
            "perspShape": {"type": "camera", "attrs": {"renderable": True}},
            "wood": {"type": "file", "attrs": dict(texture,
                                                    fileTextureName="sourceimages/wood.png")},
            "sky": {"type": "file", "attrs": dict(texture,
                                                  fileTextureName=root + "/sourceimages/sky.png")},
            "lost": {"type": "file", "attrs": dict(texture,
                                                   fileTextureName="sourceimages/lost.png")},
        },
        "layer_overrides": {"characters": {"defaultRenderGlobals.endFrame": 3.0}},
    }


def houdini_scene():
    return {"nodes": [
        {"path": "/out/mantra1", "type": "ifd", "tuples": {"f": [1, 5, 1]},
         "parms": {"camera": "/obj/cam1"}},
        {"path": "/obj/cam1", "type": "cam", "tuples": {"res": [640, 480]}},
        {"path": "/obj/rock/file1", "type": "file", "parms": {"file": "$HIP/geo/rock.obj"}},
        {"path": "/mat/rock", "type": "principledshader::2.0",
         "parms": {"basecolor_texture": "$HIP/tex/rock_basecolor.png",
                   "rough_texture": "$HIP/tex/rock_rough.png"}}],
        "file_references": [["/obj/rock/file1/file", "$HIP/geo/rock.obj"],
                            ["/mat/rock/basecolor_texture", "$HIP/tex/rock_basecolor.png"],
                            ["/mat/rock/rough_texture", "$HIP/tex/rock_rough.png"]]}


def session_env(env, farm, tmp_path, dcc, project):
    env = dict(farm_env(env, farm), PYTHONPATH=STANDINS,
               RAYVISION_EXECUTABLE=rayvision_executable())
    description = tmp_path / "scene.json"
    if dcc == "maya":
        description.write_text(json.dumps(maya_scene(project)))
        env.update(FAKE_MAYA_SCENE=str(description),
                   RAYVISION_SITE=os.path.join(ROOT, "rayvision_maya", "src"))
    else:
        description.write_text(json.dumps(houdini_scene()))
        env.update(FAKE_HOU_SCENE=str(description),
                   FAKE_HOU_HIP=str(project / "rock_turntable.hip"),
                   RAYVISION_SITE=os.path.join(ROOT, "rayvision_houdini", "src"))
    return env


def drive(interpreter, dcc, action, env, tmp_path):
    scripts = MAYA_SCRIPTS if dcc == "maya" else HOUDINI_SCRIPTS
    result = tmp_path / "session.json"
    done = run([resolve(interpreter), os.path.join(STANDINS, "drive_dcc.py"), dcc, scripts,
                action, str(result)], env, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(result.read_text()), done


@pytest.fixture
def houdini_project(tmp_path):
    import shutil

    target = tmp_path / "projects" / "rock"
    shutil.copytree(os.path.join(ROOT, "examples", "scenes", "houdini"), str(target))
    return target


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_maya_menu_shows_findings_and_submits_without_blocking(
        interpreter, rayvision_sandbox, worker_env, maya_project, tmp_path):
    farm = rayvision_sandbox
    env = session_env(worker_env, farm, tmp_path, "maya", maya_project)
    seen, done = drive(interpreter, "maya", "submit", env, tmp_path)

    findings = seen["findings"].splitlines()
    assert "  background  frames 1-5[1]" in findings
    assert "  characters  frames 1-3[1]" in findings
    assert "  defaultRenderLayer  frames 1-5[1]  (off)" in findings
    assert "Missing files (1):" in findings
    assert findings[-1] == "  " + str(maya_project / "sourceimages" / "lost.png")
    assert seen["saved"] == [str(maya_project / "scenes" / "muti_layer_test.ma")]
    assert seen["submit_seconds"] < 1.0  # the click returns; the work is on a thread
    assert any("uploading" in status for status in seen["statuses"])
    task_id = re.match(r"Submitted: Renderbus task (\d+)$", seen["final"]).group(1)
    assert seen["loops"] > 10  # the UI loop kept turning while it ran
    assert task_status(farm, task_id) in (5, 25)
    assert farm.access_key not in done.stdout + done.stderr


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_maya_cancel_kills_the_submission(interpreter, slow_farm, worker_env, maya_project,
                                          tmp_path):
    slow_farm.faults.set(latency=0.3)
    env = session_env(worker_env, slow_farm, tmp_path, "maya", maya_project)
    seen, _ = drive(interpreter, "maya", "cancel", env, tmp_path)
    assert seen["final"] == "Cancelled"
    assert processes_with_marker(worker_env["RENDERBUS_TEST_MARKER"]) == []
    slow_farm.faults.clear()
    from rayvision_api import RayvisionAPI

    api = RayvisionAPI(**slow_farm.api_kwargs())
    items = (api.query.get_task_list(page_num=1, page_size=50) or {}).get("items") or []
    assert [item["taskStatus"] for item in items if item.get("submitDate")] == []


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_houdini_shelf_tool_shows_findings_and_submits(interpreter, rayvision_sandbox,
                                                       worker_env, houdini_project, tmp_path):
    farm = rayvision_sandbox
    env = session_env(worker_env, farm, tmp_path, "houdini", houdini_project)
    seen, _ = drive(interpreter, "houdini", "submit", env, tmp_path)
    findings = seen["findings"].splitlines()
    assert "  /out/mantra1  frames 1-5[1]" in findings
    assert findings[-2:] == ["Missing files (1):",
                             "  " + str(houdini_project / "tex" / "rock_rough.png")]
    assert seen["saved"] == [str(houdini_project / "rock_turntable.hip")]
    assert seen["submit_seconds"] < 1.0
    task_id = re.match(r"Submitted: Renderbus task (\d+)$", seen["final"]).group(1)
    assert seen["messages"][-1] == seen["final"]
    assert task_status(farm, task_id) in (5, 25)


def test_houdini_submission_failure_is_reported_in_one_line(rayvision_sandbox, worker_env,
                                                            houdini_project, tmp_path):
    env = session_env(worker_env, rayvision_sandbox, tmp_path, "houdini", houdini_project)
    env["RAYVISION_ACCESS_KEY"] = "0" * 32
    seen, _ = drive(interpreters()[0], "houdini", "submit", env, tmp_path)
    assert seen["final"].startswith("Renderbus submission failed: error 611")
    assert "\n" not in seen["final"]


def _moved_to_an_accented_folder(project):
    """Rename the project folder to one with accented characters; the new path."""
    moved = project.parent / u"sc\u00e8ne_\u00e9t\u00e9"
    project.rename(moved)
    return moved


def _assert_submitted(seen, farm):
    """The window's final line names the cloud task, and the farm renders it."""
    assert seen["final"].startswith("Submitted: "), seen["final"]
    task_id = re.match(r"Submitted: Renderbus task (\d+)$", seen["final"]).group(1)
    assert task_status(farm, task_id) in (5, 25)


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_maya_menu_submits_a_scene_with_a_unicode_path(interpreter, rayvision_sandbox,
                                                      worker_env, maya_project, tmp_path):
    # Maya 2018-2021 (Python 2.7) hands the scene's path over as unicode.
    project = _moved_to_an_accented_folder(maya_project)
    farm = rayvision_sandbox
    env = session_env(worker_env, farm, tmp_path, "maya", project)
    seen, done = drive(interpreter, "maya", "submit", env, tmp_path)
    assert seen["findings"].splitlines()[0] == u"Scene: {0}".format(
        str(project / "scenes" / "muti_layer_test.ma"))
    _assert_submitted(seen, farm)


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_maya_submission_failure_naming_a_unicode_path_is_reported(
        interpreter, rayvision_sandbox, worker_env, maya_project, tmp_path):
    project = _moved_to_an_accented_folder(maya_project)
    env = session_env(worker_env, rayvision_sandbox, tmp_path, "maya", project)
    scene = json.loads((tmp_path / "scene.json").read_text())
    scene["scene_file"] = scene["scene_file"].replace("muti_layer_test.ma", "gone.ma")
    (tmp_path / "scene.json").write_text(json.dumps(scene))
    seen, _ = drive(interpreter, "maya", "submit", env, tmp_path)
    assert seen["final"] == u"Failed: error 1000003: scene {0} is not a file".format(
        str(project / "scenes" / "gone.ma")), seen["final"]


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_houdini_submission_failure_naming_a_unicode_path_is_reported(
        interpreter, rayvision_sandbox, worker_env, houdini_project, tmp_path):
    project = _moved_to_an_accented_folder(houdini_project)
    env = session_env(worker_env, rayvision_sandbox, tmp_path, "houdini", project)
    env["FAKE_HOU_HIP"] = str(project / "gone.hip")
    seen, _ = drive(interpreter, "houdini", "submit", env, tmp_path)
    expected = u"Renderbus submission failed: error 1000003: scene {0} is not a file".format(
        str(project / "gone.hip"))
    assert (seen["final"], seen["messages"][-1]) == (expected, expected)


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_maya_window_opened_again_can_cancel_the_running_submission(
        interpreter, slow_farm, worker_env, maya_project, tmp_path):
    slow_farm.faults.set(latency=0.3)
    env = session_env(worker_env, slow_farm, tmp_path, "maya", maya_project)
    seen, _ = drive(interpreter, "maya", "reopen-cancel", env, tmp_path)
    assert seen["final"] == "Cancelled"
    assert processes_with_marker(worker_env["RENDERBUS_TEST_MARKER"]) == []


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_houdini_shelf_tool_submits_a_hip_file_with_a_unicode_path(
        interpreter, rayvision_sandbox, worker_env, houdini_project, tmp_path):
    project = _moved_to_an_accented_folder(houdini_project)
    farm = rayvision_sandbox
    env = session_env(worker_env, farm, tmp_path, "houdini", project)
    seen, _ = drive(interpreter, "houdini", "submit", env, tmp_path)
    assert seen["findings"].splitlines()[0] == u"Scene: {0}".format(
        str(project / "rock_turntable.hip"))
    _assert_submitted(seen, farm)
