"""Static Houdini analysis of a large generated .hip, against a plain read of the same file.

Generates a .hip cpio archive with N geometry networks (each: a File SOP reading a frame
sequence, an Alembic SOP, a material with a UDIM texture) and N/10 render ROPs, plus the
input files on disk, then times in one process:

* baseline: ``open(...).read()`` of the scene file;
* container: splitting the bytes into sections (``read_hip_file``);
* parse: container + node/parm/channel parsing (``load_scene``);
* analyse: parse + the whole static analysis (ROPs, expansion of $HIP/$F4/<UDIM>, file
  lookups on disk);
* analyser: ``AnalyzeHoudini(backend="static").analyse()``, which also writes the json files
  and hashes the scene.

Usage: python benchmarks/bench_houdini_static.py [--nodes N] [--repeat R]
(default 2000 networks; env RAYVISION_BENCH_FULL=1 or --nodes 20000 for the full-size figure).
"""

import argparse
import os
import shutil
import tempfile

from timing import best_of, print_ratios

from rayvision_houdini.analyze_houdini import AnalyzeHoudini
from rayvision_houdini.hip_container import read_hip_file
from rayvision_houdini.hip_scene import load_scene
from rayvision_houdini.static_analysis import analyse_scene


def member(name, body, ino):
    body = body.encode("utf-8")
    raw = name.encode("utf-8") + b"\x00"
    header = (b"070707000001%06o000666000000000000000001000000%011o%06o%011o"
              % (ino % 0o1000000, 1330146711, len(raw), len(body)))   # 6 octal digits
    return header + raw + body


def parm(name, *tokens):
    return "{0}\t[ 0\tlocks=0 ]\t(\t{1}\t)".format(name, "\t".join(tokens))


def node_members(path, node_type, parms, ino):
    stem = path.lstrip("/")
    parm_text = "{\nversion 0.8\n" + "\n".join(parm(k, *v) for k, v in parms.items()) + "\n}\n"
    flags = "flags =  lock off bypass off display on render on\n"
    return [member(stem + ".init", "type = {0}\nmatchesdef = 0\n".format(node_type), ino),
            member(stem + ".def", 'comment ""\n' + flags + "inputs\n{\n}\nend\n", ino + 1),
            member(stem + ".parm", parm_text, ino + 2)]


def generate(folder, networks):
    """Write the scene and its inputs; returns the scene path."""
    for sub in ("geo", "tex", "abc"):
        os.makedirs(os.path.join(folder, sub))
    members = [member(".start", "fps 24\ntcur 0\nfrange 1 48\n", 1),
               member(".variables", "set -g HIP = '/old'\nset -g JOB = '{0}'\n"
                                    "set -g _HIP_SAVEVERSION = '18.0.5'\n".format(folder), 2)]
    ino = 10
    filler = {"p{0}".format(k): ["0.5", "1", "2"] for k in range(20)}
    for number in range(networks):
        for frame in (1, 2):
            open(os.path.join(folder, "geo", "g{0}.{1:04d}.bgeo.sc".format(number, frame)),
                 "wb").close()
        open(os.path.join(folder, "tex", "t{0}.1001.rat".format(number)), "wb").close()
        open(os.path.join(folder, "abc", "a{0}.abc".format(number)), "wb").close()
        base = "/obj/geo{0}".format(number)
        members += node_members(base, "geo", filler, ino)
        members += node_members(base + "/file1", "file", dict(
            filler, file=["$HIP/geo/g{0}.$F4.bgeo.sc".format(number)]), ino + 3)
        members += node_members(base + "/abc1", "alembic", dict(
            filler, fileName=['"$JOB/abc/a{0}.abc"'.format(number)]), ino + 6)
        members += node_members("/mat/m{0}".format(number), "principledshader::2.0", dict(
            filler, basecolor_texture=['"$HIP/tex/t{0}.<UDIM>.rat"'.format(number)]), ino + 9)
        if number % 10 == 0:
            members += node_members("/out/mantra{0}".format(number), "ifd", {
                "f": ["1", "48", "1"], "camera": ["/obj/cam"],
                "vm_picture": ["$HIP/render/r{0}.$F4.exr".format(number)]}, ino + 12)
        ino += 15
    members.append(member("TRAILER!!!", "", 0))
    scene = os.path.join(folder, "big.hip")
    with open(scene, "wb") as handle:
        handle.write(b"".join(members))
    return scene


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    full = os.environ.get("RAYVISION_BENCH_FULL") == "1"
    parser.add_argument("--nodes", type=int, default=20000 if full else 2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench_houdini_")
    try:
        scene = generate(folder, args.nodes)
        size = os.path.getsize(scene)

        def plain_read():
            with open(scene, "rb") as handle:
                handle.read()

        def analyse():
            analyse_scene(load_scene(scene), scene, environ={})

        workspace = os.path.join(folder, "ws")
        os.makedirs(workspace)

        def analyser():
            AnalyzeHoudini(scene, "18.0.5", workspace=workspace, backend="static",
                           custom_db_path=os.path.join(folder, "db")).analyse()

        baseline = best_of(args.repeat, plain_read)[0]
        figures = [("container", best_of(args.repeat, lambda: read_hip_file(scene))[0]),
                   ("parse", best_of(args.repeat, lambda: load_scene(scene))[0]),
                   ("analyse", best_of(args.repeat, analyse)[0]),
                   ("analyser", best_of(args.repeat, analyser)[0])]
        result = analyse_scene(load_scene(scene), scene, environ={})
        print("scene: {0} networks, {1:.1f} MB, {2} sections; found {3} ROPs, {4} input files"
              .format(args.nodes, size / 1e6, len(read_hip_file(scene)),
                      len(result.scene_info["rop_node"]), len(result.upload_files)))
        print_ratios(size, baseline, figures)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
