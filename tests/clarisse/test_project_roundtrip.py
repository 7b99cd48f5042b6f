"""Round trip: generated ``.project`` files come back from ``AnalyzeClarisse(...).analyse()``
exactly.

Each example draws file attributes of textures, Alembic bundles and poly files (``$PDIR`` and
bare relative paths, absolute, Windows and UNC paths; ``<UDIM>``, ``####``, ``$4F``,
``${4F}`` tokens; names with spaces and non-ASCII letters; some files existing, decoys next
to them), reference contexts (existing, missing, holding their own files and a nested
reference) and images with embedded layers and frame ranges whose outputs exist on disk, and
compares upload.json, tips.json, asset.json and ``scene_info`` with what the spec implies
(``helpers.scene_specs``). See docs/dev/property-tests.md.
"""

import json
import os

from hypothesis import given
from hypothesis import strategies as st

from helpers import scene_specs as specs
from rayvision_clarisse.analyse_clarisse import AnalyzeClarisse

#: object kind -> extensions of the file its ``filename`` names
OBJECTS = {"TextureMapFile": ("tx", "exr", "png"), "GeometryBundleAlembic": ("abc",),
           "GeometryPolyfile": ("obj",)}
TOKENS = {"udim": "<UDIM>", "frames_hash": "####", "frames_nf": "$4F",
          "frames_brace": "${4F}"}
STYLES = ("single",) + tuple(TOKENS)
VARIABLE_FORMS = ("${0}", "${{{0}}}")


class FileObject(object):
    """An object with a ``filename`` attribute."""

    def __init__(self, kind, dep, name=None, variable="$PDIR"):
        self.kind = kind
        self.dep = dep
        self.name = name or "o{0}".format(dep.index)
        # Both name the folder of the project that holds the value.
        self.variable = variable


@st.composite
def file_object(draw, index):
    kind = draw(st.sampled_from(sorted(OBJECTS)))
    return FileObject(kind, draw(specs.dependency(index, OBJECTS[kind], styles=STYLES)),
                      variable=draw(st.sampled_from(["$PDIR", "$CDIR", "${PDIR}"])))


def file_objects(start, max_size):
    return st.integers(0, max_size).flatmap(
        lambda size: st.tuples(*[file_object(start + n) for n in range(size)]).map(list))


class Reference(object):
    """A referenced project in ``<project>/refs``: exists or not, its objects, nested refs."""

    def __init__(self, index, exists, objects, nested):
        self.index = index
        self.exists = exists
        self.objects = objects
        self.nested = nested


@st.composite
def reference(draw, index, depth=1):
    nested = []
    if depth < 2:
        nested = draw(st.lists(reference(index * 10 + 1, depth + 1), max_size=1))
    return Reference(index, draw(st.booleans()), draw(file_objects(index * 100, 3)), nested)


@st.composite
def image(draw, index):
    # None: no range written; an image takes the project's animation range, a layer its
    # image's frames.
    frames = st.one_of(st.none(), st.tuples(st.integers(-10, 100), st.integers(0, 50),
                                            st.integers(1, 3)))
    return {"name": "img{0}".format(index), "range": draw(frames),
            "layers": draw(st.lists(st.tuples(frames, st.booleans()), max_size=2))}


def with_copies(objects, copies):
    """``objects`` plus objects naming the same files as some of them (uploaded once)."""
    return objects + [FileObject(objects[i].kind, objects[i].dep, "copy{0}".format(n),
                                 objects[i].variable)
                      for n, i in enumerate(copies) if i < len(objects)]


@st.composite
def project_spec(draw):
    return {"objects": with_copies(draw(file_objects(0, 6)),
                                   draw(st.lists(st.integers(0, 5), max_size=2))),
            "references": [draw(reference(n + 1)) for n in range(draw(st.integers(0, 2)))],
            "images": [draw(image(n)) for n in range(draw(st.integers(0, 2)))],
            "animation": draw(st.tuples(st.integers(-5, 20), st.integers(0, 100)))}


