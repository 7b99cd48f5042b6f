"""Fuzzing the dependency followers and the bounded reader under a memory limit and a timeout.

Seed files of every followed format (written here) each name one existing file,
``tex/known.png``. They are mutated (flipped bytes, truncation, CRLF, huge runs of quotes,
``@``, slashes, brackets, a line of tens of MB, gzip bombs) and followed in a child process
whose address space is capped (``resource.setrlimit``) and whose run is timed out. The
child reports, per case, what was found; the assertions check the results: bounded path
lengths, chains that start at the root, no file found twice, the known texture still found
when the mutation left its line alone, caps reported in ``skipped``.
"""

import gzip
import json
import os
import random
import subprocess
import sys

import pytest

from helpers.bounded_run import PEAK_RSS_SOURCE

resource = pytest.importorskip("resource")

ADDRESS_SPACE_LIMIT = 768 * 1024 * 1024  # virtual memory: interpreter, libraries, threads
PEAK_RSS_LIMIT = 256 * 1024 * 1024
TIMEOUT = 300

SEEDS = {
    "root.usda": ('#usda 1.0\n(\n    subLayers = [\n        @./sub/a.usda@\n    ]\n)\n'
                  'def Xform "W" {\n    asset inputs:file = @tex/known.png@\n}\n'),
    "root.ass": ('options\n{\n AA_samples 3\n}\n\nimage\n{\n name img\n'
                 ' filename "tex/known.png"\n}\n'),
    "root.vrscene": ('#include "sub/a.vrscene"\nBitmapBuffer bmp {\n file="tex/known.png";\n}\n'),
    "root.mtlx": ('<?xml version="1.0"?>\n<materialx version="1.38">\n <image name="img">\n'
                  '  <input name="file" type="filename" value="tex/known.png"/>\n'
                  ' </image>\n</materialx>\n'),
    "root.ocio": ('ocio_profile_version: 1\nsearch_path: tex\ncolorspaces:\n'
                  '  - !<ColorSpace>\n    to_reference: !<FileTransform> {src: known.png}\n'),
}
RUN_CHARS = b'"@\\/{}[]<>=:#\x00\xff a'
_INERT = bytes(value for value in range(256) if value not in b'\n\r<>{}[]"@#:-!')

CHILD = PEAK_RSS_SOURCE + r"""
import json, resource, sys, time
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from rayvision_utils.dependencies import follow_dependencies
cases = json.loads(sys.stdin.read())
results = []
for case in cases:
    start = time.time()
    graph = follow_dependencies([(case, ["scene.ma", "node.file", case])],
                                max_file_bytes=64 * 1024 * 1024)
    results.append({
        "case": case,
        "seconds": time.time() - start,
        "found": [[d.path, d.exists, d.chain] for d in graph.found],
        "files": graph.existing_files,
        "followed": graph.followed,
        "skipped": graph.skipped,
    })
peak = peak_rss()
print(json.dumps({"peak": peak, "results": results}))
"""


def mutate(rng, data):
    """A mutated copy of ``data`` and whether the known reference's line is left intact."""
    kind = rng.choice(["flip", "truncate", "crlf", "run", "long_line", "insert", "append"])
    known = data.index(b"known.png")
    line_start = data.rfind(b"\n", 0, known) + 1
    line_end = data.find(b"\n", known) + 1
    if kind == "flip":
        out = bytearray(data)
        for _ in range(rng.randint(1, 12)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out), False
    if kind == "truncate":
        return data[:rng.randrange(len(data))], False
    if kind == "crlf":
        return data.replace(b"\n", b"\r\n"), False
    if kind == "append":
        return data + bytes(rng.randrange(256) for _ in range(rng.randint(1, 5000))), True
    size = rng.choice([1000, 100000, 3 * 1024 * 1024, 8 * 1024 * 1024])
    run = bytes([rng.choice(RUN_CHARS)]) * size
    if kind == "long_line":  # its own line, after the known one
        return data[:line_end] + run + b"\n" + data[line_end:], True
    if kind == "run":  # inside a line somewhere before the known line
        position = rng.randrange(line_start) if line_start else 0
        return data[:position] + run + data[position:], False
    # A line of junk that opens no construct of any format, before the known line.
    chunk = bytes(rng.choice(_INERT) for _ in range(rng.randint(1, 2000)))
    return data[:line_start] + chunk + b"\n" + data[line_start:], True


