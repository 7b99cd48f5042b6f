"""Full static Houdini analysis of a realistic generated .hip, against a plain line loop.

The generated scene has what production scenes have, in the proportions they have it: object
networks of 6-10 SOPs each (a File SOP reading a frame sequence in one network out of four,
transforms, wrangles with multi-line VEX snippets, copies, merges), materials with UDIM
textures, lights, ROPs in ``/out`` and a Solaris ``usdrender_rop`` in ``/stage``. Every node has
the sections Houdini writes (``.init``, ``.def`` with flags, inputs and stat blocks, ``.parm``
with 25-60 parameters of numbers, menu tokens and strings, ``.userdata``), one node in five has
animation channels (keyframed channels with tens of segments, and expressions), ROPs carry a
large ``.spareparmdef``; and the scene has its global sections (``.OPdummydefs``,
``.application``...). About one node in eight names a file. The input files exist on disk.

What is timed, in interleaved rounds:

* baseline: ``for line in open(scene, "rb")`` over the scene file;
* candidate: ``AnalyzeHoudini(..., backend="static").analyse()``, the full call a user makes
  (scene read and parse, ROPs and frames, path expansion and file lookups on disk, json files,
  upload.json with the scene's md5), with logging off.

Goal (issue #12): candidate median <= 4.0x the baseline median.

Usage: python benchmarks/bench_houdini_static.py [--mb 20] [--rounds 5]
"""

import argparse
import os
import random
import shutil
import tempfile

from timing import interleaved, print_goal, quiet_logging

from rayvision_houdini.analyze_houdini import AnalyzeHoudini

GOAL = 4.0


def member(name, body, ino):
    body = body.encode("utf-8")
    raw = name.encode("utf-8") + b"\x00"
    header = (b"070707000001%06o000666000000000000000001000000%011o%06o%011o"
              % (ino % 0o1000000, 1330146711, len(raw), len(body)))
    return header + raw + body


def parm(name, *tokens):
    return "{0}\t[ 0\tlocks=0 ]\t(\t{1}\t)".format(name, "\t".join(tokens))


_TOKENS = ['"off"', '"on"', '"normal"', '"full"', '""', "0", "1", "*", '"Main"']


def filler_parms(rng, count):
    lines = []
    for number in range(count):
        kind = rng.random()
        if kind < 0.45:
            values = ["{0:.6g}".format(rng.uniform(-10, 10)) for _ in range(rng.choice((1, 3)))]
        elif kind < 0.8:
            values = [rng.choice(_TOKENS)]
        elif kind < 0.9:
            values = ['"group{0} @P.y>0"'.format(number)]
        else:
            values = [str(rng.randint(0, 64))]
        lines.append(parm("p{0}_{1}".format(number, rng.choice(("x", "mode", "amt", "grp"))),
                          *values))
    return lines


def def_section(rng, bypass=False):
    return "\n".join([
        "sopflags sopflags = ", 'comment ""', "position {0:.4g} {1:.4g}".format(
            rng.uniform(-9, 9), rng.uniform(-9, 9)),
        "connectornextid 2",
        "flags =  lock off model off template off footprint off xray off bypass {0} display off "
        "render off highlight off unload off savedata off compress on colordefault on "
        "exposed on".format("on" if bypass else "off"),
        "outputsNamed3", "{", '1 "output1"', "}", "inputsNamed3", "{", '0 \tgeo1 1 1 "input1"',
        "}", "inputs", "{", "0 \tgeo1 0 1", "}", "stat", "{", "  create 1527147984",
        "  modify 1527148052", "  author artist@workstation.studio.local", "  access 0777",
        "}", "color UT_Color RGB 0.8 0.8 0.8 ", 'delscript ""', "exprlanguage hscript",
        "end", ""])


def chn_section(rng, names):
    blocks = []
    for name in names:
        segments = []
        for key in range(rng.randint(10, 60)):
            segments.append("      segment {{ length = 1 value = {0:.6g} {1:.6g} slope = 0 0 "
                            "accel = 0.33 0.33 expr = bezier() }}".format(key * 0.1, key * 0.2))
        blocks.append("    channel {0} {{\n      lefttype = extend\n      righttype = extend\n"
                      "      default = 0\n      flags = 0\n{1}\n    }}".format(
                          name, "\n".join(segments)))
    return "{\n" + "\n".join(blocks) + "\n  }\n"


class _Scene(object):
    def __init__(self, folder, seed=12):
        self.folder = folder
        self.rng = random.Random(seed)
        self.members = []
        self.ino = 10
        self.size = 0

    def add(self, name, body):
        data = member(name, body, self.ino)
        self.ino += 1
        self.members.append(data)
        self.size += len(data)

    def node(self, path, node_type, parms, bypass=False, chn=None, spare=0):
        rng = self.rng
        stem = path.lstrip("/")
        self.add(stem + ".init", "type = {0}\nmatchesdef = 0\n".format(node_type))
        self.add(stem + ".def", def_section(rng, bypass))
        if spare:
            self.add(stem + ".spareparmdef", "    parm {\n\tname\t\"x\"\n\ttype\tfloat\n    }\n"
                     * spare)
        if chn is None and rng.random() < 0.2:
            chn = chn_section(rng, ["p0_x", "p1_amt"])
            parms = dict(parms, p0_x=["[ p0_x\t0.5 ]"], p1_amt=["[ p1_amt\t1 ]"])
        if chn:
            self.add(stem + ".chn", chn)
        lines = ["{", "version 0.8"] + [parm(k, *v) for k, v in parms.items()]
        lines += filler_parms(rng, rng.randint(25, 60)) + ["}", ""]
        self.add(stem + ".parm", "\n".join(lines))
        self.add(stem + ".userdata", "___Version___\n19.5.303")

    def touch(self, relative):
        path = os.path.join(self.folder, relative)
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        open(path, "wb").close()


