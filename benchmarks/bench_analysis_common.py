"""Speed of the shared analysis machinery (rayvision_utils, rayvision_api.utils.json_save).

Interleaved rounds (``--rounds``, default 5), median and spread with the load average,
logging off, on generated realistic inputs, through the calls the analysers make. No issue
states goals for these parts; each states the one it measures against (marked "script's own
goal" in the results):

1. **Scene reading + md5** on a mesh-heavy Maya ASCII scene (``--mb``, default 100): a plain
   ``for line in file`` loop (baseline); the same loop then ``get_file_md5`` (two passes, as
   before); ``open_scene(...).iter_line_blocks()`` with the md5 in the same pass.
   Goal: one pass with hash <= 1.0x the two-pass figure.
2. **json_save** of an asset.json-like document (20,000 file nodes plus their dependency
   chains): ``json.dumps(indent=2)`` + atomic write (before) against ``json_save`` (now).
   Same text either way (checked). Goal: json_save <= 1.0x the text-then-write way.
3. **Nested dependencies**: ``follow_dependencies`` over a tree of ``.usda`` layers naming
   textures (``--layers``, default 400 layers x 50 references) against the least any
   follower must do: a plain line loop over the same files plus one ``os.path.exists`` per
   referenced file. Goal: <= 4x that floor, the bound issue #12 sets for a whole Houdini or
   Clarisse analysis. (The plain loop alone is also printed.)

    python benchmarks/bench_analysis_common.py --mb 20 --rounds 5
"""

import argparse
import json
import os
import random
import shutil
import tempfile

from timing import interleaved, print_goal, quiet_logging

from rayvision_api.utils import json_save, write_text_atomic
from rayvision_utils.dependencies import follow_dependencies
from rayvision_utils.scene_input import open_scene
from rayvision_utils.utils import get_file_md5

OWN_GOAL = "script's own goal"


def generate_scene(path, megabytes, seed=3):
    rng = random.Random(seed)
    target = megabytes * 1024 * 1024
    with open(path, "w", newline="\n") as out:
        out.write("//Maya ASCII 2022 scene\n")
        group = 0
        while out.tell() < target:
            group += 1
            out.write('createNode mesh -n "geoShape%d" -p "geo%d";\n\tsetAttr -s 400 ".vt";\n'
                      '\tsetAttr ".vt[0:399]"\n' % (group, group))
            for _ in range(133):
                out.write("\t\t " + " ".join("%.6f" % rng.uniform(-9, 9) for _ in range(9))
                          + "\n")
            out.write('createNode file -n "file%d";\n\tsetAttr ".ftn" -type "string" '
                      '"sourceimages/tex_%05d.<UDIM>.png";\n' % (group, group))


def asset_document(count=20000):
    asset = [{"node": "file%d" % i, "type": "file", "attribute": "fileTextureName",
              "path": ["D:/proj/sourceimages/tex_%05d.<UDIM>.png" % i], "missing": i % 7 == 0}
             for i in range(count)]
    chains = [{"path": "D:/proj/sourceimages/tex_%05d.1001.png" % i, "exists": True,
               "chain": ["D:/proj/scenes/shot.ma", "file%d.fileTextureName" % i,
                         "D:/proj/sourceimages/tex_%05d.1001.png" % i]} for i in range(count)]
    return {"asset": asset, "dependency_chains": chains}


def generate_layers(folder, layers, references):
    os.makedirs(os.path.join(folder, "tex"))
    for index in range(layers * references // 2):
        open(os.path.join(folder, "tex", "t%d.png" % index), "w").close()
    for index in range(layers):
        lines = ["#usda 1.0", "(", "    subLayers = [", "        @l%d.usda@" % (index + 1),
                 "    ]", ")", 'def Xform "W%d" {' % index]
        for ref in range(references):
            lines.append('    def Shader "s%d" {' % ref)
            lines.append("        asset inputs:file = @tex/t%d.png@"
                         % ((index * references + ref) % (layers * references)))
            lines.append('        float inputs:roughness = 0.5')
            lines.append("    }")
        lines.append("}")
        with open(os.path.join(folder, "l%d.usda" % index), "w") as out:
            out.write("\n".join(lines) + "\n")
    return os.path.join(folder, "l0.usda")


def plain_loop(paths):
    count = 0
    for path in paths:
        with open(path, "rb") as handle:
            for _ in handle:
                count += 1
    return count


def one_pass_with_md5(path):
    count = 0
    with open_scene(path, hash_name="md5") as scene:
        for block in scene.iter_line_blocks():
            for _ in block:
                count += 1
        return count, scene.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--layers", type=int, default=400)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="bench-common-")
    try:
        scene = os.path.join(work, "shot.ma")
        generate_scene(scene, args.mb)
        assert one_pass_with_md5(scene) == (plain_loop([scene]), get_file_md5(scene))
        print("1. scene reading, {0:.0f} MB:".format(os.path.getsize(scene) / 1e6))
        with quiet_logging():
            times = interleaved(args.rounds, [
                ("plain line loop", lambda: plain_loop([scene])),
                ("plain loop + get_file_md5 (2 passes)",
                 lambda: (plain_loop([scene]), get_file_md5(scene))),
                ("open_scene blocks + md5 (1 pass)", lambda: one_pass_with_md5(scene)),
            ])
        print_goal(times, "plain loop + get_file_md5 (2 passes)",
                   "open_scene blocks + md5 (1 pass)", 1.0, source=OWN_GOAL)

        document = asset_document()
        target = os.path.join(work, "asset.json")
        before = os.path.join(work, "asset_before.json")

        def json_before():
            write_text_atomic(before, json.dumps(document, ensure_ascii=False, indent=2))

        json_before()
        json_save(target, document, ensure_ascii=False)
        with open(before, encoding="utf-8") as one, open(target, encoding="utf-8") as two:
            assert one.read() == two.read()
        print("2. json_save of asset.json ({0:.1f} MB):".format(os.path.getsize(target) / 1e6))
        with quiet_logging():
            times = interleaved(args.rounds, [
                ("json.dumps(indent=2) + atomic write", json_before),
                ("json_save", lambda: json_save(target, document, ensure_ascii=False)),
            ])
        print_goal(times, "json.dumps(indent=2) + atomic write", "json_save", 1.0,
                   source=OWN_GOAL)

        layers = os.path.join(work, "layers")
        root = generate_layers(layers, args.layers, 50)
        files = [os.path.join(layers, "l%d.usda" % i) for i in range(args.layers)]
        graph = follow_dependencies([(root, ["shot.ma", "usd1.filePath", root])],
                                    max_depth=args.layers + 1)
        assert len(graph.followed) == args.layers and not graph.skipped
        referenced = [dep.path for dep in graph.found]

        def floor():
            plain_loop(files)
            for path in referenced:
                os.path.exists(path)

        print("3. nested dependencies: {0} layers, {1} dependencies found:".format(
            args.layers, len(graph.found)))
        with quiet_logging():
            times = interleaved(args.rounds, [
                ("plain loop + exists per reference", floor),
                ("plain line loop over the layers", lambda: plain_loop(files)),
                ("follow_dependencies", lambda: follow_dependencies(
                    [(root, ["shot.ma", "usd1.filePath", root])], max_depth=args.layers + 1)),
            ])
        print_goal(times, "plain loop + exists per reference", "follow_dependencies", 4.0,
                   source=OWN_GOAL)
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
