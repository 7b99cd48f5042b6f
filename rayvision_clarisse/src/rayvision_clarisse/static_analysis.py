"""Analyse a parsed Clarisse project without Clarisse: image nodes, 3D layers, input files.

Rules (documented in docs/analysis-houdini-clarisse.md):

* Objects are the capitalised blocks with a ``name`` inside ``Context`` blocks; their full
  names are ``project://<context>/<name>``; embedded objects are ``<owner>.<name>``.
  ``#preferences`` (window layout) is never read as scene content.
* Every ``Image`` becomes an ``image_node`` entry with its frame range, output, format, LUT,
  save-to-disk flag and the 3D layers its ``layers`` attribute lists (``.layer`` is an
  embedded object of the image, ``project://...`` a full name, a bare name is looked up in
  the image's context).
* A value is an input file when its attribute is a file attribute (``filename``...) or the
  value has a known file extension, and the attribute is not an output (``save_as``,
  ``deep_output_path``...). ``$PDIR``/``$CDIR`` (the project's folder) and environment
  variables are expanded; ``####``, ``$F``/``$4F``, ``<UDIM>`` stand for every matching file.
* A ``Context`` with a ``filename`` is a reference: the file is uploaded and, for a
  ``.project``, parsed too (its images and files belong to the scene). A missing reference is
  tip 25009; other missing files are tip 10012.

Reading only what these rules need (:data:`PRUNING`): inside a labelled ``Context`` the
objects are skipped unread unless a line of theirs holds a marker of what the rules read
(:data:`FILE_MARKERS`: a file or output attribute name, a file extension, an ``Image``, a
nested ``Context``, a reference); inside ``#preferences`` only ``categories`` is read. A
skipped object is then missing from the objects an image's ``layers`` can name: when an image
names a layer that is not found, the project is read again whole and analysed again, so the
result is always that of the whole project.
"""

import os
import re
from typing import Any, Dict, List, Optional

from rayvision_clarisse.project_parser import (
    Project,
    ProjectFormatError,
    Pruning,
    read_project_file,
)
from rayvision_utils.exception import tips_code
from rayvision_utils.findings import StaticFindings
from rayvision_utils.paths import (
    DirectoryCache,
    expand_env,
    unexpanded_variables,
)
from rayvision_utils.scene_input import SceneInputError

#: Attributes that name files an object reads, whatever their extension.
INPUT_ATTRS = frozenset([
    "filename", "file", "filename_sequence", "map_file", "ies_file", "abc_file", "usd_file",
    "path", "proxy_filename", "cache_filename", "vdb_filename", "filename_open",
])
#: Attributes that name files Clarisse writes.
OUTPUT_ATTRS = frozenset([
    "save_as", "deep_output_path", "save_deep_as", "deep_save_as", "render_filename",
    "output", "output_path", "log_file", "save_to", "image_save_as", "filename_save",
])
#: Attributes whose value is never a file although it may look like one.
_NOT_FILES = frozenset(["name", "layers", "comment", "active_camera", "renderer", "camera"])
#: Extensions of the files Clarisse reads: scenes and caches, the images its OpenImageIO
#: reader opens (``.ptx`` Ptex, ``.iff``, ``.sgi``, ``.jp2``...) and the OpenColorIO configs
#: and LUTs (``.cube``, ``.3dl``, ``.csp``, ``.spi1d``...).
_FILE_EXTENSIONS = (
    "3dl|abc|ass|bgeo|bmp|ccc|cdl|cin|clf|csp|cube|dds|dpx|exr|fbx|gif|hdr|hdri|ies|iff|j2k|"
    "jp2|jpeg|jpg|lut|lwo|obj|ocio|osl|pic|png|project|psd|ptex|ptx|rib|rla|rs|sbsar|sgi|"
    "spi1d|spi3d|spimtx|tex|tga|tif|tiff|tx|usd|usda|usdc|usdz|vdb|vrmesh|webp|xgen|xpm"
)
_FILE_LIKE = re.compile(r"\.(?:{0})$".format(_FILE_EXTENSIONS), re.IGNORECASE)
#: Image output formats by the index Clarisse saves (the names the farm expects).
IMAGE_FORMATS = {
    "0": "exr16", "1": "exr32", "2": "tif8", "3": "tif16", "4": "tif32", "5": "jpg",
    "6": "bmp", "7": "tga", "8": "png8", "9": "png16", "10": "psd8", "11": "psd16",
    "12": "psd32", "13": "dpx10", "14": "dpx16", "15": "cin",
}
#: Attributes the analysis reads by name (a lean read keeps them, and any attribute whose
#: value looks like a path).
LEAN_ATTRS = frozenset([
    "name", "layers", "first_frame", "last_frame", "frame_step", "frame_increment", "save_as",
    "format", "lut", "LUT", "save_to_disk", "enabled", "disabled", "enable_deep_output",
    "save_deep_data", "deep_output_path", "save_deep_as", "reference", "value",
    "start_frame", "end_frame",
]) | INPUT_ATTRS | OUTPUT_ATTRS
#: Pieces of text of which one is on every line an object's analysis reads, objects of kind
#: ``Image`` and the layers they name apart: every name of :data:`INPUT_ATTRS` and
#: :data:`OUTPUT_ATTRS` holds one (a test checks it), and so do the lines of a ``Context``
#: read (``filename``, ``reference``) and the headers of ``Image`` and ``Context`` blocks.
FILE_MARKERS = (b"file", b"path", b"save", b"output", b"reference", b"Context", b"Image")
#: A file extension (any value :func:`_looks_like_file` takes for a file by its extension):
#: ``.`` and a letter, or ``.3dl``, the one extension read that starts with a digit (``.``
#: and any digit would mark every line of decimal numbers).
FILE_EXTENSION_MARKER = rb"\.(?:[A-Za-z]|3[Dd][Ll])"
#: First words of the lines holding a marker that the analysis reads whatever their values.
_MARKED_NAMES = frozenset(prefix + name.encode("ascii")
                          for name in INPUT_ATTRS | OUTPUT_ATTRS | {"reference", "name"}
                          for prefix in (b"", b"#"))
