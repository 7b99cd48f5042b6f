"""Any input is analysed or refused with a typed error, in bounded time and memory.

Each reader runs in a child process under an address-space and CPU limit and a timeout
(``helpers.bounded_run``); the child reports what it found and its peak resident memory,
which must stay under 256 MB whatever the input.
"""

import gzip
import hashlib
import os

import pytest

from helpers.bounded_run import MEMORY_BUDGET, run_bounded

READ_SCENE = """
from rayvision_houdini.hip_scene import load_scene
from rayvision_houdini.static_analysis import LEAN_READ
from rayvision_utils.scene_input import SceneInputError
from rayvision_houdini.hip_container import HipFormatError
path, lean = {path!r}, {lean!r}
if {unprivileged!r}:
    drop_privileges()
try:
    scene = load_scene(path, lean_parms=LEAN_READ if lean else None)
except (SceneInputError, HipFormatError) as error:
    report(error=type(error).__name__, message=str(error))
else:
    report(nodes=sorted(scene.nodes), parms={{p: {{k: [str(v) for v in vs][:3] for k, vs in
           n.parms.items()}} for p, n in scene.nodes.items()}}, warnings=scene.warnings,
           md5=scene.md5)
"""


def _read(path, lean=True, unprivileged=False, **kwargs):
    return run_bounded(READ_SCENE.format(path=str(path), lean=lean, unprivileged=unprivileged),
                       **kwargs)


def _big_value_scene(kit, tmp_path, size):
    builder = kit.HipBuilder(save_version="19.5.303")
    value = "x" * size
    builder.node("/obj/geo1/file1", "file", {"big": ['"' + value + '"'],
                                             "file": ['"$HIP/geo/rock.bgeo.sc"']})
    return builder.write(str(tmp_path / "big.hip"))


@pytest.mark.parametrize("lean", [True, False], ids=["lean", "full"])
def test_eight_megabyte_parameter_value(kit, tmp_path, lean):
    scene = _big_value_scene(kit, tmp_path, 8 * 1024 * 1024)
    result = _read(scene, lean)
    assert result["peak_rss"] < MEMORY_BUDGET, result["peak_rss"]
    parms = result["parms"]["/obj/geo1/file1"]
    assert parms["file"] == ["$HIP/geo/rock.bgeo.sc"]
    if lean:
        assert "big" not in parms      # never a file: not even decoded
    else:
        assert len(parms["big"][0]) == 8 * 1024 * 1024


def _gzip_bomb(path, total):
    """A gzip file whose content is a scene header then ``total`` zero bytes in one section.

    Written as concatenated gzip members (valid gzip: they decompress as one stream), the
    same compressed megabyte of zeros repeated.
    """
    header = (b"070707" + b"0" * 42 + b"%011o" % 0 + b"%06o" % len(b".variables\x00")
              + b"%011o" % total + b".variables\x00")
    zeros = gzip.compress(b"\x00" * (1024 * 1024), 9)
    with open(path, "wb") as handle:
        handle.write(gzip.compress(header))
        for _ in range(total // (1024 * 1024)):
            handle.write(zeros)
    return path


def test_gzip_bomb_is_refused_by_the_cap(tmp_path):
    # 2.3 GB once decompressed, 2.3 MB on disk.
    bomb = _gzip_bomb(str(tmp_path / "bomb.hip"), 2300 * 1024 * 1024)
    assert os.path.getsize(bomb) < 5 * 1024 * 1024
    result = _read(bomb, timeout=300, cpu_seconds=300)
    assert result["error"] == "SceneLimitError"
    assert "decompresses to more than" in result["message"]
    assert result["peak_rss"] < MEMORY_BUDGET


def test_gzip_scene_within_the_cap_is_read(kit, tmp_path):
    builder = kit.HipBuilder(save_version="19.5.303")
    builder.node("/out/m", "ifd", {"vm_picture": ['"$HIP/r.$F4.exr"']})
    scene = builder.write(str(tmp_path / "small.hip"), compress=True)
    result = _read(scene)
    assert "/out/m" in result["nodes"]
    with open(scene, "rb") as handle:
        assert result["md5"] == hashlib.md5(handle.read()).hexdigest()
    with open(scene, "rb") as handle:
        assert gzip.decompress(handle.read()).startswith(b"070707")


@pytest.mark.parametrize("kind", ["dev_zero", "fifo", "folder"])
def test_special_files_are_refused_at_once(tmp_path, kind):
    path = tmp_path / "scene.hip"
    if kind == "dev_zero":
        os.symlink("/dev/zero", str(path))
    elif kind == "fifo":
        os.mkfifo(str(path))
    else:
        path.mkdir()
    result = _read(path, timeout=30, cpu_seconds=20)
    assert result["error"] == "NotRegularFileError"
    assert str(path) in result["message"]


def test_unreadable_scene_gives_a_typed_error(kit, tmp_path):
    scene = kit.HipBuilder().write(str(tmp_path / "locked.hip"))
    os.chmod(scene, 0)
    result = _read(scene, unprivileged=True, timeout=60)
    assert result["error"] == "SceneInputError"
    assert "permission" in result["message"].lower()


FUZZ = """
import random, re
from rayvision_houdini.hip_container import HipFormatError
from rayvision_houdini.hip_scene import load_scene
from rayvision_houdini.static_analysis import LEAN_READ, analyse_scene
from rayvision_utils.scene_input import SceneInputError

base = open({base!r}, "rb").read()
rng = random.Random({seed})
frames = re.compile(r"^-?[0-9.e+-]+--?[0-9.e+-]+\\[-?[0-9.e+-]+\\]$")
outcome = {{"analysed": 0, "refused": 0, "with_inputs": 0, "problems": []}}
inputs = {inputs!r}
known = set(inputs + {outputs!r})
target = {target!r}
for number in range({count}):
    data = mutate(base, rng, [b'"', b"\\\\", b"{{", b"}}", b"[", b"\\n",
                             b"070707", b'"' * 50000, b"\\\\" * 50000])
    with open(target, "wb") as handle:
        handle.write(data)
    try:
        scene = load_scene(target, lean_parms=LEAN_READ)
        result = analyse_scene(scene, target, environ={{}})
    except (HipFormatError, SceneInputError):
        outcome["refused"] += 1
        continue
    outcome["analysed"] += 1
    for entry in result.scene_info["rop_node"] + result.scene_info["geo_node"]:
        if not entry["node"].startswith("/") or not frames.match(entry["frames"]):
            outcome["problems"].append(entry)
    for table in ("Normal", "Miss", "Search", "Unresolved"):
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


def test_fuzzed_scenes_are_analysed_or_refused_within_limits(kit, tmp_path):
    built = kit.build_standard_scene(tmp_path)
    # Next to the scene, so that $HIP names the folder of its inputs.
    result = run_bounded("import os\n" + FUZZ.format(
        base=built["scene"], seed=12, count=300, target=built["hip"] + "/fuzz.hip",
        inputs=built["inputs"], outputs=built["outputs"]), timeout=300, cpu_seconds=300)
    assert result["problems"] == []
    # Most mutations leave most of the scene intact: its inputs must still be found.
    assert result["with_inputs"] > result["analysed"] // 2, result
    assert result["analysed"] > 0 and result["refused"] > 0
    assert result["analysed"] + result["refused"] == 300
    assert result["peak_rss"] < MEMORY_BUDGET
