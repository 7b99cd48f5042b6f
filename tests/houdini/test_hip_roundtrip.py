"""Round trip: generated ``.hip`` scenes come back from ``AnalyzeHoudini(...).analyse()`` exactly.

Each example draws file parameters of SOPs, materials and lights (``$HIP``-relative, bare
relative, absolute, Windows and UNC paths; ``<UDIM>``, ``%(UDIM)d``, ``$F4``, ``${F4}``
tokens; names with spaces and non-ASCII letters; some files existing, decoys next to them),
render ROPs (frame range or current frame only, bypassed, existing or missing camera) and
cache ROPs whose outputs exist on disk, writes a real container (``.hip``, ``.hipnc`` or
``.hiplc``) with the ``HipBuilder`` of conftest, and compares upload.json, tips.json,
asset.json and ``scene_info`` with what the spec implies (``helpers.scene_specs``). See
docs/dev/property-tests.md.
"""

import json
import os

from hypothesis import given
from hypothesis import strategies as st

from helpers import scene_specs as specs
from rayvision_houdini.analyze_houdini import AnalyzeHoudini

#: node type -> (network, parameter, extensions)
NODES = {
    "file": ("/obj/geo1", "file", ("bgeo.sc", "obj", "vdb")),
    "alembic": ("/obj/geo1", "fileName", ("abc",)),
    "principledshader::2.0": ("/mat", "basecolor_texture", ("rat", "exr", "png")),
    "envlight": ("/obj", "env_map", ("hdr", "exr")),
}
TOKENS = {"udim": "<UDIM>", "udim_tex": "%(UDIM)d", "frames_f4": "$F4",
          "frames_brace": "${F4}", "frames_plain": "$F"}
STYLES = ("single",) + tuple(TOKENS)
VARIABLE_FORMS = ("${0}", "${{{0}}}")
#: Where ``.OPlibraries`` entries live (bare relative ones are left to Houdini's search path).
LIBRARY_LOCATIONS = ("relative", "absolute", "absolute_dotdot", "env", "windows", "unc")
#: Channel of a ROP's end frame, as Houdini saves it: the expression and its last value.
END_CHANNEL = """{{
    channel f2 {{
      lefttype = extend
      righttype = extend
      default = 48
      flags = 0
      segment {{ length = 0 value = 48 48 expr = "$FEND - {0}" }}
    }}
  }}
"""
FPS = 24


class Parm(object):
    """A file parameter of a generated node."""

    def __init__(self, node_type, dep, name=None, in_job=False):
        self.type = node_type
        self.dep = dep
        # A bare relative path found under $JOB, not under $HIP (looked up first).
        self.in_job = in_job and dep.location == "relative_backslash"
        network, self.parm, _ = NODES[node_type]
        self.node = "{0}/{1}".format(network, name or "n{0}".format(dep.index))

    @property
    def key(self):
        return self.node + "/" + self.parm


@st.composite
def parm(draw, index):
    node_type = draw(st.sampled_from(sorted(NODES)))
    return Parm(node_type, draw(specs.dependency(index, NODES[node_type][2], styles=STYLES)),
                in_job=draw(st.booleans()))


@st.composite
def rop(draw, index):
    return {"node": "/out/r{0}".format(index),
            # The end frame driven by the channel "$FEND - k" (None: a plain value).
            "end_from_fend": draw(st.one_of(st.none(), st.integers(0, 5))),
            "range": draw(st.tuples(st.integers(-10, 100), st.integers(0, 50),
                                    st.integers(1, 4))),
            "trange": draw(st.sampled_from(["normal", "off"])),
            "bypass": draw(st.booleans()),
            "camera": draw(st.booleans()),
            "cache": draw(st.booleans())}


def with_copies(parms, copies):
    """``parms`` plus parameters naming the same files as some of them (uploaded once)."""
    return parms + [Parm(parms[i].type, parms[i].dep, "copy{0}".format(n), parms[i].in_job)
                    for n, i in enumerate(copies) if i < len(parms)]


