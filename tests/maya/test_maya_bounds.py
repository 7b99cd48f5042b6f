"""Bounded time and memory: hostile and mutated inputs, each analysed in a child process
under a memory limit and a timeout; the child reports its outcome and peak RSS.

Peak RSS must stay below 256 MB (docs/analysis-maya.md, "Bounds"), whatever the input.
"""

import json
import os
import random
import resource
import struct
import subprocess
import sys
import textwrap

import pytest

from helpers.bounded_run import PEAK_RSS_SOURCE

HERE = os.path.dirname(os.path.abspath(__file__))
SCENES = os.path.join(HERE, "scenes")
PEAK_RSS_LIMIT = 256 * 1024 * 1024
ADDRESS_SPACE_LIMIT = 1536 * 1024 * 1024
TIMEOUT = 120
HEADER = (b'//Maya ASCII 2018 scene\n//Codeset: UTF-8\nrequires maya "2018";\n'
          b'fileInfo "product" "Maya 2018";\n')

# Runs in the child: analyse each scene, print one json line per scene, then the peak RSS.
CHILD = PEAK_RSS_SOURCE + textwrap.dedent("""
    import json, os, resource, sys, time
    from rayvision_api.exception import AnalyzeError
    from rayvision_maya.analyze_maya import AnalyzeMaya
    workspace, scenes = sys.argv[1], sys.argv[2:]
    for scene in scenes:
        started = time.time()
        try:
            maya = AnalyzeMaya(scene, "2018", "P", {}, workspace=workspace, backend="static")
            maya.analyse()
            files = [os.path.isfile(p) for p in (maya.task_json, maya.asset_json,
                                                  maya.tips_json, maya.upload_json)]
            outcome = {"analysed": all(files), "tips": sorted(maya.tips_info)}
        except AnalyzeError as error:
            outcome = {"error": type(error).__name__, "message": str(error)[:300]}
        outcome.update(scene=os.path.basename(scene), seconds=time.time() - started)
        print(json.dumps(outcome))
    print(json.dumps({"peak_rss": peak_rss()}))
""")


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))


def run_bounded(workspace, scenes):
    """Analyse ``scenes`` in a limited child; returns (outcomes, peak RSS in bytes)."""
    process = subprocess.run([sys.executable, "-c", CHILD, workspace] + [str(s) for s in scenes],
                             capture_output=True, timeout=TIMEOUT, preexec_fn=_limit_memory)
    assert process.returncode == 0, process.stderr.decode("utf-8", "replace")[-3000:]
    lines = [json.loads(line) for line in process.stdout.decode("utf-8").splitlines()
             if line.startswith("{")]
    return lines[:-1], lines[-1]["peak_rss"]


def maya_binary_head(version=b"2018"):
    """The IFF header of a Maya binary file (FOR8 group, HEAD with VERS)."""
    def chunk(tag, payload):
        data = tag + b"\0\0\0\0" + struct.pack(">Q", len(payload)) + payload
        return data + b"\0" * ((-len(data)) % 8)
    head = chunk(b"FOR8", b"HEAD" + chunk(b"VERS", version))
    return b"FOR8\0\0\0\0" + struct.pack(">Q", 1 << 40) + b"Maya" + head


