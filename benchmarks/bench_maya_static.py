"""Speed of a full static Maya analysis against a plain line loop over the same file.

Goal (issue #12): ``AnalyzeMaya(...).analyse()`` with the static backend -- reading the
scene, its render layers and overrides, resolving every file node, the scene's md5, writing
the four json files -- takes at most 2.0x the time of ``for line in f`` over the same file.

The scene is generated to look like production data, mesh-heavy: every mesh has its own
random vertices, UVs, edges and faces (no two data lines repeat), there are thousands of
file nodes (half of their textures exist), tens of thousands of statements (transforms,
shading networks, connections), cameras, legacy and Render Setup layers, references.

Both are timed interleaved (the order reversed every round) over ``--rounds`` rounds (at
least 5), logging off, page cache warm; the medians, their spread and whether the goal is
met are printed.

    python benchmarks/bench_maya_static.py             # about 200 MB
    python benchmarks/bench_maya_static.py --mb 20     # quick look
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time

from timing import interleaved, print_goal, quiet_logging

from rayvision_maya.analyze_maya import AnalyzeMaya

GOAL = 2.0
_HEADER = ('//Maya ASCII 2018 scene\n//Name: bench.ma\n//Codeset: UTF-8\n'
           'requires maya "2018";\n'
           'requires -nodeType "aiOptions" -nodeType "aiAOVDriver" "mtoa" "3.1.2.1";\n'
           'currentUnit -l centimeter -a degree -t film;\n'
           'fileInfo "application" "maya";\nfileInfo "product" "Maya 2018";\n')


class _Numbers(object):
    """Random number text, fast: a pool of formatted values drawn at random."""

    def __init__(self, rng):
        self.rng = rng
        self.floats = ["%.6g" % rng.uniform(-50, 50) for _ in range(200003)]
        self.unit = ["%.6f" % rng.random() for _ in range(100003)]

    def line(self, pool, count):
        return "\t\t " + " ".join(self.rng.choices(pool, k=count)) + "\n"


def _mesh(numbers, out, index, vertices):
    rng = numbers.rng
    out.write('createNode transform -n "geo%d" -p "grp%d";\n\trename -uid "%08X-%04X";\n'
              '\tsetAttr ".t" -type "double3" %s ;\n'
              % (index, index % 50, index, rng.randrange(65536),
                 " ".join(rng.choices(numbers.floats, k=3))))
    out.write('createNode mesh -n "geoShape%d" -p "geo%d";\n\tsetAttr -k off ".v";\n'
              '\tsetAttr ".vir" yes;\n\tsetAttr ".vif" yes;\n'
              '\tsetAttr ".uvst[0].uvsn" -type "string" "map1";\n' % (index, index))
    out.write('\tsetAttr -s %d ".uvst[0].uvsp[0:%d]" -type "float2"\n'
              % (vertices, vertices - 1))
    for _ in range(vertices // 4):
        out.write(numbers.line(numbers.unit, 8))
    out.write("\t\t;\n")
    out.write('\tsetAttr -s %d ".vt[0:%d]"\n' % (vertices, vertices - 1))
    for _ in range(vertices // 3):
        out.write(numbers.line(numbers.floats, 9))
    out.write("\t\t;\n")
    edges = vertices * 2
    out.write('\tsetAttr -s %d ".ed[0:%d]"\n' % (edges, edges - 1))
    for _ in range(0, edges, 6):
        out.write("\t\t " + " ".join("%d %d %d" % (rng.randrange(vertices),
                                                   rng.randrange(vertices), rng.randrange(2))
                                     for _ in range(6)) + "\n")
    out.write("\t\t;\n")
    faces = vertices
    out.write('\tsetAttr -s %d ".fc[0:%d]" -type "polyFaces" \n' % (faces, faces - 1))
    for face in range(faces):
        a, b, c, d = (rng.randrange(edges) for _ in range(4))
        out.write("\t\tf 4 %d %d %d %d\n\t\tmu 0 4 %d %d %d %d\n"
                  % (a, b, -1 - c, -1 - d, face, face + 1, face + 2, face + 3))
    out.write("\t\t;\n")


def _shading(out, index, textures, rng):
    name = "tex_%05d.%s" % (index, rng.choice(["png", "exr", "tx"]))
    if index % 2 == 0:
        with open(os.path.join(textures, name), "wb") as handle:
            handle.write(b"tex")
    out.write('createNode aiStandardSurface -n "mat%d";\n\tsetAttr ".base" 0.8;\n'
              'createNode shadingEngine -n "mat%dSG";\n\tsetAttr ".ihi" 0;\n'
              '\tsetAttr ".ro" yes;\ncreateNode materialInfo -n "materialInfo%d";\n'
              'createNode file -n "file%d";\n\tsetAttr ".ftn" -type "string" '
              '"sourceimages/%s";\n\tsetAttr ".cs" -type "string" "sRGB";\n'
              'createNode place2dTexture -n "place2dTexture%d";\n'
              % (index, index, index, index, name, index))
    for source, target in (("place2dTexture%d.o" % index, "file%d.uv" % index),
                           ("place2dTexture%d.ofs" % index, "file%d.fs" % index),
                           ("file%d.oc" % index, "mat%d.base_color" % index),
                           ("mat%d.out" % index, "mat%dSG.ss" % index),
                           ("mat%dSG.msg" % index, "materialInfo%d.sg" % index)):
        out.write('connectAttr "%s" "%s";\n' % (source, target))


def generate(path, megabytes, seed=7):
    """Write a scene of about ``megabytes`` MB at ``path`` (textures next to it)."""
    rng = random.Random(seed)
    numbers = _Numbers(rng)
    textures = os.path.join(os.path.dirname(os.path.dirname(path)), "sourceimages")
    os.makedirs(textures, exist_ok=True)
    target = megabytes * 1024 * 1024
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write(_HEADER)
        for index in range(20):
            out.write('file -rdi 1 -ns "ref%d" -rfn "ref%dRN" -typ "mayaAscii" '
                      '"refs/missing_%d.ma";\n' % (index, index, index))
        for index in range(50):
            out.write('createNode transform -n "grp%d";\n' % index)
        for index in range(10):
            out.write('createNode transform -n "cam%d";\ncreateNode camera -n "camShape%d" '
                      '-p "cam%d";\n\tsetAttr -k off ".v";\n\tsetAttr ".rnd" %s;\n'
                      % (index, index, index, "yes" if index % 3 == 0 else "no"))
        for index in range(5):
            out.write('createNode renderLayer -n "layer%d";\n\tsetAttr ".adjs[0].val" yes;\n'
                      '\tsetAttr ".rlid" %d;\n' % (index, index + 1))
        meshes = 0
        # Meshes of varying size until the target, each with three shading networks.
        while out.tell() < target:
            meshes += 1
            _mesh(numbers, out, meshes, rng.choice([200, 400, 1200, 3000]))
            for extra in range(3):
                _shading(out, meshes * 3 + extra, textures, rng)
        for index in range(5):
            out.write('connectAttr "camShape%d.rnd" "layer%d.adjs[0].plg";\n' % (index, index))
        out.write('select -ne :time1;\n\tsetAttr ".o" 12;\n'
                  'select -ne :defaultRenderGlobals;\n\tsetAttr ".ren" -type "string" '
                  '"arnold";\n\tsetAttr ".an" yes;\n\tsetAttr ".ef" 100;\n'
                  '// End of bench.ma\n')
    return meshes


def plain_loop(path):
    """The baseline: a plain Python loop over the file's lines."""
    lines = 0
    with open(path, "rb") as handle:
        for _line in handle:
            lines += 1
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=int(os.environ.get("BENCH_MAYA_MB", "200")))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    if args.rounds < 5:
        parser.error("--rounds must be at least 5")
    folder = tempfile.mkdtemp(prefix="bench_maya_")
    try:
        scene = os.path.join(folder, "scenes", "bench.ma")
        os.makedirs(os.path.dirname(scene))
        open(os.path.join(folder, "workspace.mel"), "w").close()
        workspace = os.path.join(folder, "ws")
        os.makedirs(workspace)
        start = time.perf_counter()
        meshes = generate(scene, args.mb)
        size_mb = os.path.getsize(scene) / (1024.0 * 1024.0)
        lines = plain_loop(scene)  # also warms the page cache
        print("generated %.1f MB, %d lines, %d meshes, %d file nodes in %.1f s"
              % (size_mb, lines, meshes, meshes * 3, time.perf_counter() - start))

        results = []

        def analyse():
            results.append(AnalyzeMaya(scene, "2018", "bench", {}, workspace=workspace,
                                       backend="static", local_os="linux").analyse())

        with quiet_logging():
            times = interleaved(args.rounds, [("plain line loop", lambda: plain_loop(scene)),
                                              ("analyse()", analyse)])
        last = results[-1]
        print("render layers: %d, files to upload: %d, tips: %s, scene md5 %s" % (
            len(last.task_info["scene_info"]), len(last.upload_info["asset"]),
            {code: len(messages) for code, messages in last.tips_info.items()},
            last.upload_info["scene"][0]["hash"]))
        print("[%d MB, %d interleaved rounds, medians; goal: full static AnalyzeMaya.analyse()"
              " <= %.1fx a plain line loop]" % (round(size_mb), args.rounds, GOAL))
        print_goal(times, "plain line loop", "analyse()", GOAL, source="issue #12")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
