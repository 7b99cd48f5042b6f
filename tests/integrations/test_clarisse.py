"""The Clarisse submitter in a stand-in interactive Clarisse (2.7 and 3), and its path rules.

The session (``standins/drive_clarisse.py``) runs the script file under this interpreter and
under a real Python 2.7, with a stand-in ``ix`` that refuses GUI calls off the main thread
and lets a scripted user act on each turn of the event loop. The in-Clarisse analysis is the
SDK's own (``rayvision_clarisse/dcc/clarisse_analyse.py``); the submission is the real
``rayvision`` command against a sandbox farm.
"""

import importlib.util
import json
import os
import re
import shutil
import sys

import pytest

from helpers.integration_hosts import (
    INTEGRATIONS,
    ROOT,
    STANDINS,
    farm_env,
    farm_tasks,
    processes_with_marker,
    rayvision_executable,
    run,
    task_status,
)
from helpers.interpreters import interpreters, resolve

SCRIPT = os.path.join(INTEGRATIONS, "clarisse", "scripts", "renderbus_clarisse.py")
PROJECT_FILE = "clarisse_test1.project"


def clarisse_scene():
    """What the stand-in Clarisse has loaded: the example project, plus a lost texture and
    an image whose only layer is disabled (as Clarisse reports them, values as written)."""
    return {
        "objects": [
            {"name": "project://scene/beauty", "class": "Image",
             "attrs": {"first_frame": 1, "last_frame": 4, "format": 0,
                       "save_as": "$PDIR/render/beauty.####.exr", "save_to_disk": True,
                       "layers": ["project://scene/beauty.main",
                                  "project://scene/beauty.shadows"]}},
            {"name": "project://scene/beauty.main", "class": "Layer3d",
             "attrs": {"first_frame": 1, "last_frame": 4}},
            {"name": "project://scene/beauty.shadows", "class": "Layer3d",
             "attrs": {"first_frame": 1, "last_frame": 2}},
            {"name": "project://scene/preview", "class": "Image",
             "attrs": {"first_frame": 1, "last_frame": 4,
                       "layers": ["project://scene/preview.main"]}},
            {"name": "project://scene/preview.main", "class": "Layer3d", "disabled": True},
        ],
        "path_attrs": [
            {"object": "project://scene/table", "name": "filename",
             "value": "$PDIR/geometry/table.obj"},
            {"object": "project://scene/wood", "name": "filename",
             "value": "textures/wood.png"},
            {"object": "project://scene/wood_tiles", "name": "filename",
             "value": "$PDIR/textures/wood.<UDIM>.png"},
            {"object": "project://scene/lost", "name": "filename",
             "value": "$PDIR/textures/lost.png"},
            {"object": "project://scene/beauty", "name": "save_as",
             "value": "$PDIR/render/beauty.####.exr", "hint": "VISUAL_HINT_FILENAME_SAVE"},
            {"object": "project://scene/props/vase_geo", "name": "filename",
             "value": "$PDIR/vase.obj"},
            {"object": "project://scene/props/metal", "name": "filename",
             "value": "$CDIR/metal.png"},
        ],
        "contexts": [{"name": "project://scene/props", "reference": True,
                      "filename": "$PDIR/refs/props.project"}],
    }


@pytest.fixture
def clarisse_project(tmp_path):
    """A copy of the example Clarisse project (a studio's file server)."""
    target = tmp_path / "projects" / "shot020"
    shutil.copytree(os.path.join(ROOT, "examples", "scenes", "clarisse"), str(target))
    return target


def session_env(env, farm, tmp_path, project):
    description = tmp_path / "ix_scene.json"
    description.write_text(json.dumps(clarisse_scene()))
    return dict(farm_env(env, farm), PYTHONPATH=STANDINS,
                RAYVISION_EXECUTABLE=rayvision_executable(), FAKE_IX_SCENE=str(description),
                FAKE_IX_PROJECT=str(project / PROJECT_FILE),
                RAYVISION_SITE=os.path.join(ROOT, "rayvision_clarisse", "src"))


