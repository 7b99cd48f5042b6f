"""Round trip: generated ``.ma`` scenes come back from ``AnalyzeMaya(...).analyse()`` exactly.

Each example draws file nodes (textures, UDIM and frame tokens, Mari tiling and "use frame
extension", caches, proxies, IES, HDRIs), generic string attributes, references (loaded,
deferred, missing, nested) and legacy render layers with a frame range, writes the scene and
the files the spec says exist (plus decoys a pattern must not match) and compares upload.json,
tips.json, the asset.json entries and the layers' frames with what the spec implies
(``helpers.scene_specs``). See docs/dev/property-tests.md.
"""

import json
import os

from hypothesis import given
from hypothesis import strategies as st

from helpers import scene_specs as specs
from rayvision_maya.analyze_maya import AnalyzeMaya

#: node type -> (attribute as written, long name, kind, extensions, takes "use frame extension")
NODES = {
    "file": ("ftn", "fileTextureName", "texture", ("png", "exr", "tx"), True),
    "imagePlane": ("imn", "imageName", "texture", ("jpg", "png"), True),
    "aiImage": ("filename", "filename", "texture", ("tif",), True),
    "aiStandIn": ("dso", "dso", "proxy", ("abc",), True),
    "AlembicNode": ("fn", "abc_File", "alembic", ("abc",), False),
    "gpuCache": ("cfn", "cacheFileName", "alembic", ("abc",), False),
    "aiVolume": ("filename", "filename", "volume", ("vdb",), False),
    "RedshiftProxyMesh": ("fn", "fileName", "proxy", ("rs",), False),
    "VRayMesh": ("fn", "fileName", "vrmesh", ("vrmesh",), False),
    "aiPhotometricLight": ("ai_filename", "aiFilename", "ies", ("ies",), False),
    "RedshiftDomeLight": ("tex0", "tex0", "hdri", ("hdr", "exr"), False),
}
TIP_CODES = {"texture": "10012", "sequence": "10027", "hdri": "10012", "alembic": "10018",
             "volume": "10028", "vrmesh": "10030", "proxy": "10012", "ies": "10012",
             "reference": "10025"}
#: How each sequence style is written in a .ma file.
TOKENS = {"udim": "<UDIM>", "udim_lower": "<udim>", "frames_hash": "####",
          "frames_printf": "%04d", "frames_f": "<f>"}
STYLES = ("single",) + tuple(TOKENS)
#: How a .ma file names an environment variable.
VARIABLE_FORMS = ("${0}", "${{{0}}}", "%{0}%")


class FileNode(object):
    """A file-naming node: its spec, and how Maya's switches write it (``variant``)."""

    def __init__(self, node_type, dep, variant, name=None, in_scene_dir=False):
        self.type = node_type
        self.dep = dep
        # A relative path found in the scene's folder, not in the project root (the first
        # place Maya looks): a missing one is still reported under the project root.
        self.in_scene_dir = in_scene_dir and dep.location.startswith("relative")
        # "ufe": the first frame's name + useFrameExtension; "mari": the first tile's name +
        # uvTilingMode 3; "token": the pattern as written.
        self.variant = variant
        self.name = name or "dep{0}".format(dep.index)

    @property
    def kind(self):
        return "sequence" if self.variant == "ufe" else NODES[self.type][2]


@st.composite
def file_node(draw, index):
    node_type = draw(st.sampled_from(sorted(NODES)))
    dep = draw(specs.dependency(index, NODES[node_type][3], styles=STYLES))
    variant = "token"
    if dep.style.startswith("frames") and NODES[node_type][4] and draw(st.booleans()):
        variant = "ufe"
    elif dep.style == "udim" and node_type == "file" and draw(st.booleans()):
        variant = "mari"
    return FileNode(node_type, dep, variant, in_scene_dir=draw(st.booleans()))


def file_nodes(start, max_size):
    return st.integers(0, max_size).flatmap(
        lambda size: st.tuples(*[file_node(start + n) for n in range(size)]).map(list))


class Reference(object):
    """A referenced .ma file: where it is, whether it exists or is deferred, what it holds."""

    def __init__(self, index, relative, exists, instances, nodes, nested):
        self.index = index
        self.relative = relative
        self.exists = exists
        # One "deferred" flag per ``file -r`` of the file (the second with a copy number
        # ``{1}``): Maya loads the file when any instance is loaded.
        self.instances = instances
        self.nodes = nodes
        self.nested = nested

    @property
    def deferred(self):
        return all(self.instances)

    @property
    def namespace(self):
        """The namespace Maya loads the file under: that of its first loaded instance."""
        loaded = [copy for copy, deferred in enumerate(self.instances) if not deferred]
        copy = loaded[0] if loaded else 0
        return "r{0}{1}".format(self.index, "c{0}".format(copy) if copy else "")


