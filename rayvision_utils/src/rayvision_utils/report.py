"""The plain English report at the end of every analysis.

:class:`AnalysisReport` gathers, from the finished analysis, the dependencies found (nested
ones included), the missing files with their tip codes, the frames of every layer / ROP /
image as task.json records them (and whether animation is off there), and the other tips as
warnings. ``str(report)`` is the summary the analyser logs once at INFO level;
:meth:`AnalysisReport.as_dict` is the same as data.
"""

import collections
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from rayvision_utils.exception import tips_code
from rayvision_utils.exception.exception import AnalyseFailError

#: Tip codes whose messages are the paths of missing files -> what is missing, in English.
MISSING_FILE_CODES = collections.OrderedDict([
    (tips_code.MISSING_FILE, "file"),
    (tips_code.FUMEFX_MISSING, "FumeFX cache"),
    (tips_code.ABC_MISSING, "Alembic cache"),
    (tips_code.KK_MISSING, "Krakatoa cache"),
    (tips_code.XMESH_MISSING, "XMesh cache"),
    (tips_code.REALFLOW_MISSING, "RealFlow cache"),
    (tips_code.PHOENIFX_MISSING, "simulation cache"),
    (tips_code.VRMAP_MISSING, "V-Ray irradiance map"),
    (tips_code.VRLMAP_MISSING, "V-Ray light cache"),
    (tips_code.XREFFILES, "referenced scene"),
    (tips_code.ANIMATION_MAP_MISSING, "texture sequence"),
    (tips_code.VDB_MISSING, "OpenVDB cache"),
    (tips_code.VRMESH_MISSING, "V-Ray proxy"),
    (tips_code.HAIR_MISSING, "hair cache"),
    (tips_code.CLARISSE_REFERENCE_MISSING, "referenced project"),
    (tips_code.HOUDINI_MISSING_FILE, "file"),
])

#: Other tip codes the analysers write -> what they mean, in English.
WARNING_TEXTS = {
    tips_code.UNKNOW_ERR: "the analysis failed",
    tips_code.CGINFO_FAILED: "the scene could not be read",
    tips_code.CG_NOTMATCH: "the scene was saved by another version than configured",
    tips_code.CG_NOTEXISTS: "the software is not installed",
    tips_code.VRAY_NOTMATCH: "the V-Ray version differs from the scene's",
    tips_code.CGFILE_NOTEXISTS: "the scene file vanished",
    tips_code.PLUGIN_NOTMATCH: "a plugin version differs from the scene's",
    tips_code.SCENE_PARTLY_READ: "only part of the scene could be read",
    tips_code.DEPENDENCY_NOT_FOLLOWED: "a dependency could not be read to follow its files",
    tips_code.HOUDINI_CAMERA_ERROR: "a ROP's render camera does not exist",
    tips_code.HOUDINI_CAMERA_WARNING: "a ROP has no render camera",
    tips_code.HOUDINI_SLICE_TYPE_NOTSUPPORT: "unsupported slice type",
    tips_code.HOUDINI_SLICES_TOO_MANY: "more than 16 slices",
}
# Characters of a tip message quoted in the summary.
_QUOTED = 160

_FALSE_TEXTS = frozenset(["false", "0", "off", "no"])
_LABEL_KEYS = ("name", "node", "layer", "renderable_layer")
# Missing files listed one by one in the logged summary; the rest are counted.
_SHOWN_MISSING = 20


class MissingFilesError(AnalyseFailError):
    """``strict`` analysis: the scene needs files that are missing.

    Attributes:
        missing (list of tuple): ``(tip code, path)`` of every missing file.
    """

    def __init__(self, cg_file: str, missing: Sequence[Tuple[str, str]]) -> None:
        lines = ["{0} (tip {1})".format(path, code) for code, path in missing]
        super(MissingFilesError, self).__init__(
            "{0} needs {1} missing file(s):\n  {2}".format(cg_file, len(missing),
                                                           "\n  ".join(lines)))
        self.cg_file = cg_file
        self.missing = list(missing)

    def __reduce__(self) -> Any:
        return (self.__class__, (self.cg_file, self.missing))


def is_animation_off(value: Any) -> bool:
    """Whether a task.json ``animation`` value means off (``"False"``, ``"0"``, ``False``)."""
    if isinstance(value, bool):
        return not value
    return str(value).strip().lower() in _FALSE_TEXTS


