"""Any project is analysed or refused with a typed error, in bounded time and memory.

Each reader runs in a child process under an address-space and CPU limit and a timeout
(``helpers.bounded_run``); the child reports what it found and its peak resident memory,
which must stay under 256 MB whatever the input.
"""

import os

import pytest

from helpers.bounded_run import MEMORY_BUDGET, run_bounded

READ_PROJECT = """
from rayvision_clarisse.project_parser import ProjectFormatError, read_project_file
from rayvision_clarisse.static_analysis import LEAN_ATTRS, PRUNING
from rayvision_utils.scene_input import SceneInputError
path, lean = {path!r}, {lean!r}
if {unprivileged!r}:
    drop_privileges()
try:
    project = read_project_file(path, lean_attrs=LEAN_ATTRS if lean else None,
                                pruning=PRUNING if lean == "pruned" else None)
except (SceneInputError, ProjectFormatError) as error:
    report(error=type(error).__name__, message=str(error))
else:
    objects = {{}}
    for block in project.root.walk():
        if block.attrs.get("name"):
            objects[block.attrs["name"][0]] = dict((k, [v[:40] for v in vs])
                                                   for k, vs in block.attrs.items())
    report(version=project.clarisse_version, objects=objects, md5=project.md5)
"""


def _read(path, lean=True, unprivileged=False, **kwargs):
    return run_bounded(READ_PROJECT.format(path=str(path), lean=lean,
                                           unprivileged=unprivileged), **kwargs)


def _project(tmp_path, kit, body):
    path = tmp_path / "shot.project"
    path.write_bytes((kit.HEADER.format("4") + body).encode("utf-8"))
    return path


@pytest.mark.parametrize("lean", ["pruned", True, False], ids=["pruned", "lean", "full"])
def test_eight_megabyte_quoted_value(tmp_path, kit, lean):
    value = 'a\\"b' * (2 * 1024 * 1024)
    path = _project(tmp_path, kit, 'Context "scene" {\n  TextureMapFile {\n    name "tex"\n'
                                   '    comment "' + value + '"\n'
                                   '    filename "$PDIR/tex/wood.tx"\n  }\n}\n')
    result = _read(path, lean)
    assert result["peak_rss"] < MEMORY_BUDGET, result["peak_rss"]
    attrs = result["objects"]["tex"]
    assert attrs["filename"] == ["$PDIR/tex/wood.tx"]
    if not lean:
        assert attrs["comment"] == ['a"b' * 13 + "a"]


def test_value_spanning_lines_of_many_megabytes(tmp_path, kit):
    lines = "\n".join(["line of a long script"] * 400000)
    path = _project(tmp_path, kit, 'Context "scene" {\n  Script {\n    name "s"\n'
                                   '    text "' + lines + '"\n    after 1\n  }\n}\n')
    result = _read(path, lean=False)
    assert result["objects"]["s"]["after"] == ["1"]
    assert result["peak_rss"] < MEMORY_BUDGET


def test_pruned_read_of_a_file_with_a_string_spanning_many_megabytes(tmp_path, kit):
    # The braces of the stretch cannot be counted: it is read line by line, in bounded memory.
    lines = "\n".join(["line { of } a long script"] * 400000)
    path = _project(tmp_path, kit, 'Context "scene" {\n  Script {\n    name "s"\n'
                                   '    text "' + lines + '"\n    save_as "$PDIR/o.exr"\n  }\n'
                                   '  TextureMapFile {\n    name "t"\n'
                                   '    filename "$PDIR/t.tx"\n  }\n}\n')
    result = _read(path, lean="pruned")
    assert result["objects"]["s"]["save_as"] == ["$PDIR/o.exr"]
    assert result["objects"]["t"]["filename"] == ["$PDIR/t.tx"]
    assert result["peak_rss"] < MEMORY_BUDGET


