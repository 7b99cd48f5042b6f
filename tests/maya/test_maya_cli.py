"""python -m rayvision_maya: the command line for CI and submit hosts."""

import json
import os
import subprocess
import sys


def run(*args):
    process = subprocess.run([sys.executable, "-m", "rayvision_maya"] + [str(a) for a in args],
                             capture_output=True)
    return process.returncode, process.stdout.decode("utf-8"), process.stderr.decode("utf-8")


def test_static_analysis_summary(project, workspace):
    code, out, err = run(project / "scenes" / "legacy_layers.ma", "--workspace", workspace,
                         "--backend", "static", "--project-name", "P1",
                         "--plugin", "mtoa=3.1.2.1")
    assert code == 0, err
    summary = json.loads(out)
    assert summary["backend"] == "static"
    assert summary["tips"] == {}
    with open(summary["task_json"], encoding="utf-8") as handle:
        task = json.load(handle)
    assert task["software_config"] == {"plugins": {"mtoa": "3.1.2.1"}, "cg_version": "2018",
                                       "cg_name": "Maya"}
    assert task["task_info"]["project_name"] == "P1"


def test_errors(project, workspace, tmp_path):
    code, _, err = run(tmp_path / "absent.ma", "--workspace", workspace)
    assert code == 2 and "absent.ma" in err
    code, _, err = run(project / "scenes" / "legacy_layers.ma", "--workspace", workspace,
                       "--software-version", "2019", "--backend", "static")
    assert code == 2 and "mismatch" in err
    garbage = tmp_path / "garbage.ma"
    garbage.write_bytes(b"\x00\x01garbage")
    code, _, err = run(garbage, "--workspace", workspace)
    assert code == 2 and "--software-version" in err
    code, _, err = run(project / "scenes" / "legacy_layers.ma", "--plugin", "mtoa")
    assert code == 2 and "NAME=VERSION" in err


def test_dcc_failure_status(project, workspace, maya_standin, monkeypatch):
    monkeypatch.setenv("FAKE_MAYA_EXIT", "4")
    monkeypatch.setenv("FAKE_MAYA_SCENE", str(project / "no_such_scene.json"))
    code, _, err = run(project / "scenes" / "legacy_layers.ma", "--workspace", workspace,
                       "--exe", maya_standin(), "--local-os", "linux")
    assert code == 3 and "analysis failed" in err


def test_not_a_maya_scene(workspace, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n")
    code, out, err = run(notes, "--workspace", workspace)
    assert (code, out) == (2, "")
    assert "notes.txt is not a Maya scene" in err
    # the right extension but not Maya's content: also "not a Maya scene"
    fake = tmp_path / "fake.ma"
    fake.write_text("shopping list\n")
    code, _, err = run(fake, "--workspace", workspace)
    assert code == 2 and "fake.ma is not a Maya scene" in err


def test_fifo_is_refused_at_once(workspace, tmp_path):
    fifo = tmp_path / "pipe.ma"
    os.mkfifo(str(fifo))
    code, _, err = run(fifo, "--workspace", workspace, "--software-version", "2018",
                       "--backend", "static")
    assert code == 2 and "FIFO" in err
    code, _, err = run(fifo, "--workspace", workspace)
    assert code == 2 and "FIFO" in err


def test_strict_refuses_missing_files(project, workspace, capsys):
    from rayvision_maya.__main__ import main
    scene = str(project / "scenes" / "renderman_usd.ma")
    assert main([scene, "--workspace", workspace, "--backend", "static"]) == 0
    capsys.readouterr()
    assert main([scene, "--workspace", workspace, "--backend", "static", "--strict"]) == 3
    err = capsys.readouterr().err
    assert "missing.ies" in err and "10012" in err
