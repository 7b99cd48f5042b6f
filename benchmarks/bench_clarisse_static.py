"""Static Clarisse analysis of a large generated .project, against a plain read of the same file.

Generates a project with N texture objects (half UDIM, half frame sequences), N/4 geometry
objects reading Alembic files, N/20 images with an embedded 3D layer each, and a big
``#preferences`` layout block (as real projects have), plus the input files on disk, then times:

* baseline: ``open(...).read()`` of the project;
* parse: the brace-tree parser (``read_project_file``);
* analyse: parse + the static analysis (images, layers, file lookups on disk);
* analyser: ``AnalyzeClarisse(backend="static").analyse()`` (json files and md5 too).

Usage: python benchmarks/bench_clarisse_static.py [--objects N] [--repeat R]
(default 4000 objects; env RAYVISION_BENCH_FULL=1 or --objects 40000 for the full-size figure).
"""

import argparse
import os
import shutil
import tempfile

from timing import best_of, print_ratios

from rayvision_clarisse.analyse_clarisse import AnalyzeClarisse
from rayvision_clarisse.project_parser import read_project_file
from rayvision_clarisse.static_analysis import analyse_project


def generate(folder, objects):
    """Write the project and its inputs; returns the project path."""
    for sub in ("tex", "abc"):
        os.makedirs(os.path.join(folder, sub))
    lines = ["#Isotropix_Serial_Version 1.2", "", "#Isotropix_Clarisse_Version 4",
             'Context "scene" {']
    for number in range(objects):
        if number % 2:
            pattern = "t{0}.<UDIM>.tx".format(number)
            names = ["t{0}.1001.tx".format(number), "t{0}.1002.tx".format(number)]
        else:
            pattern = "s{0}.####.exr".format(number)
            names = ["s{0}.0001.exr".format(number)]
        for name in names:
            open(os.path.join(folder, "tex", name), "wb").close()
        lines += ["    TextureMapFile {", '        name "tex{0}"'.format(number),
                  "        #version 0.9", "        uv_scale 1 1 1",
                  '        filename "$PDIR/tex/{0}"'.format(pattern), "    }"]
        if number % 4 == 0:
            open(os.path.join(folder, "abc", "a{0}.abc".format(number)), "wb").close()
            lines += ["    GeometryBundleAlembic {", '        name "abc{0}"'.format(number),
                      "        translate 0 0 0", "        rotate 0 0 0",
                      '        filename "$PDIR/abc/a{0}.abc"'.format(number), "    }"]
        if number % 20 == 0:
            lines += ["    Image {", '        name "img{0}"'.format(number),
                      "        first_frame 1", "        last_frame 100",
                      '        save_as "$PDIR/render/img{0}.####.exr"'.format(number),
                      "        save_to_disk yes", '        layers ".l"',
                      "        embedded_objects {", "            Layer3d {",
                      '                name "l"', '                renderer "r"',
                      "            }", "        }", "    }"]
    lines.append("}")
    lines.append("#preferences {")
    for _ in range(objects // 4):
        lines += ["    tab {", '        editor "WidgetTools"', "        settings {",
                  '            selection_slot "Local"', "        }", "    }"]
    lines.append("}")
    scene = os.path.join(folder, "big.project")
    with open(scene, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    return scene


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    full = os.environ.get("RAYVISION_BENCH_FULL") == "1"
    parser.add_argument("--objects", type=int, default=40000 if full else 4000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench_clarisse_")
    try:
        scene = generate(folder, args.objects)
        size = os.path.getsize(scene)

        def plain_read():
            with open(scene, "rb") as handle:
                handle.read()

        def analyse():
            analyse_project(read_project_file(scene), scene, environ={})

        workspace = os.path.join(folder, "ws")
        os.makedirs(workspace)

        def analyser():
            AnalyzeClarisse(scene, "4", workspace=workspace, backend="static").analyse()

        baseline = best_of(args.repeat, plain_read)[0]
        figures = [("parse", best_of(args.repeat, lambda: read_project_file(scene))[0]),
                   ("analyse", best_of(args.repeat, analyse)[0]),
                   ("analyser", best_of(args.repeat, analyser)[0])]
        result = analyse_project(read_project_file(scene), scene, environ={})
        print("project: {0} objects, {1:.1f} MB; found {2} images, {3} input files".format(
            args.objects, size / 1e6, len(result.scene_info["image_node"]),
            len(result.upload_files)))
        print_ratios(size, baseline, figures)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