_LEAN_NAMES = frozenset(prefix + name.encode("ascii")
                        for name in LEAN_ATTRS for prefix in (b"", b"#"))
#: A file extension at the end of a value (quoted or bare).
_FILE_VALUE_END = re.compile(r"\.(?:{0})(?:[\"\s]|$)".format(_FILE_EXTENSIONS).encode("ascii"),
                             re.IGNORECASE)


def _reads_marked_line(line: bytes) -> bool:
    """Whether a line of an object holding a marker is read.

    Skipped are only the simple attribute lines (one statement, no brace, no backslash,
    every string closed) that name no file: an attribute the analysis reads for a file by
    its name is read, so is a value ending with a file extension, unless the line names
    another object (``"project:/...``), which a lean read drops anyway.
    """
    stripped = line.strip()
    if b"{" in stripped or b"}" in stripped or b"\\" in stripped or stripped.count(b'"') % 2:
        return True
    name = stripped.split(None, 1)[0]
    if name in _MARKED_NAMES:
        return True
    if name not in _LEAN_NAMES and b'"project:/' in stripped:
        return False
    return _FILE_VALUE_END.search(stripped) is not None


#: What a lean read of a project for this analysis may skip unread.
PRUNING = Pruning({"Context": FILE_MARKERS, "#preferences": (b"categories",)},
                  patterns={"Context": FILE_EXTENSION_MARKER}, labelled=("Context",),
                  reads_line=_reads_marked_line,
                  object_markers={"Context": FILE_MARKERS + (b"name",)},
                  whole=("Image", "Context"))
#: Deepest chain of referenced projects followed.
MAX_REFERENCE_DEPTH = 16
#: Most instances of referenced projects one analysis walks (a project referenced by several
#: contexts is one instance per context; chains of such references multiply them).
MAX_REFERENCE_INSTANCES = 1024
_TRUE = ("yes", "1", "true", "on")
#: Full name of the project's root context.
ROOT_PATH = "project://"


class ClarisseResult(StaticFindings):
    """What the static backend found (the analyser turns it into json files).

    Attributes:
        scene_info (dict): ``{"image_node": [...]}``.
        asset (dict): ``Normal``, ``Miss``, ``Unresolved``, ``Reference``, ``Output``.
        tips (dict): tip code -> messages.
        upload_files (list): Existing input files (and referenced projects), no duplicates.
        errors (list): ``(path, reason)`` of referenced projects that could not be parsed.
        unresolved_layers (list): ``(image, layer)`` names of layers not found, or found
            in an object whose lines were not all read.
    """

    def __init__(self) -> None:
        super(ClarisseResult, self).__init__()
        self.unresolved_layers: List[Any] = []
        self.scene_info: Dict[str, Any] = {"image_node": []}
        self.asset: Dict[str, Any] = {"Normal": {}, "Miss": {}, "Unresolved": {}, "Reference": {},
                      "Output": {}}
        self.errors: List[Any] = []
        # Reading state: each referenced project is read once (identity -> Project, or None
        # when it could not be read), however many contexts instance it.
        self._projects: Dict[str, Any] = {}
        self._instances = 0