@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "folder"])
def test_special_files_are_refused_at_once(tmp_path, kind):
    path = tmp_path / "scene.project"
    if kind == "dev_zero":
        os.symlink("/dev/zero", str(path))
    elif kind == "fifo":
        os.mkfifo(str(path))
    else:
        path.mkdir()
    result = _read(path, timeout=30, cpu_seconds=20)
    assert result["error"] == "NotRegularFileError"


def test_unreadable_project_gives_a_typed_error(tmp_path, kit):
    path = _project(tmp_path, kit, 'Context "scene" {\n}\n')
    os.chmod(str(path), 0)
    result = _read(path, unprivileged=True, timeout=60)
    assert result["error"] == "SceneInputError"
    assert "permission" in result["message"].lower()


FUZZ = """
import random, re
from rayvision_clarisse.project_parser import ProjectFormatError, read_project_file
from rayvision_clarisse.static_analysis import LEAN_ATTRS, PRUNING, analyse_project
from rayvision_utils.scene_input import SceneInputError

base = open({base!r}, "rb").read()
rng = random.Random({seed})
frames = re.compile(r"^-?[0-9.e+-]+--?[0-9.e+-]+\\[-?[0-9.e+-]+\\]$")
outcome = {{"analysed": 0, "refused": 0, "with_inputs": 0, "problems": []}}
inputs = {inputs!r}
known = set(inputs + {outputs!r})
target = {target!r}
for number in range({count}):
    data = mutate(base, rng, [b'"', b"\\\\", b"{{", b"}}", b"\\n", b"#",
                             b'"' * 50000, b"{{\\n" * 600, b"\\\\" * 50000])
    with open(target, "wb") as handle:
        handle.write(data)
    try:
        pruning = PRUNING if {pruned!r} else None
        project = read_project_file(target, lean_attrs=LEAN_ATTRS, pruning=pruning)
        result = analyse_project(project, target, environ={{}}, pruning=pruning)
    except (ProjectFormatError, SceneInputError):
        outcome["refused"] += 1
        continue
    outcome["analysed"] += 1
    for image in result.scene_info["image_node"]:
        for entry in [image] + image["layers"]:
            if not frames.match(entry["frames"]) or not entry["name"].startswith("project:/"):
                outcome["problems"].append(entry)
    for table in ("Normal", "Miss", "Unresolved", "Reference"):
        for key, value in result.asset[table].items():
            if not (isinstance(value, list) and len(value) == 2):
                outcome["problems"].append([table, key, value])
    for path in result.upload_files:
        if not os.path.isfile(path):
            outcome["problems"].append(["upload of a missing file", path])
        elif path not in known:
            outcome["problems"].append(["upload of a file the scene does not name", path])
    if len(set(result.upload_files)) != len(result.upload_files):
        outcome["problems"].append(["uploads repeated", result.upload_files])
    if set(result.upload_files) & set(inputs):
        outcome["with_inputs"] += 1
report(**outcome)
"""


@pytest.mark.parametrize("pruned", [False, True], ids=["lean", "pruned"])
def test_fuzzed_projects_are_analysed_or_refused_within_limits(tmp_path, kit, pruned):
    built = kit.build_standard_project(tmp_path)
    # Next to the scene, so that $PDIR names the folder of its inputs (the reference names
    # the scene itself: its "loop" context).
    result = run_bounded(FUZZ.format(base=built["scene"], seed=12, count=300,
                                     target=built["pdir"] + "/fuzz.project",
                                     inputs=built["inputs"], pruned=pruned,
                                     outputs=built["outputs"] + [built["scene"]]),
                         timeout=300, cpu_seconds=300)
    assert result["problems"] == []
    # Most mutations leave most of the project intact: its inputs must still be found.
    assert result["with_inputs"] > result["analysed"] // 2, result
    assert result["analysed"] > 0 and result["refused"] > 0
    assert result["analysed"] + result["refused"] == 300
    assert result["peak_rss"] < MEMORY_BUDGET