def build_cases(folder, rng, per_seed):
    os.makedirs(os.path.join(folder, "tex"))
    os.makedirs(os.path.join(folder, "sub"))
    open(os.path.join(folder, "tex", "known.png"), "w").close()
    expectations = {}
    for name, text in SEEDS.items():
        data = text.encode("utf-8")
        stem, ext = name.split(".", 1)
        for index in range(per_seed):
            mutated, keeps_known = (data, True) if index == 0 else mutate(rng, data)
            path = os.path.join(folder, "{0}_{1}.{2}".format(stem, index, ext))
            with open(path, "wb") as handle:
                handle.write(mutated)
            expectations[path] = keeps_known
    # Every followed file names the next one: a sub-layer chain that loops back.
    for ext, text in (("usda", "#usda 1.0\n(\n subLayers = [@../root_0.usda@]\n)\n"),
                      ("vrscene", '#include "../root_0.vrscene"\n')):
        with open(os.path.join(folder, "sub", "a." + ext), "w") as handle:
            handle.write(text)
    bomb = os.path.join(folder, "bomb.ass.gz")
    with gzip.open(bomb, "wb", compresslevel=9) as handle:
        for _ in range(96):
            handle.write(b"\n" * (1024 * 1024))  # 96 MiB of blank lines
    expectations[bomb] = None
    ass_gz = os.path.join(folder, "root.ass.gz")
    with open(ass_gz, "wb") as handle:
        handle.write(gzip.compress(SEEDS["root.ass"].encode("utf-8")))
    expectations[ass_gz] = True
    return expectations


def run_child(cases):
    env = dict(os.environ, PYTHONHASHSEED="0")
    process = subprocess.run(
        [sys.executable, "-c", CHILD, str(ADDRESS_SPACE_LIMIT)],
        input=json.dumps(sorted(cases)), capture_output=True, text=True, timeout=TIMEOUT,
        env=env)
    assert process.returncode == 0, process.stderr[-3000:]
    return json.loads(process.stdout)


@pytest.mark.parametrize("seed", [1, 2])
def test_followers_fuzzed_under_limits(tmp_path, seed):
    rng = random.Random(seed)
    folder = str(tmp_path / "cases")
    expectations = build_cases(folder, rng, per_seed=9)
    report = run_child(expectations)
    assert report["peak"] < PEAK_RSS_LIMIT, report["peak"]
    known = os.path.join(folder, "tex", "known.png").replace(os.sep, "/")
    checked_known = 0
    for result in report["results"]:
        case = result["case"]
        root_chain = ["scene.ma", "node.file", case]
        for path, _exists, chain in result["found"]:
            assert len(path) <= 1024 * 1024 + len(folder) + 2
            assert chain[:3] == root_chain and chain[-1] == path
            assert len(chain) % 2 == 1 and len(chain) <= 3 + 2 * 16
        assert len(result["files"]) == len(set(result["files"]))
        assert len(result["followed"]) <= 1 + 2  # the root and the looping sub-file at most
        expected = expectations[case]
        if expected is None:  # the gzip bomb: refused at the decompression cap
            assert result["skipped"] == [[case, "decompresses to more than {0} bytes".format(
                64 * 1024 * 1024)]]
            assert result["found"] == []
        elif expected:
            assert known in result["files"], (case, result)
            checked_known += 1
    assert checked_known >= 8


def test_line_reader_fuzzed(tmp_path):
    from rayvision_utils.scene_input import open_scene

    rng = random.Random(5)
    for index in range(40):
        pieces = []
        for _ in range(rng.randint(1, 30)):
            pieces.append(bytes([rng.choice(b"ab\n\r\\\"")]) * rng.choice([0, 1, 7, 100, 5000,
                                                                          300000]))
        data = b"".join(pieces)
        path = str(tmp_path / "f{0}.bin".format(index))
        with open(path, "wb") as handle:
            handle.write(data)
        max_line = rng.choice([1, 10, 4096, 1 << 20])
        with open_scene(path, max_line=max_line) as scene:
            lines = list(scene.iter_lines(overflow="truncate"))
            truncated = scene.truncated_lines
        assert all(len(line) <= max_line + 1 for line in lines)
        whole = [line for line in data.split(b"\n")]
        too_long = sum(1 for line in whole[:-1] if len(line) > max_line) + (
            1 if len(whole[-1]) > max_line else 0)
        assert truncated == too_long
        if not too_long:
            assert b"".join(lines) == data


def test_peak_rss_is_the_childs_own():
    """A child's peak is not the test runner's: the budget checks above would be meaningless
    (failing under a big pytest process, or passing a reader that used the runner's share)."""
    ballast = bytearray(300 * 1024 * 1024)
    for offset in range(0, len(ballast), 4096):
        ballast[offset] = 1
    code = PEAK_RSS_SOURCE + "\nprint(peak_rss())\n"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60)
    assert child.returncode == 0, child.stderr
    assert int(child.stdout) < 100 * 1024 * 1024
    del ballast