class _Object(object):
    __slots__ = ("full_name", "block", "context", "project_dir", "root")

    def __init__(self, full_name: Any, block: Any, context: Any, project_dir: Any,
                 root: str = ROOT_PATH) -> None:
        self.full_name = full_name
        self.block = block
        self.context = context
        self.project_dir = project_dir
        # Where the object's project file is mounted: its full names are relative to it.
        self.root = root


def project_variables(project_dir: Any, environ: Any = None) -> Any:
    """Variables for expansion: the environment plus ``PDIR``/``CDIR`` = the project's folder."""
    environ = os.environ if environ is None else environ
    variables = dict(environ)
    folder = project_dir.replace("\\", "/")
    variables["PDIR"] = folder
    variables["CDIR"] = folder
    return variables


def read_for_analysis(path: str, pruning: Optional[Pruning] = PRUNING) -> Project:
    """Read a project as the analysis needs it: lean, skipping what :data:`PRUNING` allows."""
    return read_project_file(path, lean_attrs=LEAN_ATTRS, pruning=pruning)


def analyse_project(project: Any, cg_file: Any, environ: Any = None,
                    pruning: Optional[Pruning] = None) -> Any:
    """Run the static analysis of a parsed project (and of the projects it references).

    Args:
        project (rayvision_clarisse.project_parser.Project): The parsed main project.
        cg_file (str): Its path (sets ``$PDIR``).
        environ (dict, optional): Environment variables (default ``os.environ``).
        pruning (Pruning, optional): How referenced projects are read (default: whole).

    Returns:
        ClarisseResult: Image nodes, assets, tips, upload list.
    """
    result = _analyse(project, cg_file, environ, pruning)
    if result.unresolved_layers and (project.pruned or pruning is not None):
        # A layer may be an object a pruned read skipped: the whole project decides.
        result = _analyse(read_for_analysis(project.path, pruning=None), cg_file, environ,
                          None)
    return result


def _analyse(project: Any, cg_file: Any, environ: Any, pruning: Any) -> Any:
    result = ClarisseResult()
    cache = DirectoryCache()
    objects: Dict[Any, Any] = {}
    visited = frozenset([os.path.normcase(os.path.abspath(cg_file))])
    project_dir = os.path.dirname(os.path.abspath(cg_file))
    _walk_project(project.root, ROOT_PATH, project_dir, objects, result, cache, environ,
                  visited, depth=0, pruning=pruning)
    _global_range = _preferences_range(project)
    for obj in objects.values():
        if obj.block.kind == "Image":
            result.scene_info["image_node"].append(
                _image_entry(obj, objects, _global_range, result))
    return result


def _walk_project(block: Any, context_path: Any, project_dir: Any, objects: Any, result: Any,
                  cache: Any, environ: Any, visited: Any, depth: Any,
                  pruning: Any = None, root: str = ROOT_PATH) -> None:
    variables = project_variables(project_dir, environ)
    # join_path(context_path, name) for the objects, of which a context holds thousands
    base = join_path(context_path, "")
    for child in block.children:
        kind = child.kind
        if kind[:1] == "#":
            continue
        if kind == "Context":
            label = child.label or child.name or ""
            path = join_path(context_path, label) if label else context_path
            _follow_reference(child, path, project_dir, variables, objects, result, cache,
                              environ, visited, depth, pruning)
            _walk_project(child, path, project_dir, objects, result, cache, environ,
                          visited, depth, pruning, root)
        elif kind[:1].isupper() and child.attrs.get("name"):   # _is_object(child)
            _add_object(base + child.name, child, context_path, project_dir, variables,
                        objects, result, cache, root)


def join_path(context_path: Any, name: Any) -> Any:
    """``project://scene`` + ``cam`` -> ``project://scene/cam``."""
    if context_path.endswith("/"):
        return context_path + name
    return context_path + "/" + name


def _is_object(block: Any) -> Any:
    return block.kind[:1].isupper() and bool(block.attrs.get("name"))


def _add_object(full: Any, block: Any, context_path: Any, project_dir: Any, variables: Any,
                objects: Any, result: Any, cache: Any, root: str = ROOT_PATH) -> None:
    objects[full] = _Object(full, block, context_path, project_dir, root)
    _collect_files(full, block, variables, project_dir, result, cache)
    for holder in block.children:
        if holder.kind != "embedded_objects":
            continue
        for child in holder.children:
            if _is_object(child):
                _add_object(full + "." + child.name, child, context_path, project_dir,
                            variables, objects, result, cache, root)