@st.composite
def scene_spec(draw):
    size = draw(st.integers(0, 7))
    return {"parms": with_copies([draw(parm(n)) for n in range(size)],
                                 draw(st.lists(st.integers(0, 6), max_size=2))),
            "rops": [draw(rop(n)) for n in range(draw(st.integers(0, 3)))],
            "libraries": draw(specs.dependencies(("hda", "otl"), max_size=2, start=80,
                                                 locations=LIBRARY_LOCATIONS)),
            "frange": draw(st.tuples(st.integers(-5, 20), st.integers(0, 100))),
            "tcur": draw(st.integers(0, 4)),
            "kind": draw(st.sampled_from(["hip", "hipnc", "hiplc"])),
            "gzip": draw(st.booleans())}


def written_value(item, roots):
    """``$HIP/...`` for files under the scene's folder; bare relative for the backslash form."""
    dep = item.dep
    if dep.location == "relative":
        return specs.written_path(dep, roots[:2], TOKENS, relative_prefix="$HIP/")
    return specs.written_path(dep, roots[:2], TOKENS, variable_forms=VARIABLE_FORMS)


def file_roots(item, roots):
    """Where the files of ``item`` are put: ``roots`` = (``$HIP``, library, ``$JOB``)."""
    return (roots[2], roots[1]) if item.in_job else roots[:2]


def frames_of(entry, current, frange):
    if entry["trange"] == "off":
        return "{0}-{0}[1]".format(current)
    start, length, step = entry["range"]
    end = start + length
    if entry["end_from_fend"] is not None:
        end = frange[0] + frange[1] - entry["end_from_fend"]
    return "{0}-{1}[{2}]".format(start, end, step)


def build(kit, spec, roots, folder):
    start, length = spec["frange"]
    builder = kit.HipBuilder(save_version="18.0.5", tcur=spec["tcur"], fps=FPS,
                             variables={"JOB": roots[2]}, frange=(start, start + length))
    if spec["libraries"]:
        builder.section(".OPlibraries", "".join(
            library_value(dep, roots) + "\n" for dep in spec["libraries"]))
    builder.node("/obj/cam1", "cam", {"res": ["1280", "720"]})
    builder.node("/obj/geo1", "geo", {})
    for item in spec["parms"]:
        builder.node(item.node, item.type, {item.parm: [kit.quote(written_value(item, roots))]})
    for entry in spec["rops"]:
        start, length, step = entry["range"]
        end, chn = str(start + length), None
        if entry["end_from_fend"] is not None:
            end, chn = "[ f2\t48 ]", END_CHANNEL.format(entry["end_from_fend"])
        parms = {"f": [str(start), end, str(step)],
                 "trange": ['"{0}"'.format(entry["trange"])]}
        if entry["cache"]:
            parms["sopoutput"] = [kit.quote("$HIP/out/{0}.$F4.bgeo.sc".format(
                entry["node"][5:]))]
            builder.node(entry["node"], "geometry", parms, bypass=entry["bypass"], chn=chn)
            continue
        parms["camera"] = ['"/obj/cam1"' if entry["camera"] else '"/obj/gone"']
        parms["vm_picture"] = [kit.quote("$HIP/render/{0}.$F4.exr".format(entry["node"][5:]))]
        builder.node(entry["node"], "ifd", parms, bypass=entry["bypass"], chn=chn)
    return builder.write(folder + "/shot." + spec["kind"], kind=spec["kind"],
                         compress=spec["gzip"])


def library_value(dep, roots):
    if dep.location == "relative":
        return specs.written_path(dep, roots[:2], TOKENS, relative_prefix="$HIP/")
    return specs.written_path(dep, roots[:2], TOKENS, variable_forms=VARIABLE_FORMS)


def create_files(spec, roots):
    for dep in spec["libraries"]:
        specs.create(specs.existing_files(dep, roots[:2]))
    for item in spec["parms"]:
        specs.create(specs.existing_files(item.dep, file_roots(item, roots)))
        specs.create(specs.decoy_files(item.dep, file_roots(item, roots)))
    for entry in spec["rops"]:
        # Outputs already rendered: on disk, yet never inputs.
        name = entry["node"][5:]
        specs.create([roots[0] + "/out/{0}.0001.bgeo.sc".format(name),
                      roots[0] + "/render/{0}.0001.exr".format(name)])