def generate(folder, megabytes):
    """Write a scene of about ``megabytes`` MB and its input files; returns the scene path."""
    scene = _Scene(folder)
    scene.add(".start", "fplayback -i on -r off -f 1\ntcur 0\nfps 24\ntset 0 10\nframe 1\n"
                        "frange 1 240\n")
    scene.add(".variables", "set -g HIP = '/old/place'\nset -g JOB = '{0}'\n"
                            "set -g _HIP_SAVEVERSION = '19.5.303'\n".format(folder))
    scene.add(".OPdummydefs", "INDEX__SECTION\n" + "opdummy def line\n" * 4000)
    scene.add(".application", "viewerstow -x open -b stow\n" * 800)
    network = 0
    target = megabytes * 1e6
    while scene.size < target:
        base = "/obj/geo{0}".format(network)
        scene.node(base, "geo", {"scale": ["1"], "shop_materialpath": ['"/mat/m{0}"'.format(
            network)]})
        if network % 4 == 0:
            for frame in (1, 2, 3):
                scene.touch("geo/g{0}.{1:04d}.bgeo.sc".format(network, frame))
            scene.node(base + "/file1", "file", {
                "filemode": ['"read"'], "file": ["$HIP/geo/g{0}.$F4.bgeo.sc".format(network)]})
        if network % 10 == 0:
            scene.touch("abc/a{0}.abc".format(network))
            scene.node(base + "/abc1", "alembic", {"fileName": ['"$JOB/abc/a{0}.abc"'.format(
                network)]})
        for number in range(scene.rng.randint(5, 8)):
            node_type = scene.rng.choice(("xform", "attribwrangle", "copytopoints::2.0",
                                          "merge", "polyextrude::2.0", "color", "null"))
            parms = {}
            if node_type == "attribwrangle":
                parms["snippet"] = ['"float d = length(@P);\\n@Cd = set(d, 0, 1 - d);\\n"']
            scene.node("{0}/{1}{2}".format(base, node_type.split(":")[0], number), node_type,
                       parms)
        if network % 5 == 0:
            scene.touch("tex/t{0}.1001.rat".format(network))
            scene.touch("tex/t{0}.1002.rat".format(network))
            scene.node("/mat/m{0}".format(network), "principledshader::2.0", {
                "basecolor_texture": ['"$HIP/tex/t{0}.<UDIM>.rat"'.format(network)]})
        if network % 40 == 0:
            scene.node("/out/mantra{0}".format(network), "ifd", {
                "trange": ['"off"' if network % 80 else '"normal"'],
                "f": ["[ f1\t1 ]", "240", "1"], "camera": ["/obj/cam1"],
                "vm_picture": ["$HIP/render/$HIPNAME.$OS.$F4.exr"]},
                chn="{\n    channel f1 {\n      default = 1\n      segment { length = 0 "
                    "value = 1 1 expr = $FSTART }\n    }\n  }\n", spare=300)
        network += 1
    scene.node("/obj/cam1", "cam", {"res": ["1920", "1080"]})
    scene.node("/stage/render1", "usdrender_rop", {
        "trange": ['"normal"'], "f": ["1", "240", "1"],
        "outputimage": ['"$HIP/render/lop.$F4.exr"']})
    scene.add("TRAILER!!!", "")
    path = os.path.join(folder, "big.hip")
    with open(path, "wb") as handle:
        handle.write(b"".join(scene.members))
    return path, network


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=20.0, help="scene size in MB")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench_houdini_")
    try:
        scene, networks = generate(folder, args.mb)
        workspace = os.path.join(folder, "ws")
        os.makedirs(workspace)

        def line_loop():
            with open(scene, "rb") as handle:
                for _ in handle:
                    pass

        def analyse():
            return AnalyzeHoudini(scene, "19.5.303", workspace=workspace, backend="static",
                                  custom_db_path=os.path.join(folder, "db")).analyse()

        with quiet_logging():
            analyzer = analyse()
            figures = interleaved(args.rounds, [("line loop", line_loop),
                                                      ("full analysis", analyse)])
        print("scene: {0:.1f} MB, {1} object networks; found {2} ROPs, {3} files to upload"
              .format(os.path.getsize(scene) / 1e6, networks,
                      len(analyzer.task_info["scene_info"]["rop_node"]),
                      len(analyzer.upload_info["asset"])))
        print_goal(figures, "line loop", "full analysis", GOAL, source="issue #12")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