def _collect_files(full: Any, block: Any, variables: Any, project_dir: Any, result: Any,
                   cache: Any) -> None:
    """Look at the attributes of the object and of its attribute sub-blocks."""
    stack = [(block, "")]
    while stack:
        current, prefix = stack.pop()
        for name, values in current.attrs.items():
            if name in _NOT_FILES:
                continue
            key_name = full + "." + prefix + name
            several = len(values) > 1
            for number, value in enumerate(values):
                if not _looks_like_file(name, value):
                    continue
                key = "{0}[{1}]".format(key_name, number) if several else key_name
                if name in OUTPUT_ATTRS:
                    result.asset["Output"][key] = value
                    continue
                classify_file(result, key, value, variables, project_dir, cache)
        if not current.children:
            continue
        for child in current.children:
            if child.kind == "embedded_objects" or _is_object(child):
                continue
            label = child.label or child.kind
            # custom attributes: ``filename_open "x" { value "..." }`` -> treat value as file.
            if child.kind in INPUT_ATTRS and "value" in child.attrs:
                child = _relabel(child)
            elif child.kind in OUTPUT_ATTRS and "value" in child.attrs:
                # ``save_as { value "..." }``: still the file the image writes.
                child = _relabel(child, child.kind)
            stack.append((child, prefix + label + "."))


def _relabel(block: Any, name: str = "filename") -> Any:
    copy = type(block)(block.kind, block.label, block.line)
    copy.attrs = dict(block.attrs)
    copy.attrs[name] = copy.attrs.pop("value")
    copy.children = list(block.children)
    return copy


def _looks_like_file(name: Any, value: Any) -> Any:
    if not value or value == "<empty>" or "\n" in value or len(value) > 1024:
        return False
    if value.startswith(("project:/", "build:/")):
        return False
    if name in INPUT_ATTRS or name in OUTPUT_ATTRS:
        return True
    return bool(_FILE_LIKE.search(value.strip()))


def classify_file(result: Any, key: Any, raw: Any, variables: Any, project_dir: Any, cache: Any,
                  missing_code: Any = None) -> Any:
    """File ``raw`` under Normal (existing files), Miss or Unresolved; return the files."""
    expanded = expand_env(raw.strip(), variables).replace("\\", "/")
    if unexpanded_variables(expanded):
        result.asset["Unresolved"][key] = [raw, [expanded]]
        return []
    files, reported = result.resolve(expanded, [project_dir.replace("\\", "/")], variables,
                                     cache)
    if files:
        result.asset["Normal"][key] = [raw, files]
        for path in files:
            result.add_upload(path, source=key)
    else:
        result.asset["Miss"][key] = [raw, [reported]]
        result.add_source(reported, key)
        result.add_tip(missing_code or tips_code.MISSING_FILE, reported)
    return files


def _follow_reference(block: Any, context_path: Any, project_dir: Any, variables: Any, objects: Any,
                      result: Any, cache: Any, environ: Any, visited: Any, depth: Any,
                      pruning: Any = None) -> None:
    raw = None
    for key in ("filename", "reference", "#reference", "#filename"):
        values = block.attrs.get(key.lstrip("#")) or block.meta.get(key.lstrip("#"))
        if values:
            raw = values[0]
            break
    if not raw:
        return
    expanded = expand_env(raw, variables).replace("\\", "/")
    files, reported = result.resolve(expanded, [project_dir.replace("\\", "/")], variables,
                                     cache)
    if not files:
        result.asset["Miss"][context_path] = [raw, [reported]]
        result.add_source(reported, context_path + ".filename")
        result.add_tip(tips_code.CLARISSE_REFERENCE_MISSING,
                       "Reference file not found: {0}".format(reported))
        return
    result.asset["Reference"][context_path] = [raw, files]
    for path in files:
        result.add_upload(path, source=context_path + ".filename")
    referenced = files[0]
    if not referenced.lower().endswith(".project"):
        return
    identity = os.path.normcase(os.path.abspath(referenced))
    if identity in visited or depth >= MAX_REFERENCE_DEPTH:
        return
    # ``visited`` holds the projects of this chain only: a project referenced by two contexts
    # is instanced twice by Clarisse (its images render in both), only a cycle is cut.
    visited = visited | {identity}
    if result._instances >= MAX_REFERENCE_INSTANCES:
        result.add_tip(tips_code.CGINFO_FAILED, "more than {0} instances of referenced "
                       "projects: the others are not analysed".format(MAX_REFERENCE_INSTANCES))
        return
    result._instances += 1
    sub_project = _read_referenced(referenced, identity, result, pruning)
    if sub_project is None:
        return
    _walk_project(sub_project.root, context_path, os.path.dirname(referenced), objects, result,
                  cache, environ, visited, depth + 1, pruning, root=context_path)


