"""Speed of the static Maya analyser on a generated Maya ASCII scene.

Prints the time of a full static analysis (``StaticMayaAnalysis.run``: reading, render
layers, asset resolution), the time of a plain Python loop over the file's lines (the
baseline, same process, same file, warm cache), their ratio (goal <= 2.0) and MB/s.

The scene mimics a production file: mostly mesh data on continuation lines, plus nodes,
connections, cameras, render layers with overrides, file textures (half of them existing),
references. Size: ``--mb`` (default 200) or env ``BENCH_MAYA_MB``.

    python benchmarks/bench_maya_static.py            # 200 MB
    python benchmarks/bench_maya_static.py --mb 20    # quick look
"""

import argparse
import os
import random
import shutil
import sys
import tempfile
import time

from timing import best_of

from rayvision_maya.static_analysis import StaticMayaAnalysis


def generate(path, megabytes, seed=7):
    """Write a scene of about ``megabytes`` MB at ``path``; return its folder of textures."""
    rng = random.Random(seed)
    folder = os.path.dirname(path)
    textures = os.path.join(folder, "sourceimages")
    os.makedirs(textures, exist_ok=True)
    target = megabytes * 1024 * 1024
    vertex_line = "\t\t " + " ".join("%.6f" % rng.uniform(-10, 10) for _ in range(9)) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("//Maya ASCII 2018 scene\n//Name: bench.ma\n//Codeset: UTF-8\n"
                  'requires maya "2018";\n'
                  'requires -nodeType "aiOptions" "mtoa" "3.1.2.1";\n'
                  "currentUnit -l centimeter -a degree -t film;\n"
                  'fileInfo "application" "maya";\nfileInfo "product" "Maya 2018";\n')
        for index in range(20):
            out.write('file -rdi 1 -ns "ref%d" -rfn "ref%dRN" -typ "mayaAscii" '
                      '"refs/missing_%d.ma";\n' % (index, index, index))
        for index in range(10):
            out.write('createNode transform -n "cam%d";\ncreateNode camera -n "camShape%d" '
                      '-p "cam%d";\n\tsetAttr -k off ".v";\n\tsetAttr ".rnd" %s;\n'
                      % (index, index, index, "yes" if index % 3 == 0 else "no"))
        for index in range(5):
            out.write('createNode renderLayer -n "layer%d";\n\tsetAttr ".adjs[0].val" yes;\n'
                      '\tsetAttr ".rlid" %d;\n' % (index, index + 1))
        written = out.tell()
        group = 0
        while written < target:
            group += 1
            parts = ['createNode transform -n "geo%d";\n\trename -uid "%08X";\n'
                     '\tsetAttr ".t" -type "double3" 1 2 3 ;\n' % (group, group),
                     'createNode mesh -n "geoShape%d" -p "geo%d";\n\tsetAttr -k off ".v";\n'
                     '\tsetAttr ".vir" yes;\n\tsetAttr ".uvst[0].uvsn" -type "string" "map1";\n'
                     '\tsetAttr -s 3000 ".vt";\n\tsetAttr ".vt[0:2999]"\n' % (group, group)]
            parts.append(vertex_line * 1000)
            parts.append("\t\t;\n")
            if group % 4 == 0:
                name = "tex_%05d.png" % group
                if group % 8 == 0:
                    with open(os.path.join(textures, name), "wb") as handle:
                        handle.write(b"png")
                parts.append('createNode file -n "file%d";\n\tsetAttr ".ftn" -type "string" '
                             '"sourceimages/%s";\ncreateNode place2dTexture -n "p2d%d";\n'
                             % (group, name, group))
            parts.append('createNode lambert -n "mat%d";\n' % group)
            parts.append(''.join('connectAttr "geoShape%d.iog" "set%d.dsm" -na;\n' % (group, i)
                                 for i in range(10)))
            text = "".join(parts)
            out.write(text)
            written += len(text)
        for index in range(5):
            out.write('connectAttr "camShape%d.rnd" "layer%d.adjs[0].plg";\n' % (index, index))
        out.write("select -ne :defaultRenderGlobals;\n\tsetAttr \".ren\" -type \"string\" "
                  "\"arnold\";\n\tsetAttr \".ef\" 100;\n// End of bench.ma\n")
    return textures


def plain_loop(path):
    lines = 0
    with open(path, "rb") as handle:
        for _line in handle:
            lines += 1
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=int(os.environ.get("BENCH_MAYA_MB", "200")))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="bench_maya_")
    try:
        scene = os.path.join(folder, "scenes", "bench.ma")
        os.makedirs(os.path.dirname(scene))
        open(os.path.join(folder, "workspace.mel"), "w").close()
        start = time.perf_counter()
        generate(scene, args.mb)
        size_mb = os.path.getsize(scene) / (1024.0 * 1024.0)
        print("generated %.1f MB in %.1f s: %s" % (size_mb, time.perf_counter() - start,
                                                    scene))
        plain_loop(scene)  # warm the page cache for both measurements
        baseline, lines = best_of(args.runs, plain_loop, scene)
        analysis, result = best_of(args.runs, lambda: StaticMayaAnalysis(scene).run())
        layers = len(result.scene_info)
        print("lines: %d, render layers: %d, files to upload: %d, tips: %s" % (
            lines, layers, len(result.upload_paths),
            {code: len(messages) for code, messages in result.tips.items()}))
        print("plain line loop : %.3f s (%.0f MB/s)" % (baseline, size_mb / baseline))
        print("static analysis : %.3f s (%.0f MB/s)" % (analysis, size_mb / analysis))
        print("ratio analysis / plain loop = %.2f (goal <= 2.0) [%d MB, best of %d]" % (
            analysis / baseline, round(size_mb), args.runs))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