@st.composite
def reference(draw, index, depth=1):
    nested = []
    if depth < 2:
        nested = draw(st.lists(reference(index * 10 + 1, depth + 1), max_size=1))
    return Reference(index, draw(st.booleans()), draw(st.booleans()),
                     draw(st.lists(st.booleans(), min_size=1, max_size=2)),
                     draw(file_nodes(index * 100, 3)), nested)


def with_copies(nodes, copies):
    """``nodes`` plus nodes naming the same files as some of them (uploaded and tipped once)."""
    return nodes + [FileNode(nodes[i].type, nodes[i].dep, nodes[i].variant,
                             "copy{0}".format(n), nodes[i].in_scene_dir)
                    for n, i in enumerate(copies) if i < len(nodes)]


class CacheNode(object):
    """A ``cacheFile`` node: a folder and a cache name; its ``.xml`` and per-frame files."""

    def __init__(self, index, location, folder, name, xml, frames, ext):
        self.index = index
        self.location = location
        self.folder = folder
        self.cache_name = "{0}_{1}".format(name, index)
        self.xml = xml
        self.frames = frames
        self.ext = ext

    def folder_path(self, layout):
        if self.location == "relative":
            return layout.project + "/" + self.folder
        if self.location == "absolute":
            return layout.library + "/" + self.folder
        return "D:/proj/" + self.folder

    def written(self, layout):
        if self.location == "relative":
            return self.folder
        if self.location == "absolute":
            return self.folder_path(layout)
        return self.folder_path(layout).replace("/", "\\")

    def existing(self, layout):
        if self.location == "windows":
            return []
        folder = self.folder_path(layout)
        files = [folder + "/" + self.cache_name + ".xml"] if self.xml else []
        return files + [folder + "/{0}Frame{1}.{2}".format(self.cache_name, frame, self.ext)
                        for frame in self.frames]


@st.composite
def cache_node(draw, index):
    return CacheNode(index, draw(st.sampled_from(["relative", "absolute", "windows"])),
                     draw(st.sampled_from(specs.FOLDERS)), draw(st.sampled_from(specs.STEMS)),
                     draw(st.booleans()),
                     sorted(draw(st.sets(st.sampled_from([1, 2, 3, 12]), max_size=3))),
                     draw(st.sampled_from(["mc", "mcx"])))


@st.composite
def scene_spec(draw):
    return {
        "caches": [draw(cache_node(500 + n)) for n in range(draw(st.integers(0, 2)))],
        "nodes": with_copies(draw(file_nodes(0, 6)), draw(st.lists(st.integers(0, 5),
                                                                   max_size=2))),
        "generic": draw(specs.dependencies(("json", "txt"), max_size=2, start=90,
                                           styles=("single",))),
        "references": [draw(reference(n + 1)) for n in range(draw(st.integers(0, 2)))],
        "layers": draw(st.lists(st.booleans(), max_size=3)),
        "animation": draw(st.booleans()),
        "range": draw(st.tuples(st.integers(-5, 50), st.integers(0, 60), st.integers(1, 3))),
        "current": draw(st.integers(-3, 90)),
    }


def mel_string(value):
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Layout(object):
    """Where a generated example lives: project (with workspace.mel), library, workspace."""

    def __init__(self, folder):
        self.project = specs.to_slash(str(folder / "proj"))
        self.library = specs.to_slash(str(folder / "lib"))
        self.workspace = str(folder / "ws")
        os.makedirs(self.project + "/scenes")
        os.makedirs(self.workspace)
        with open(self.project + "/workspace.mel", "w") as handle:
            handle.write('workspace -fr "scene" "scenes";\n')
        self.roots = (self.project, self.library)
        self.scene_roots = (self.project + "/scenes", self.library)

    def file_roots(self, node):
        """Where the files of ``node`` are put."""
        return self.scene_roots if node.in_scene_dir else self.roots

    def reference_path(self, ref):
        folder = self.project + "/refs" if ref.relative else self.library + "/refs"
        return folder + "/r{0}.ma".format(ref.index)

    def reference_written(self, ref):
        return "refs/r{0}.ma".format(ref.index) if ref.relative else self.reference_path(ref)


def written_value(node, layout):
    dep = node.dep
    value = specs.written_path(dep, layout.roots, TOKENS, variable_forms=VARIABLE_FORMS)
    if node.variant == "ufe":
        return value.replace(TOKENS[dep.style], "0001")
    if node.variant == "mari":
        return value.replace(TOKENS[dep.style], "1001")
    return value


def node_lines(node, layout):
    attr = NODES[node.type][0]
    lines = ['createNode {0} -n "{1}";'.format(node.type, node.name),
             '\tsetAttr ".{0}" -type "string" {1};'.format(
                 attr, mel_string(written_value(node, layout)))]
    if node.variant == "ufe":
        lines.append('\tsetAttr ".ufe" yes;')
    if node.variant == "mari":
        lines.append('\tsetAttr ".uvt" 3;')
    return lines