def _read_referenced(referenced: str, identity: str, result: Any, pruning: Any) -> Any:
    """The referenced project, read once per analysis; None when it cannot be read."""
    if identity in result._projects:
        return result._projects[identity]
    try:
        project = read_for_analysis(referenced, pruning=pruning)
    except (ProjectFormatError, SceneInputError) as error:
        project = None
        result.errors.append((referenced, str(error)))
        result.add_tip(tips_code.CGINFO_FAILED,
                       "referenced project {0} could not be read: {1}".format(referenced,
                                                                             error))
    result._projects[identity] = project
    return project


def _preferences_range(project: Any) -> Any:
    prefs = project.preferences()
    if prefs is None:
        return None
    for categories in prefs.find("categories"):
        for animation in categories.find("animation"):
            start = _number(animation.attr("start_frame"))
            end = _number(animation.attr("end_frame"))
            if start is not None and end is not None:
                return start, end
    return None


def _number(value: Any) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def format_frame(number: Any) -> Any:
    """``0.0`` -> ``'0'``; ``2.5`` -> ``'2.5'``."""
    if float(number).is_integer():
        return str(int(number))
    return repr(float(number))


def _frames(block: Any, default_range: Any, fallback: Any = None) -> Any:
    start = _number(block.attr("first_frame"))
    end = _number(block.attr("last_frame"))
    step = _number(block.attr("frame_step")) or _number(block.attr("frame_increment")) or 1
    if start is None or end is None:
        if fallback is not None:
            return fallback
        if default_range is None:
            start = end = 0 if start is None else start
        else:
            start = default_range[0] if start is None else start
            end = default_range[1] if end is None else end
    return "{0}-{1}[{2}]".format(format_frame(start), format_frame(end), format_frame(step))


def _flag(value: Any, default: Any = "0") -> Any:
    if value is None:
        return default
    return "1" if str(value).lower() in _TRUE else "0"


def _format(value: Any) -> Any:
    if value is None:
        return ""
    return IMAGE_FORMATS.get(str(value), str(value))


def _resolve_layer(image: Any, reference: Any, objects: Any) -> Any:
    if reference.startswith(".") and not reference.startswith(".."):
        return objects.get(image.full_name + reference)
    if reference.startswith(ROOT_PATH) and image.root != ROOT_PATH:
        # A full name written in a referenced project names an object of that project.
        return objects.get(join_path(image.root, reference[len(ROOT_PATH):]))
    if reference.startswith(("project:/", "build:/")):
        return objects.get(reference)
    return objects.get(join_path(image.context, reference))


def _image_entry(image: Any, objects: Any, default_range: Any, result: Any) -> Any:
    block = image.block
    frames = _frames(block, default_range)
    entry = {
        "frames": frames,
        "renderable": "0",
        "output": block.attr("save_as", "") or "",
        "format": _format(block.attr("format")),
        "LUT": block.attr("lut") or block.attr("LUT") or "linear",
        "save_to_disk": _flag(block.attr("save_to_disk")),
        "name": image.full_name,
        "layers": [],
    }
    for reference in block.attrs.get("layers", []):
        layer = _resolve_layer(image, reference, objects)
        if layer is None or layer.block.pruned:
            result.unresolved_layers.append((image.full_name, reference))
        if layer is None:
            continue
        lblock = layer.block
        enabled = lblock.attr("enabled")
        disabled = lblock.attr("disabled")
        renderable = "0" if (enabled is not None and _flag(enabled) == "0") or \
            _flag(disabled) == "1" else "1"
        entry["layers"].append({
            "frames": _frames(lblock, default_range, fallback=frames),
            "renderable": renderable,
            "output": lblock.attr("save_as", "") or "",
            "format": _format(lblock.attr("format")),
            "enable_deep_output": _flag(lblock.attr("enable_deep_output")
                                        or lblock.attr("save_deep_data")),
            "save_to_disk": _flag(lblock.attr("save_to_disk")),
            "enable_deep_output_path": lblock.attr("deep_output_path")
            or lblock.attr("save_deep_as") or "",
            "name": layer.full_name,
        })
    return entry
