"""Where Maya finds a file whose absolute path is gone: under the current project.

A scene moved to another machine or drive keeps the absolute paths it was saved with
(``D:/old_job/sourceimages/wood.png``). Maya does not give up on such a path: it looks for
the file in the current project, first by putting ever shorter trailing parts of the path
under the project root (``<root>/old_job/sourceimages/wood.png``,
``<root>/sourceimages/wood.png``...), then by the file's name in the folder the project's
file rule gives files of that kind (``workspace -fr "sourceImages" "sourceimages"`` in
``workspace.mel``). The farm, given the project, finds them the same way.

Input: the path as written (Windows or POSIX form, on any OS), the project root, its file
rules. Output: the candidate paths, best first. The candidates are computed from the text
alone; only :func:`read_file_rules` reads a file.
"""

import os
import re
from typing import Dict, List, Optional

# A drive ("D:"), or the server and share of a UNC path ("//server/share"): never a part
# of a path inside a project.
_ROOT = re.compile(r"^(?:[A-Za-z]:|//[^/]+/[^/]+|//[^/]+$)")
_FILE_RULE = re.compile(r'workspace\s+-fr(?:uleEntry)?\s+"([^"]+)"\s+"([^"]*)"')
# A workspace.mel holds a few dozen rules; more is no project definition.
_MAX_WORKSPACE_BYTES = 1024 * 1024
# Trailing parts tried under the project root; deeper paths keep their last ones.
MAX_TAIL_PARTS = 32

#: Kind of file (``tables.KIND_TIP_CODES`` keys) -> the file rules naming its folder, with
#: the folder Maya's default project gives each rule when ``workspace.mel`` does not.
KIND_RULES = {
    "texture": (("sourceImages", "sourceimages"),),
    "sequence": (("sourceImages", "sourceimages"),),
    "hdri": (("sourceImages", "sourceimages"),),
    "ies": (("sourceImages", "sourceimages"),),
    "reference": (("scene", "scenes"), ("mayaAscii", "scenes"), ("mayaBinary", "scenes")),
    "alembic": (("alembicCache", "cache/alembic"),),
    "cache": (("fileCache", "cache/nCache"), ("diskCache", "data")),
}


def parse_file_rules(text: str) -> Dict[str, str]:
    """``{rule: folder}`` of the ``workspace -fr "<rule>" "<folder>"`` lines of ``text``."""
    return {rule: folder for rule, folder in _FILE_RULE.findall(text)}


def read_file_rules(project_root: str) -> Dict[str, str]:
    """The file rules of ``<project_root>/workspace.mel``; none when it cannot be read."""
    try:
        with open(os.path.join(project_root, "workspace.mel"), "rb") as handle:
            data = handle.read(_MAX_WORKSPACE_BYTES)
    except (OSError, ValueError):
        return {}
    return parse_file_rules(data.decode("utf-8", "replace"))


def path_parts(path: str) -> List[str]:
    r"""The folders and name of ``path`` below its drive, share or ``/``, ``.`` and ``..`` gone.

    ``D:\job\tex\a.png`` and ``//server/share/job/tex/a.png`` give
    ``["job", "tex", "a.png"]``.
    """
    text = path.replace("\\", "/")
    match = _ROOT.match(text)
    if match:
        text = text[match.end():]
    parts: List[str] = []
    for part in text.split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return parts


def rule_folders(project_root: str, rules: Dict[str, str], kind: Optional[str]) -> List[str]:
    """The folders the project's file rules give files of ``kind`` (absolute, forward slashes).

    A rule's folder is relative to the project root unless it is absolute.
    """
    root = project_root.replace("\\", "/").rstrip("/")
    folders: List[str] = []
    for rule, default in KIND_RULES.get(kind or "", ()):
        folder = rules.get(rule, default).replace("\\", "/").rstrip("/")
        if not folder:
            continue
        if not (folder.startswith("/") or _ROOT.match(folder)):
            folder = root + "/" + folder
        if folder not in folders:
            folders.append(folder)
    return folders


def relocated_paths(path: str, project_root: str, rules: Dict[str, str],
                    kind: Optional[str] = None) -> List[str]:
    r"""Where Maya looks for the absolute ``path`` in the project when it is not where it says.

    Args:
        path (str): An absolute path as written (``D:\job\a.png``, ``/mnt/job/a.png``),
            variables expanded; sequence tokens stay in the name.
        project_root (str): The project folder.
        rules (dict): Its file rules (:func:`read_file_rules`).
        kind (str, optional): The kind of file (``"texture"``, ``"reference"``...): which
            file rules' folders hold it.

    Returns:
        list[str]: Candidates, best first, forward slashes, no repeats: the project root
        joined with the path's trailing parts, longest first (the name alone last), then the
        name in each folder of the kind's file rules.
    """
    parts = path_parts(path)
    if not parts:
        return []
    root = project_root.replace("\\", "/").rstrip("/")
    tails = parts[-MAX_TAIL_PARTS:]
    candidates: List[str] = []
    for start in range(len(tails)):
        _add(candidates, root + "/" + "/".join(tails[start:]))
    name = parts[-1]
    named = [folder + "/" + name for folder in rule_folders(project_root, rules, kind)]
    # The rule folders come before the bare project root for the name alone.
    bare = candidates.pop()
    for candidate in named + [bare]:
        _add(candidates, candidate)
    return candidates


def _add(candidates: List[str], candidate: str) -> None:
    if candidate not in candidates:
        candidates.append(candidate)