def write_repeated(path, head, unit, size, tail=b""):
    """Write ``head``, ``unit`` repeated up to ``size`` bytes, then ``tail`` (streamed)."""
    block = unit * max(1, (1024 * 1024) // len(unit))
    with open(str(path), "wb") as handle:
        handle.write(head)
        written = 0
        while written < size:
            handle.write(block)
            written += len(block)
        handle.write(tail)
    return str(path)


def test_hostile_inputs_stay_bounded(tmp_path, workspace):
    size = 40 * 1024 * 1024
    no_newline = write_repeated(tmp_path / "no_newline.ma", HEADER, b"x", size)
    huge_string = write_repeated(
        tmp_path / "huge_string.ma", HEADER + b'createNode file -n "f";\n'
        b'\tsetAttr ".ftn" -type "string" "', b"/\\", size, b'";\n// End of x\n')
    endless_statement = write_repeated(tmp_path / "endless.ma", HEADER + b"createNode file "
                                       b'-n "f";\n\tsetAttr ".ftn" -type "string"\n',
                                       b'\t\t+ "/a/b.png"\n', size)
    first_line = write_repeated(tmp_path / "first_line.ma", b"//", b"Maya ASCII ", size,
                                b'\nrequires maya "2018";\n')
    slashes_mb = write_repeated(tmp_path / "slashes.mb", maya_binary_head(), b"/" * 63 + b"\\",
                                size, b".png\0")
    outcomes, peak = run_bounded(workspace, [no_newline, huge_string, endless_statement,
                                             first_line, slashes_mb])
    by_name = {outcome["scene"]: outcome for outcome in outcomes}
    # a scene without line ends is read, flagged as read only partly
    assert by_name["no_newline.ma"]["analysed"] and "15035" in by_name["no_newline.ma"]["tips"]
    # an 80 MB string is no file path: analysed, nothing to upload, no giant tip
    assert by_name["huge_string.ma"]["analysed"]
    assert "10012" not in by_name["huge_string.ma"]["tips"]
    assert by_name["endless.ma"]["analysed"]
    # the version probe reads a bounded head: an overlong first line means no version
    assert by_name["first_line.ma"]["error"] == "GetCGVersionError"
    # runs of "/" and "\\" in a .mb: scanned in linear time
    assert by_name["slashes.mb"]["analysed"] and "15035" in by_name["slashes.mb"]["tips"]
    for outcome in outcomes:
        assert outcome["seconds"] < 30, outcome
    assert peak < PEAK_RSS_LIMIT, peak


def test_devices_and_fifos_refused_at_once(tmp_path, workspace):
    zero = tmp_path / "zero.ma"
    os.symlink("/dev/zero", str(zero))
    fifo = tmp_path / "pipe.mb"
    os.mkfifo(str(fifo))
    outcomes, peak = run_bounded(workspace, [zero, fifo])
    for outcome in outcomes:
        # refused by the constructor, before anything is read
        assert outcome["error"] == "CGFileNotExistsError", outcome
        assert outcome["seconds"] < 5
    assert "character device" in outcomes[0]["message"]
    assert "FIFO" in outcomes[1]["message"]
    assert peak < PEAK_RSS_LIMIT
    # the Maya readers themselves refuse them too (the version probe, the .mb head)
    from rayvision_maya import mb_reader, version
    from rayvision_utils.scene_input import NotRegularFileError
    for reader in (version.ma_version, version.mb_version, mb_reader.scan_paths):
        for path in (zero, fifo):
            with pytest.raises(NotRegularFileError):
                reader(str(path))


def _mutate(rng, data):
    """One random mutation of a scene: bytes flipped, cut, repeated, spliced, blown up."""
    choice = rng.randrange(6)
    position = rng.randrange(len(data) + 1)
    if choice == 0:
        return data[:position]
    if choice == 1:
        noise = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        return data[:position] + noise + data[position:]
    if choice == 2:
        piece = data[position:position + rng.randrange(1, 400)]
        return data[:position] + piece * rng.randrange(2, 200) + data[position:]
    if choice == 3:
        return data[:position] + rng.choice([b"\n", b";", b'"', b"\\", b"\t", b"\r\n",
                                             b"createNode ", b"setAttr "]) * rng.randrange(
                                                 1, 5000) + data[position:]
    if choice == 4:
        other = data[rng.randrange(len(data) + 1):]
        return data[:position] + other
    return data[:position] + rng.choice([b"/", b"\\", b"x"]) * rng.randrange(1, 2000000) \
        + data[position:]


@pytest.mark.parametrize("seed", [1, 2])
def test_mutated_scenes_are_analysed_or_refused(tmp_path, workspace, seed):
    rng = random.Random(seed)
    sources = []
    for name in sorted(os.listdir(SCENES)):
        if name.endswith(".ma"):
            with open(os.path.join(SCENES, name), "rb") as handle:
                sources.append(handle.read())
    scenes = []
    for index in range(40):
        data = rng.choice(sources)
        for _ in range(rng.randrange(1, 4)):
            data = _mutate(rng, data)
        path = tmp_path / "mutant_{}.ma".format(index)
        path.write_bytes(data)
        scenes.append(path)
    outcomes, peak = run_bounded(workspace, scenes)
    assert len(outcomes) == len(scenes)
    for outcome in outcomes:
        # every mutant ends analysed (four files written) or with a typed analysis error
        assert outcome.get("analysed") is True or outcome.get("error"), outcome
        assert outcome["seconds"] < 30, outcome
    assert peak < PEAK_RSS_LIMIT, peak


def test_record_caps(tmp_path, monkeypatch):
    from rayvision_maya import ma_reader
    monkeypatch.setattr(ma_reader, "MAX_RECORDS", 50)
    body = b"".join(b'createNode file -n "f%d";\n\tsetAttr ".ftn" -type "string" "/t/%d.png";\n'
                    % (index, index) for index in range(200))
    path = tmp_path / "many.ma"
    path.write_bytes(HEADER + body + b"// End of many.ma\n")
    scene = ma_reader.read_scene(str(path))
    assert scene.capped and len(scene.nodes) == 50


def test_read_buffer_never_copies_the_whole_buffer():
    import tracemalloc

    from rayvision_maya import ma_reader
    # not starting with "//": the old reader copied such a buffer whole
    data = (b'requires maya "2018";\ncreateNode file -n "f";\n'
            b'\tsetAttr ".ftn" -type "string" "/t/a.png";\n' + b"\t\t 0.1 0.2 0.3;\n" * 4000000)
    tracemalloc.start()
    try:
        scene = ma_reader.MayaAsciiScene().read_buffer(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert scene.nodes["f"].attrs["ftn"] == "/t/a.png"
    assert scene.requires == {"maya": "2018"}
    # a few blocks and one bounded node body, whatever the size of the buffer
    assert peak < 4 * ma_reader.MAX_STATEMENT + 8 * ma_reader.BLOCK_SIZE < len(data) // 2, peak


def test_mb_path_scan_is_linear(tmp_path):
    import time

    from rayvision_maya import mb_reader
    path = tmp_path / "runs.mb"
    path.write_bytes(b"/" * 4000000 + b"\0" + b"\\" * 4000000 + b"/x/y.png\0")
    started = time.time()
    (found,) = mb_reader.scan_paths(str(path))
    # the leftmost root from which the path body stays within 1024 characters
    assert found == "\\" * 1022 + "/x/y.png"
    assert time.time() - started < 5
    assert mb_reader.path_in_run(b"junk D:\\tex\\wood.tif") == b"D:\\tex\\wood.tif"
    assert mb_reader.path_in_run(b"//server/share/a.exr") == b"//server/share/a.exr"
    assert mb_reader.path_in_run(b"/no/extension") is None


def test_version_probe_skips_overlong_lines(tmp_path):
    from rayvision_maya import version
    path = tmp_path / "long_first_line.ma"
    path.write_bytes(b"//" + b"x" * 3000000 + b'\n//Maya ASCII 2019 scene\nrequires maya "2019";\n'
                     b"createNode transform;\n")
    assert version.ma_version(str(path)) == "2019"
    lines = list(version.header_lines(str(path)))
    assert lines[0] == b"//Maya ASCII 2019 scene\n"
    assert max(len(line) for line in lines) < 100