def reference_lines(references, layout):
    lines = []
    for ref in references:
        for copy, deferred in enumerate(ref.instances):
            suffix = "c{0}".format(copy) if copy else ""
            lines.append('file -r -ns "r{0}{1}"{2} -rfn "r{0}{1}RN" -typ "mayaAscii" {3};'.format(
                ref.index, suffix, " -dr 1" if deferred else "",
                mel_string(layout.reference_written(ref)
                           + ("{{{0}}}".format(copy) if copy else ""))))
    return lines


def ma_text(name, nodes, references, layout, extra=()):
    lines = ["//Maya ASCII 2018 scene", "//Name: " + name, "//Codeset: UTF-8"]
    lines += reference_lines(references, layout)
    lines += ['requires maya "2018";', 'fileInfo "product" "Maya 2018";']
    for node in nodes:
        lines += node_lines(node, layout)
    lines += list(extra)
    lines.append("// End of " + name)
    return "\n".join(lines) + "\n"


def scene_extra(spec, layout):
    lines = []
    for cache in spec["caches"]:
        lines += ['createNode cacheFile -n "cache{0}";'.format(cache.index),
                  '\tsetAttr ".cp" -type "string" {0};'.format(mel_string(cache.written(layout))),
                  '\tsetAttr ".cn" -type "string" {0};'.format(mel_string(cache.cache_name))]
    for number, generic in enumerate(spec["generic"]):
        lines += ['createNode rtDataNode -n "data{0}";'.format(number),
                  '\tsetAttr ".dataFile" -type "string" {0};'.format(
                      mel_string(specs.written_path(generic, layout.roots, TOKENS,
                                                    variable_forms=VARIABLE_FORMS)))]
    lines += ['createNode renderLayer -n "defaultRenderLayer";', '\tsetAttr ".g" yes;']
    for number, renderable in enumerate(spec["layers"]):
        lines.append('createNode renderLayer -n "layer{0}";'.format(number))
        if not renderable:
            lines.append('\tsetAttr ".rndr" no;')
    start, length, step = spec["range"]
    lines += ["select -ne :time1;", '\tsetAttr ".o" {0};'.format(spec["current"]),
              "select -ne :defaultRenderGlobals;",
              '\tsetAttr ".an" {0};'.format("yes" if spec["animation"] else "no"),
              '\tsetAttr ".fs" {0};'.format(start), '\tsetAttr ".ef" {0};'.format(start + length),
              '\tsetAttr ".bfs" {0};'.format(step)]
    return lines


def write_reference(ref, layout):
    if not ref.exists:
        return
    path = layout.reference_path(ref)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(ma_text(os.path.basename(path), ref.nodes, ref.nested, layout))
    for nested in ref.nested:
        write_reference(nested, layout)


class Expected(object):
    """What the analysis must report, computed from the spec."""

    def __init__(self):
        self.uploads = []
        self.tips = {}
        self.assets = []
        # path -> (exists, the node.attribute that named it first)
        self.sources = {}

    def named(self, paths, source, exists=True):
        for path in paths:
            self.sources.setdefault(path, (exists, source))

    def file_node(self, node, layout, value, namespace):
        dep = node.dep
        files = specs.existing_files(dep, layout.file_roots(node))
        self.uploads += files
        name, attr = namespace + node.name, NODES[node.type][1]
        self.assets.append((name, node.type, attr, value, node.kind, tuple(files), not files,
                            False))
        self.named(files, name + "." + attr)
        if not files:
            pattern = specs.reported_path(dep, layout.roots, TOKENS)
            if node.variant == "ufe":
                pattern = pattern.replace(TOKENS[dep.style], "<f>")
            self.tips.setdefault(TIP_CODES[node.kind], []).append(pattern)
            self.named([pattern], name + "." + attr, exists=False)

    def reference(self, ref, layout, namespace):
        path = layout.reference_path(ref)
        files = (path,) if ref.exists else ()
        self.uploads += list(files)
        # The reference node, named as in Maya: a nested one carries its scene's namespace.
        node = namespace + ref.namespace + "RN"
        self.assets.append((node, "reference", "fileName",
                            layout.reference_written(ref), "reference", files, not ref.exists,
                            ref.deferred))
        self.named(files, node + ".fileName")
        if ref.deferred:
            return  # Maya loads nothing inside an unloaded reference
        if not ref.exists:
            self.tips.setdefault(TIP_CODES["reference"], []).append(path)
            self.named([path], node + ".fileName", exists=False)
            return
        self.scene(ref.nodes, ref.nested, layout, namespace + ref.namespace + ":")

    def scene(self, nodes, references, layout, namespace=""):
        """Nodes of a referenced scene are named ``namespace:node`` (nested: ``a:b:node``)."""
        for node in nodes:
            self.file_node(node, layout, written_value(node, layout), namespace)
        for ref in references:
            self.reference(ref, layout, namespace)