def quoted(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def written_value(obj, roots):
    """``$PDIR/...`` for files next to the project; bare relative with backslashes."""
    if obj.dep.location == "relative":
        return specs.written_path(obj.dep, roots, TOKENS, relative_prefix=obj.variable + "/")
    return specs.written_path(obj.dep, roots, TOKENS, variable_forms=VARIABLE_FORMS)


def object_lines(obj, roots):
    return ["    {0} {{".format(obj.kind), '        name "{0}"'.format(obj.name),
            "        filename " + quoted(written_value(obj, roots)), "    }"]


def range_lines(frames, indent):
    if frames is None:
        return []
    start, length, step = frames
    return [indent + "first_frame {0}".format(start),
            indent + "last_frame {0}".format(start + length),
            indent + "frame_step {0}".format(step)]


def image_lines(entry):
    layers = " ".join('".l{0}"'.format(n) for n in range(len(entry["layers"])))
    lines = ["    Image {", '        name "{0}"'.format(entry["name"])]
    lines += range_lines(entry["range"], "        ")
    lines.append('        save_as "$PDIR/render/{0}.####.exr"'.format(entry["name"]))
    if layers:
        lines.append("        layers " + layers)
    lines.append("        embedded_objects {")
    for number, (frames, enabled) in enumerate(entry["layers"]):
        lines += ["            Layer3d {", '                name "l{0}"'.format(number)]
        lines += range_lines(frames, "                ")
        if not enabled:
            lines.append("                disabled yes")
        lines.append("            }")
    return lines + ["        }", "    }"]


def reference_value(ref, nested):
    """The scene names ``refs/rN.project``; a referenced project names its neighbours."""
    return "$PDIR/{0}r{1}.project".format("" if nested else "refs/", ref.index)


def reference_lines(ref, nested):
    return ['    Context "r{0}" {{'.format(ref.index),
            "        filename " + quoted(reference_value(ref, nested)), "    }"]


def preferences_text(animation):
    """The window-layout block that holds the project's animation range."""
    start, length = animation
    return ("#preferences {\n    categories {\n        animation {\n"
            "            frames_per_second 24\n"
            "            start_frame %d.0\n            end_frame %d\n"
            "        }\n    }\n}\n") % (start, start + length)


def project_text(context, objects, references, roots, images=(), nested=False):
    lines = ['Context "{0}" {{'.format(context)]
    for obj in objects:
        lines += object_lines(obj, roots)
    for entry in images:
        lines += image_lines(entry)
    for ref in references:
        lines += reference_lines(ref, nested)
    return "#Isotropix_Serial_Version 1.2\n\n#Isotropix_Clarisse_Version 4\n" \
           "#Isotropix_Clarisse_Project_Version 0.94\n" + "\n".join(lines + ["}"]) + "\n"


def write_references(references, roots):
    """Referenced projects live in ``<project>/refs``, their ``$PDIR``."""
    refs_roots = (roots[0] + "/refs", roots[1])
    for ref in references:
        for obj in ref.objects:
            specs.create(specs.existing_files(obj.dep, refs_roots))
        if ref.exists:
            path = refs_roots[0] + "/r{0}.project".format(ref.index)
            specs.create([path], project_text("geo", ref.objects, ref.nested, refs_roots,
                                                      nested=True)
                         .encode("utf-8"))
        write_references(ref.nested, roots)


class Expected(object):
    """asset.json tables, uploads and tips the spec implies."""

    def __init__(self):
        self.asset = {"Normal": {}, "Miss": {}, "Reference": {}}
        self.uploads = []
        self.tips = {}
        # path -> (exists, the attribute that named it first)
        self.sources = {}

    def named(self, paths, source, exists=True):
        for path in paths:
            self.sources.setdefault(path, (exists, source))

    def objects(self, objects, context, roots):
        for obj in objects:
            key = "{0}/{1}.filename".format(context, obj.name)
            value = written_value(obj, roots)
            files = specs.existing_files(obj.dep, roots)
            if files:
                self.asset["Normal"][key] = [value, files]
                self.uploads += files
                self.named(files, key)
                continue
            reported = specs.reported_path(obj.dep, roots, TOKENS)
            self.asset["Miss"][key] = [value, [reported]]
            self.named([reported], key, exists=False)
            self.tips.setdefault("10012", []).append(reported)

    def references(self, references, context, roots, nested=False):
        refs_roots = (roots[0] + "/refs", roots[1])
        for ref in references:
            path = refs_roots[0] + "/r{0}.project".format(ref.index)
            ref_context = "{0}/r{1}".format(context, ref.index)
            value = reference_value(ref, nested)
            self.named([path], ref_context + ".filename", exists=ref.exists)
            if not ref.exists:
                self.asset["Miss"][ref_context] = [value, [path]]
                self.tips.setdefault("25009", []).append("Reference file not found: " + path)
                continue
            self.asset["Reference"][ref_context] = [value, [path]]
            self.uploads.append(path)
            self.objects(ref.objects, ref_context + "/geo", refs_roots)
            # Nested references sit next to the project that names them: in refs/ too.
            self.references(ref.nested, ref_context + "/geo", roots, nested=True)


def frames(entry, default):
    if entry is None:
        return default
    start, length, step = entry
    return "{0}-{1}[{2}]".format(start, start + length, step)


def expected_images(spec):
    start, length = spec["animation"]
    animation = "{0}-{1}[1]".format(start, start + length)
    images = []
    for entry in spec["images"]:
        name = "project://scene/" + entry["name"]
        image_frames = frames(entry["range"], animation)
        layers = [(name + ".l{0}".format(n), frames(layer, image_frames),
                   "1" if enabled else "0")
                  for n, (layer, enabled) in enumerate(entry["layers"])]
        images.append((name, image_frames, layers))
    return images


def load(analyzer, name):
    with open(os.path.join(analyzer.workspace, name + ".json"), encoding="utf-8") as handle:
        return json.load(handle)


@specs.ROUNDTRIP
@given(spec=project_spec())
def test_generated_project_comes_back_exactly(tmp_path_factory, monkeypatch, spec):
    folder = tmp_path_factory.mktemp("clarisse_rt")
    roots = (specs.to_slash(str(folder / "proj")), specs.to_slash(str(folder / "lib")))
    monkeypatch.setenv(specs.LIBRARY_VARIABLE, roots[1])
    os.makedirs(str(folder / "ws"))
    for obj in spec["objects"]:
        specs.create(specs.existing_files(obj.dep, roots))
        specs.create(specs.decoy_files(obj.dep, roots))
    for entry in spec["images"]:
        specs.create([roots[0] + "/render/{0}.0001.exr".format(entry["name"])])
    write_references(spec["references"], roots)
    scene = roots[0] + "/shot.project"
    specs.create([scene], (project_text("scene", spec["objects"], spec["references"], roots,
                                        spec["images"])
                           + preferences_text(spec["animation"])).encode("utf-8"))
    analyzer = AnalyzeClarisse(scene, "clarisse_ifx_4.0_sp3", project_name="P",
                               workspace=str(folder / "ws"), backend="static").analyse()
    expected = Expected()
    expected.objects(spec["objects"], "project://scene", roots)
    expected.references(spec["references"], "project://scene", roots)

    uploaded = [entry["local"] for entry in load(analyzer, "upload")["asset"]]
    assert uploaded[-1] == scene
    assert sorted(uploaded[:-1]) == sorted(set(expected.uploads))
    found = load(analyzer, "asset")
    for table in ("Normal", "Miss", "Reference"):
        assert {key: [value, sorted(paths)] for key, (value, paths) in found[table].items()} \
            == expected.asset[table], table
    assert found["Unresolved"] == {}
    # Every file, existing or missing, is linked to the attribute that named it first.
    assert {chain["path"]: (chain["exists"], tuple(chain["chain"]))
            for chain in found["dependency_chains"]} == {
        path: (exists, (scene, source, path))
        for path, (exists, source) in expected.sources.items()}
    assert sorted(found["Output"]) == sorted("project://scene/{0}.save_as".format(entry["name"])
                                             for entry in spec["images"])
    tips = load(analyzer, "tips")
    assert {code: sorted(messages) for code, messages in tips.items()} == {
        code: sorted(set(messages)) for code, messages in expected.tips.items()}
    images = load(analyzer, "task")["scene_info"]["image_node"]
    assert [(entry["name"], entry["frames"],
             [(layer["name"], layer["frames"], layer["renderable"])
              for layer in entry["layers"]]) for entry in images] == expected_images(spec)