def expected_assets(spec, roots):
    """asset.json tables, uploads, missing paths and ``{path: (exists, parameter)}``."""
    asset = {"Normal": {}, "Miss": {}, "Search": {}}
    uploads, missing, sources = [], [], {}
    entries = [(item.key, written_value(item, roots), item.dep, file_roots(item, roots))
               for item in spec["parms"]]
    entries += [("/.OPlibraries/{0}".format(number), library_value(dep, roots), dep, roots[:2])
                for number, dep in enumerate(spec["libraries"])]
    for key, value, dep, where in entries:
        files = specs.existing_files(dep, where)
        reported = specs.reported_path(dep, roots[:2], TOKENS)
        if files:
            asset["Normal"][key] = [value, files]
            uploads += files
            for path in files:
                sources.setdefault(path, (True, key))
        elif dep.location == "relative_backslash":
            # Relative and not found: left to Houdini's search path, no tip.
            asset["Search"][key] = [value, [specs.to_slash(value)]]
        else:
            asset["Miss"][key] = [value, [reported]]
            missing.append(reported)
            sources.setdefault(reported, (False, key))
    return asset, uploads, missing, sources


def expected_scene_info(spec):
    current = str(spec["tcur"] * FPS + 1)
    rops, geos = [], []
    for entry in spec["rops"]:
        result = {"node": entry["node"], "frames": frames_of(entry, current, spec["frange"])}
        if entry["cache"]:
            result.update(option="0", render="0")
            geos.append(result)
            continue
        result.update(option="-1", render="0" if entry["bypass"] else "1")
        result["camera"] = "/obj/cam1" if entry["camera"] else "/obj/gone"
        if entry["camera"]:
            result.update(width="1280", height="720")
        rops.append(result)
    return rops, geos


def expected_tips(spec, missing):
    tips = {}
    if missing:
        tips["50001"] = sorted(set(missing))
    gone = ["{0}: render camera /obj/gone does not exist".format(entry["node"])
            for entry in spec["rops"] if not entry["cache"] and not entry["camera"]]
    if gone:
        tips["50002"] = gone
    return tips


def load(analyzer, name):
    with open(os.path.join(analyzer.workspace, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


@specs.ROUNDTRIP
@given(spec=scene_spec())
def test_generated_scene_comes_back_exactly(kit, tmp_path_factory, monkeypatch, spec):
    monkeypatch.delenv("JOB", raising=False)
    folder = tmp_path_factory.mktemp("hip_rt")
    roots = tuple(specs.to_slash(str(folder / name)) for name in ("proj", "lib", "job"))
    monkeypatch.setenv(specs.LIBRARY_VARIABLE, roots[1])
    os.makedirs(roots[0])
    os.makedirs(str(folder / "ws"))
    create_files(spec, roots)
    scene = build(kit, spec, roots, roots[0])
    analyzer = AnalyzeHoudini(scene, "18.0.5", project_name="P", workspace=str(folder / "ws"),
                              backend="static", custom_db_path=str(folder / "db")).analyse()
    asset, uploads, missing, sources = expected_assets(spec, roots)

    uploaded = [entry["local"] for entry in load(analyzer, "upload")["asset"]]
    assert uploaded[-1] == scene
    assert sorted(uploaded[:-1]) == sorted(set(uploads))
    found = load(analyzer, "asset")
    for table in ("Normal", "Miss", "Search"):
        assert {key: [value, sorted(paths)] for key, (value, paths) in found[table].items()} \
            == asset[table], table
    assert found["Unresolved"] == {}
    # Every file, existing or missing, is linked to the parameter that named it first.
    assert {chain["path"]: (chain["exists"], tuple(chain["chain"]))
            for chain in found["dependency_chains"]} == {
        path: (exists, (scene, source, path)) for path, (exists, source) in sources.items()}
    assert sorted(found["Output"]) == sorted(
        "{0}/{1}".format(entry["node"], "sopoutput" if entry["cache"] else "vm_picture")
        for entry in spec["rops"])
    tips = load(analyzer, "tips")
    assert {code: sorted(messages) for code, messages in tips.items()} == {
        code: sorted(messages) for code, messages in expected_tips(spec, missing).items()}
    info = load(analyzer, "task")["scene_info"]
    rops, geos = expected_scene_info(spec)
    assert info["rop_node"] == rops
    assert info["geo_node"] == geos
    assert info["distributedsim_node"] == []