def expected_analysis(spec, layout):
    expected = Expected()
    expected.scene(spec["nodes"], spec["references"], layout)
    for cache in spec["caches"]:
        files = cache.existing(layout)
        expected.uploads += files
        expected.assets.append(("cache{0}".format(cache.index), "cacheFile", "cachePath",
                                cache.written(layout), "cache", tuple(sorted(files)),
                                not files, False))
        expected.named(sorted(files), "cache{0}.cachePath".format(cache.index))
        if not files:
            xml = cache.folder_path(layout) + "/" + cache.cache_name + ".xml"
            expected.tips.setdefault("10012", []).append(xml)
            expected.named([xml], "cache{0}.cachePath".format(cache.index), exists=False)
    for number, generic in enumerate(spec["generic"]):
        files = specs.existing_files(generic, layout.roots)
        expected.uploads += files
        expected.named(files, "data{0}.dataFile".format(number))
        if files:
            expected.assets.append(("data{0}".format(number), "rtDataNode", "dataFile",
                                    specs.written_path(generic, layout.roots, TOKENS,
                                                       variable_forms=VARIABLE_FORMS), "other",
                                    tuple(files), False, False))
    return expected


def expected_frames(spec):
    start, length, step = spec["range"]
    if spec["animation"]:
        return (str(start), str(start + length), str(step),
                "{0}-{1}[{2}]".format(start, start + length, step), "True")
    current = str(spec["current"])
    return current, current, "1", "{0}-{0}[1]".format(current), "False"


def create_files(spec, layout):
    for node in _all_nodes(spec["nodes"], spec["references"]):
        specs.create(specs.existing_files(node.dep, layout.file_roots(node)))
        specs.create(specs.decoy_files(node.dep, layout.file_roots(node)))
    for generic in spec["generic"]:
        specs.create(specs.existing_files(generic, layout.roots))
    for cache in spec["caches"]:
        specs.create(cache.existing(layout))
    for ref in spec["references"]:
        write_reference(ref, layout)


def _all_nodes(nodes, references):
    for node in nodes:
        yield node
    for ref in references:
        for node in _all_nodes(ref.nodes, ref.nested):
            yield node


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def asset_rows(asset):
    return sorted((entry["node"], entry["type"], entry["attr"], entry["value"], entry["kind"],
                   tuple(sorted(entry["path"])), entry["missing"], entry.get("deferred", False))
                  for entry in asset)


@specs.ROUNDTRIP
@given(spec=scene_spec())
def test_generated_scene_comes_back_exactly(tmp_path_factory, monkeypatch, spec):
    layout = Layout(tmp_path_factory.mktemp("maya_rt"))
    monkeypatch.setenv(specs.LIBRARY_VARIABLE, layout.library)
    create_files(spec, layout)
    scene = layout.project + "/scenes/shot.ma"
    with open(scene, "w", encoding="utf-8") as handle:
        handle.write(ma_text("shot.ma", spec["nodes"], spec["references"], layout,
                             scene_extra(spec, layout)))
    maya = AnalyzeMaya(cg_file=scene, software_version="2018", project_name="P",
                       plugin_config={}, workspace=layout.workspace, backend="static",
                       local_os="linux").analyse()
    expected = expected_analysis(spec, layout)

    uploaded = [entry["local"] for entry in load(maya.upload_json)["asset"]]
    assert uploaded[-1] == scene
    assert sorted(uploaded[:-1]) == sorted(set(expected.uploads))
    tips = load(maya.tips_json)
    assert {code: sorted(paths) for code, paths in tips.items()} == {
        code: sorted(set(paths)) for code, paths in expected.tips.items()}
    asset = load(maya.asset_json)
    assert asset_rows(asset["asset"]) == sorted(expected.assets)
    # Every file, existing or missing, is linked to the node attribute that named it first.
    assert {chain["path"]: (chain["exists"], tuple(chain["chain"]))
            for chain in asset["dependency_chains"]} == {
        path: (exists, (scene, source, path))
        for path, (exists, source) in expected.sources.items()}

    info = load(maya.task_json)["scene_info"]
    assert list(info) == ["defaultRenderLayer"] + [
        "layer{0}".format(n) for n in range(len(spec["layers"]))]
    assert [info[name]["renderable"] for name in info][1:] == [
        "1" if renderable else "0" for renderable in spec["layers"]]
    for layer in info.values():
        common = layer["common"]
        assert (common["start"], common["end"], common["by_frame"], common["frames"],
                common["animation"]) == expected_frames(spec)