def frames_in(scene_info: Any) -> List[Dict[str, Any]]:
    """Every ``{"layer", "frames", "animation"}`` found in a ``scene_info`` structure.

    A dict holding a ``"frames"`` key is one layer / ROP / image; its label is its ``name``,
    ``node`` or ``layer`` key, else the keys leading to it (Maya: the layer name). Animation is
    off when the same dict has ``"animation"`` set to a false value.
    """
    found = []
    stack: List[Tuple[Tuple[str, ...], Any]] = [((), scene_info)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            if "frames" in value and isinstance(value["frames"], (str, int, float)):
                found.append(_frame_entry(where, value))
            for key in reversed(list(value)):
                if key != "frames":
                    stack.append((where + (str(key),), value[key]))
        elif isinstance(value, list):
            for index in reversed(range(len(value))):
                stack.append((where, value[index]))
    return found


def _frame_entry(where: Tuple[str, ...],
                 entry: Union[collections.OrderedDict, Dict[str, str], Dict[str, Union[str, Any]]]
                ) -> Dict[str, Union[str, bool]]:
    label = next((str(entry[key]) for key in _LABEL_KEYS if entry.get(key)), None)
    if label is None:
        parts = [part for part in where if part not in ("common", "scene_info")]
        label = ".".join(parts) or "scene"
    animation = not is_animation_off(entry["animation"]) if "animation" in entry else True
    return {"layer": label, "frames": str(entry["frames"]), "animation": animation}


class AnalysisReport(object):
    """What one analysis found, for people.

    Attributes:
        cg_file (str): The scene.
        backend (str): ``"static"`` or ``"dcc"``.
        dependencies (int): Files to upload besides the scene (nested ones included).
        nested (int): Of those, files found inside dependencies.
        missing (list of tuple): ``(tip code, path)`` of missing files.
        frames (list of dict): ``{"layer", "frames", "animation"}`` per layer / ROP / image.
        warnings (list of tuple): ``(tip code, message)`` of the other tips.
        not_followed (list of tuple): ``(path, reason)`` of dependencies that could not be read.
    """

    def __init__(self, cg_file: str, backend: Optional[str], dependencies: int = 0, nested: int = 0,
                 missing: Iterable[Tuple[str, str]] = (), frames: Iterable[Dict[str, Any]] = (),
                 warnings: Iterable[Tuple[str, str]] = (),
                 not_followed: Iterable[Tuple[str, str]] = ()) -> None:
        self.cg_file = cg_file
        self.backend = backend
        self.dependencies = dependencies
        self.nested = nested
        self.missing = list(missing)
        self.frames = list(frames)
        self.warnings = list(warnings)
        self.not_followed = list(not_followed)

    @classmethod
    def from_tips(cls, cg_file: str, backend: Optional[str], tips: Optional[Mapping[Any, Any]],
                  frames: Iterable[Dict[str, Any]], dependencies: int = 0, nested: int = 0,
                  not_followed: Iterable[Tuple[str, str]] = ()) -> "AnalysisReport":
        """Sort ``tips`` (tips.json data) into missing files and warnings."""
        missing: List[Tuple[str, str]] = []
        warnings: List[Tuple[str, str]] = []
        for code, messages in (tips or {}).items():
            messages = messages if isinstance(messages, list) else [messages]
            target = missing if str(code) in MISSING_FILE_CODES else warnings
            for message in messages:
                target.append((str(code), str(message)))
        return cls(cg_file, backend, dependencies, nested, missing, frames, warnings,
                   not_followed)

    @property
    def animation_off(self) -> List[str]:
        """Labels of the layers / ROPs that render only the current frame."""
        return [entry["layer"] for entry in self.frames if not entry["animation"]]

    def as_dict(self) -> "collections.OrderedDict[str, Any]":
        """The report as json-ready data."""
        return collections.OrderedDict([
            ("cg_file", self.cg_file), ("backend", self.backend),
            ("dependencies", self.dependencies), ("nested_dependencies", self.nested),
            ("missing", [{"code": code, "path": path} for code, path in self.missing]),
            ("frames", self.frames), ("animation_off", self.animation_off),
            ("warnings", [{"code": code, "message": text} for code, text in self.warnings]),
            ("not_followed", [{"path": path, "reason": reason}
                              for path, reason in self.not_followed]),
        ])

    def __str__(self) -> str:
        lines = ["Analysis of {0} ({1} backend): {2} dependencies found{3}, {4} missing.".format(
            self.cg_file, self.backend, self.dependencies,
            " ({0} inside other dependencies)".format(self.nested) if self.nested else "",
            len(self.missing))]
        for code, path in self.missing[:_SHOWN_MISSING]:
            lines.append("  missing {0}: {1} (tip {2})".format(
                MISSING_FILE_CODES.get(code, "file"), path, code))
        if len(self.missing) > _SHOWN_MISSING:
            lines.append("  ... and {0} more missing (see tips.json)".format(
                len(self.missing) - _SHOWN_MISSING))
        for entry in self.frames:
            lines.append("  frames of {0}: {1}{2}".format(
                entry["layer"], entry["frames"],
                "" if entry["animation"] else
                " (animation is off: only the current frame is rendered)"))
        for path, reason in self.not_followed:
            lines.append("  not followed: {0}: {1}".format(path, reason))
        by_code: Dict[str, Any] = collections.OrderedDict()
        for code, message in self.warnings:
            by_code.setdefault(code, []).append(message)
        for code, messages in by_code.items():
            first = messages[0] if len(messages[0]) <= _QUOTED else messages[0][:_QUOTED] + "..."
            lines.append("  warning: {0} (tip {1}){2}{3}".format(
                WARNING_TEXTS.get(code, "see tips.json"), code,
                ": {0}".format(first) if first else "",
                " and {0} more".format(len(messages) - 1) if len(messages) > 1 else ""))
        return "\n".join(lines)
