"""Full static Clarisse analysis of a realistic generated .project, against a plain line loop.

The generated project has what production projects have, in the proportions they have them:
contexts of geometry (Alembic bundles with their many transform and shading attributes,
polygon meshes with material and clip-map lists), texture objects (one in two reading a UDIM
or frame-sequence file), materials with textured attributes (``color { value ... texture
... }``), lights, cameras, images with embedded 3D layers, every object with its ``#version``,
``#created``, ``#modified`` metadata; and a large ``#preferences`` block (window layout), as
real projects have. About one object in six names a file; the input files exist on disk.

What is timed, in interleaved rounds:

* baseline: ``for line in open(project, "rb")`` over the project file;
* candidate: ``AnalyzeClarisse(..., backend="static").analyse()``, the full call a user makes
  (parse, images and layers, path expansion and file lookups on disk, json files, upload.json
  with the project's md5), with logging off.

Goal (issue #12): candidate median <= 4.0x the baseline median.

Usage: python benchmarks/bench_clarisse_static.py [--mb 20] [--rounds 5]
"""

import argparse
import os
import random
import shutil
import tempfile

from timing import interleaved, print_goal, quiet_logging

from rayvision_clarisse.analyse_clarisse import AnalyzeClarisse

GOAL = 4.0


def _meta(rng):
    return ["#version 0.9", "#created {0}".format(rng.randint(1400000000, 1600000000)),
            "#modified {0}".format(rng.randint(1600000000, 1700000000))]


def _object(kind, name, attributes, rng, indent="    "):
    lines = ["{0}{1} {{".format(indent, kind), '{0}    name "{1}"'.format(indent, name)]
    lines += [indent + "    " + line for line in _meta(rng)]
    lines += [indent + "    " + line for line in attributes]
    lines.append(indent + "}")
    return lines


def _floats(rng, count):
    return " ".join("{0:.15g}".format(rng.uniform(-50, 50)) for _ in range(count))


class _Project(object):
    def __init__(self, folder, seed=12):
        self.folder = folder
        self.rng = random.Random(seed)
        self.lines = ["#Isotropix_Serial_Version 1.2", "", "#Isotropix_Clarisse_Version 4",
                      "#Isotropix_Clarisse_Project_Version 0.94", 'comment "generated"']
        self.size = 0

    def extend(self, lines):
        self.lines += lines
        self.size += sum(len(line) + 1 for line in lines)

    def touch(self, relative):
        path = os.path.join(self.folder, relative)
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        open(path, "wb").close()


def _geometry(project, number):
    rng = project.rng
    attributes = ["translate " + _floats(rng, 3), "rotate " + _floats(rng, 3),
                  "scale 1 1 1", "display_visible yes", "unseen_by_camera no",
                  'materials "project://scene/mtl{0}"'.format(number % 50),
                  'clip_maps ""', 'displacements ""', "shading_groups \"default\"",
                  "smoothing_angle 30", "override_shading_group_materials no",
                  "motion_blur_mode 0", "cast_shadows yes", "receive_shadows yes"]
    if number % 12 == 0:
        project.touch("abc/a{0}.abc".format(number))
        attributes.append('filename "$PDIR/abc/a{0}.abc"'.format(number))
        return _object("GeometryBundleAlembic", "abc{0}".format(number), attributes, rng)
    return _object("GeometryPolymesh", "mesh{0}".format(number), attributes, rng)


def _texture(project, number):
    rng = project.rng
    attributes = ["uv_scale 1 1 1", "uv_offset 0 0 0", "color_space_auto_detect yes",
                  "file_color_space \"Clarisse|sRGB\"", "use_raw_data no",
                  "interpolation_mode 1", "mipmap_filtering_mode 1"]
    if number % 2 == 0:
        if number % 4 == 0:
            pattern = "t{0}.<UDIM>.tx".format(number)
            names = ["t{0}.1001.tx".format(number), "t{0}.1002.tx".format(number)]
        else:
            pattern = "s{0}.####.exr".format(number)
            names = ["s{0}.0001.exr".format(number)]
        for name in names:
            project.touch("tex/" + name)
        attributes.append('filename "$PDIR/tex/{0}"'.format(pattern))
    return _object("TextureMapFile", "tex{0}".format(number), attributes, rng)


def _material(project, number):
    rng = project.rng
    lines = _object("MaterialPhysicalStandard", "mtl{0}".format(number),
                    ["specular_1_roughness 0.3", "specular_1_index_of_refraction 1.5",
                     "diffuse_front_strength 1"], rng)
    lines[-1:-1] = ["        diffuse_front_color {", "            value " + _floats(rng, 3),
                    '            texture "project://scene/tex{0}"'.format(number * 2),
                    "        }"]
    return lines


def _image(project, number):
    rng = project.rng
    lines = _object("Image", "img{0}".format(number),
                    ["active_layer 0", "resolution_multiplier 1", 'layers ".beauty"',
                     "first_frame 1", "last_frame 120",
                     'save_as "$PDIR/render/img{0}.####.exr"'.format(number),
                     "save_to_disk yes", "format 0"], rng)
    layer = _object("Layer3d", "beauty", ['renderer "project://scene/renderer"',
                                           'active_camera "project://scene/cam"',
                                           "first_frame 1", "last_frame 120"], rng,
                    indent="        ")
    lines[-1:-1] = ["        embedded_objects {"] + layer + ["        }"]
    return lines


def generate(folder, megabytes):
    """Write a project of about ``megabytes`` MB and its input files; return its path."""
    project = _Project(folder)
    project.extend(['Context "scene" {', "    #created 1455809270"])
    project.extend(_object("CameraPerspective", "cam", ["translate 1 2 3",
                                                        "field_of_view 25"], project.rng))
    target = megabytes * 1e6 * 0.85
    number = 0
    while project.size < target:
        project.extend(_geometry(project, number))
        if number % 3 == 0:
            project.extend(_texture(project, number))
        if number % 6 == 0:
            project.extend(_material(project, number // 3))
        if number % 200 == 0:
            project.extend(_image(project, number))
        number += 1
    project.extend(["}", "#preferences {"])
    while project.size < megabytes * 1e6:
        project.extend(["    tab {", '        editor "WidgetTools"', "        settings {",
                        '            selection_slot "Local"', "            zoom 1.25",
                        "        }", "    }"])
    project.extend(["    categories {", "        animation {", "            start_frame 0",
                    "            end_frame 120", "        }", "    }", "}"])
    path = os.path.join(folder, "big.project")
    with open(path, "w") as handle:
        handle.write("\n".join(project.lines) + "\n")
    return path, number


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="project size in MB")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench_clarisse_")
    try:
        scene, objects = generate(folder, args.mb)
        workspace = os.path.join(folder, "ws")
        os.makedirs(workspace)

        def line_loop():
            with open(scene, "rb") as handle:
                for _ in handle:
                    pass

        def analyse():
            return AnalyzeClarisse(scene, "clarisse_ifx_4.0_sp3", workspace=workspace,
                                   backend="static").analyse()

        with quiet_logging():
            analyzer = analyse()
            figures = interleaved(args.rounds, [("line loop", line_loop),
                                                      ("full analysis", analyse)])
        print("project: {0:.1f} MB, {1} geometry objects; found {2} images, {3} files to upload"
              .format(os.path.getsize(scene) / 1e6, objects,
                      len(analyzer.task_info["scene_info"]["image_node"]),
                      len(analyzer.upload_info["asset"])))
        print_goal(figures, "line loop", "full analysis", GOAL, source="issue #12")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