def drive(interpreter, action, env, tmp_path, *typed):
    result = tmp_path / "session.json"
    done = run([resolve(interpreter), os.path.join(STANDINS, "drive_clarisse.py"), SCRIPT,
                action, str(result)] + list(typed), env, tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(result.read_text()), done


def expected_findings(project):
    return "\n".join([
        "Project: {0}".format(project / PROJECT_FILE),
        "",
        "Images:",
        "  project://scene/beauty  frames 1-4[1]",
        "    project://scene/beauty.main  frames 1-4[1]",
        "    project://scene/beauty.shadows  frames 1-2[1]",
        "  project://scene/preview  frames 1-4[1]  (no layer to render)",
        "    project://scene/preview.main  frames 1-4[1]  (disabled)",
        "",
        "Files read by the project: 7",
        "Missing files (1):",
        "  {0}".format(project / "textures" / "lost.png"),
    ])


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_clarisse_window_shows_findings_and_submits_without_blocking(
        interpreter, rayvision_sandbox, worker_env, clarisse_project, tmp_path):
    farm = rayvision_sandbox
    env = session_env(worker_env, farm, tmp_path, clarisse_project)
    farm_project = "shot020-" + worker_env["RENDERBUS_TEST_MARKER"][:8]  # the farm is shared
    seen, done = drive(interpreter, "submit", env, tmp_path, "1-2[1]", farm_project)

    assert seen["title"] == "Submit to Renderbus"
    assert seen["findings"] == expected_findings(clarisse_project)
    assert seen["read_only"] is True
    assert seen["fields"] == {"Images": "project://scene/beauty", "Frames": "",
                              "Farm project": "", "Software": "clarisse_ifx_4.0_sp3"}
    assert seen["saved"] == [str(clarisse_project / PROJECT_FILE)]
    assert seen["submit_seconds"] < 1.0  # the click returns; the work is on a thread
    assert any("uploading" in status for status in seen["statuses"])
    task_id = re.match(r"Submitted: Renderbus task (\d+)$", seen["final"]).group(1)
    assert seen["loops"] > 10  # the event loop kept turning while it ran
    assert ["info", seen["final"]] in seen["log"]
    assert seen["refused"] == []
    assert seen["destroyed"] == [True]
    (task,) = farm_tasks(farm, farm_project)
    assert str(task["id"]) == task_id
    # The frames the user typed, on each layer of the image, and nothing else.
    assert set(task["framesRange"].split(";")) == {"1-2[1]"}
    assert task_status(farm, task_id) in (5, 25)
    assert farm.access_key not in done.stdout + done.stderr + json.dumps(seen)


def submitted_tasks(farm):
    from rayvision_api import RayvisionAPI

    api = RayvisionAPI(**farm.api_kwargs())
    items = (api.query.get_task_list(page_num=1, page_size=100) or {}).get("items") or []
    return sorted(item["id"] for item in items if item.get("submitDate"))


@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_clarisse_cancel_kills_the_submission(interpreter, slow_farm, worker_env,
                                              clarisse_project, tmp_path):
    slow_farm.faults.set(latency=0.3)
    env = session_env(worker_env, slow_farm, tmp_path, clarisse_project)
    seen, _ = drive(interpreter, "cancel", env, tmp_path)
    assert seen["final"] == "Renderbus submission cancelled"
    assert seen["statuses"][-2:] == ["Renderbus: cancelling...", seen["final"]]
    assert processes_with_marker(worker_env["RENDERBUS_TEST_MARKER"]) == []
    assert seen["refused"] == []
    slow_farm.faults.clear()
    assert submitted_tasks(slow_farm) == []


def test_clarisse_window_closed_while_submitting_kills_it(slow_farm, worker_env,
                                                          clarisse_project, tmp_path):
    slow_farm.faults.set(latency=0.3)
    env = session_env(worker_env, slow_farm, tmp_path, clarisse_project)
    seen, _ = drive(interpreters()[0], "close", env, tmp_path)
    assert seen["log"][-1] == ["warning", "Renderbus submission cancelled"]
    assert seen["threads_left"] == []
    assert processes_with_marker(worker_env["RENDERBUS_TEST_MARKER"]) == []
    slow_farm.faults.clear()
    assert submitted_tasks(slow_farm) == []


def test_clarisse_submission_failure_is_reported_in_one_line(rayvision_sandbox, worker_env,
                                                             clarisse_project, tmp_path):
    env = session_env(worker_env, rayvision_sandbox, tmp_path, clarisse_project)
    env["RAYVISION_ACCESS_KEY"] = "0" * 32
    seen, done = drive(interpreters()[0], "submit", env, tmp_path)
    assert seen["final"].startswith("Renderbus submission failed: error 611")
    assert "\n" not in seen["final"]
    assert ["warning", seen["final"]] in seen["log"]
    assert rayvision_sandbox.access_key not in done.stdout + done.stderr


def test_clarisse_project_not_saved_is_not_submitted(rayvision_sandbox, worker_env,
                                                     clarisse_project, tmp_path):
    env = session_env(worker_env, rayvision_sandbox, tmp_path, clarisse_project)
    env["FAKE_IX_SAVE_ANSWERS"] = "cancel"
    before = submitted_tasks(rayvision_sandbox)
    seen, _ = drive(interpreters()[0], "submit", env, tmp_path)
    assert seen["final"] == "Not submitted: save the project first"
    assert seen["saved"] == []
    assert submitted_tasks(rayvision_sandbox) == before


# -- the script's own rules, in this interpreter ---------------------------------------------

@pytest.fixture
def script(monkeypatch):
    """The script imported with the stand-in ``ix`` (no project needed for its pure rules)."""
    monkeypatch.syspath_prepend(STANDINS)
    for name in ("ix", "rayvision_job", "renderbus_clarisse"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    spec = importlib.util.spec_from_file_location("renderbus_clarisse", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    yield module
    for name in ("ix", "rayvision_job"):
        sys.modules.pop(name, None)


@pytest.mark.parametrize("value,folder,expected", [
    ("$PDIR/tex/a.png", "/proj/shot", "/proj/shot/tex/a.png"),
    ("${CDIR}/../lib/a.png", "/proj/shot", "/proj/lib/a.png"),
    ("tex/a.png", "/proj/shot", "/proj/shot/tex/a.png"),
    ("tex\\a.png", "P:\\proj\\shot", "P:/proj/shot/tex/a.png"),
    ("D:\\tex\\a.png", "/proj/shot", "D:/tex/a.png"),
    ("\\\\server\\share\\a.png", "P:/proj", "//server/share/a.png"),
    ("$ASSETS/a.$4F.exr", "/proj", "/lib/assets/a.$4F.exr"),
    ("$NOWHERE/a.png", "/proj", "$NOWHERE/a.png"),
    ("tex/$NOWHERE.png", "/proj", "/proj/tex/$NOWHERE.png"),
    ("$F4_beauty/a.png", "/proj", "$F4_beauty/a.png"),
    ("/t/a.$F4.exr", "/proj", "/t/a.$F4.exr"),  # a frame token, although F4 is defined
    ("  ", "/proj", ""),
])
def test_resolve_path(script, value, folder, expected):
    assert script.resolve_path(value, folder, {"ASSETS": "/lib/assets", "F4": "x"}) == expected


@pytest.mark.parametrize("path,sequence", [
    ("/t/a.####.exr", True), ("/t/a.$4F.exr", True), ("/t/a.${4F}.exr", True),
    ("/t/a.$F.exr", True), ("/t/a.<UDIM>.tx", True), ("/t/a.<uvtile>.tx", True),
    ("/t/a.%04d.exr", True), ("/t/$4F_beauty.exr", False), ("/t####/a.exr", False),
    ("/t/a.exr", False),
])
def test_sequence_tokens(script, path, sequence):
    assert script.is_sequence(path) is sequence


def test_missing_files_and_sequences(script, tmp_path, monkeypatch):
    (tmp_path / "tex").mkdir()
    (tmp_path / "tex" / "a.png").write_text("x")
    folder = str(tmp_path).replace("\\", "/")
    assert not script.is_missing(folder + "/tex/a.png")
    assert script.is_missing(folder + "/tex/b.png")
    assert not script.is_missing(folder + "/tex/b.<UDIM>.png")  # the folder is there
    assert script.is_missing(folder + "/gone/b.####.png")
    monkeypatch.chdir(tmp_path)  # a relative path is not looked for where this process is
    assert script.is_missing("tex/a.png")
    assert script.is_missing("$NOWHERE/a.<UDIM>.png")


def test_files_of_nested_references_resolve_against_their_own_file(script):
    refs = {"project://a/tex.filename": ["$PDIR/t.png"],
            "project://a/ref/geo.filename": ["$PDIR/g.obj"],
            "project://a/ref/inner/geo.filename": ["g.obj"],
            "project://a/refined.filename": ["r.png"],
            "project://a/empty.filename": []}
    references = {"project://a/ref": "$PDIR/lib/ref.project",
                  "project://a/ref/inner": "sub/inner.project"}
    assert script.files_read(refs, references, "P:\\show", {}) == {
        "project://a/ref": "P:/show/lib/ref.project",
        "project://a/ref/inner": "P:/show/lib/sub/inner.project",
        "project://a/tex.filename": "P:/show/t.png",
        "project://a/ref/geo.filename": "P:/show/lib/g.obj",
        "project://a/ref/inner/geo.filename": "P:/show/lib/sub/g.obj",
        "project://a/refined.filename": "P:/show/r.png",
    }


@pytest.mark.parametrize("name,expected", [
    ("4.0_SP3", "clarisse_ifx_4.0_sp3"), ("5.0 SP8", "clarisse_ifx_5.0_sp8"),
    ("clarisse_ifx_4.0_sp3", "clarisse_ifx_4.0_sp3"), ("", ""), (None, "")])
def test_software_version(script, name, expected):
    assert script.software_version(name) == expected


def test_final_lines(script):
    assert script.final_line("42", None) == "Submitted: Renderbus task 42"
    assert script.final_line(None, "error 611: bad key") == \
        "Renderbus submission failed: error 611: bad key"
    assert script.final_line(None, None) == "Renderbus submission cancelled"



@pytest.mark.parametrize("interpreter", interpreters(), ids=["py3", "py27"])
def test_final_line_of_an_error_naming_a_unicode_path(interpreter, worker_env, tmp_path):
    # The command's error events are unicode on Python 2 (Clarisse 4), accents included.
    code = ("import io, sys; sys.path.insert(0, sys.argv[1]); import renderbus_clarisse as r\n"
            "line = r.final_line(None, u'error 1000003: scene /p/sc\\xe8ne.project is not a "
            "file')\nio.open(sys.argv[2], 'w', encoding='utf-8').write(line)\n")
    env = dict(worker_env, PYTHONPATH=STANDINS, FAKE_IX_SCENE="")
    done = run([resolve(interpreter), "-c", code, os.path.dirname(SCRIPT),
                str(tmp_path / "line.txt")], env, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert (tmp_path / "line.txt").read_text(encoding="utf-8") == \
        u"Renderbus submission failed: error 1000003: scene /p/sc\u00e8ne.project is not a file"
