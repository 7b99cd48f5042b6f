"""Dependencies inside dependencies: follow the files that a scene's files name.

A scene names a ``.usda`` layer, which sub-layers another, which references a texture; an
``.ass`` procedural names more ``.ass`` files and their textures; an OCIO config names its LUTs.
:func:`follow_dependencies` reads every followable file (see
:mod:`rayvision_utils.dependency_formats`), resolves what it names with the usual rules
(:func:`rayvision_utils.paths.resolve_files`: variables, sequences, relative to the naming
file's folder first), and goes on with the files found, breadth first, so each dependency
keeps the shortest chain that brought it in::

    ["D:/proj/shot.ma", "usd1.filePath", "D:/proj/set.usda", "subLayers",
     "D:/proj/props.usda", "inputs:file", "D:/proj/tex/wood.png"]

Guards: a file is read once (cycles end there), at most ``max_depth`` files deep, at most
``max_files`` files read and ``max_dependencies`` recorded; each file is read with
:func:`rayvision_utils.scene_input.open_scene` (bounded lines, gzip cap, devices refused). A
file that cannot be read is listed in ``skipped`` with the reason; nothing raises.
"""

import collections
import itertools
import os
import re
from typing import Any, Callable, Deque, Dict, Iterator, List, Optional, Tuple, Union

from rayvision_utils.collector import collector_paused
from rayvision_utils.dependency_formats import _FOLLOWED_ENDINGS, MAX_LINE, reader_for
from rayvision_utils.paths import (
    _POSIX_PATHS,
    DirectoryCache,
    _join,
    _split,
    is_absolute,
    is_file,
    resolve_files,
    to_slash,
)
from rayvision_utils.scene_input import SceneInputError, open_scene

DEFAULT_MAX_DEPTH = 16
DEFAULT_MAX_FILES = 10000
DEFAULT_MAX_DEPENDENCIES = 200000
#: Followed files larger than this (on disk) are not read (listed in ``skipped``).
DEFAULT_MAX_FILE_BYTES = 4 * 1024 ** 3
# Characters of variables ($VAR, %VAR%) and sequence tokens (<UDIM>, ####, @@@, %04d, $F4).
_NOT_PLAIN = re.compile(r"[$%<#@]")
#: References read from one file at most.
MAX_REFERENCES_PER_FILE = 100000
# os.path.normcase: nothing to do for a str on POSIX hosts.
_normcase = (lambda path: path) if _POSIX_PATHS else os.path.normcase


class Dependency(object):
    """One file named by a dependency (or the root files themselves).

    Attributes:
        path (str): The file (forward slashes); for a missing one, the path a tip names.
        exists (bool): Whether a file was found.
        chain (list of str): Scene, then alternately what named the next file and that file,
            ending with ``path``.
        files (list of str): The existing files ``path`` stands for (several for a sequence).
    """

    __slots__ = ("path", "exists", "chain", "files")

    def __init__(self, path: str, exists: bool, chain: List[str],
                 files: Union[List[str], Tuple[()]] = ()) -> None:
        self.path = path
        self.exists = exists
        self.chain = list(chain)
        self.files = list(files)

    @classmethod
    def _adopt(cls, path: str, exists: bool, chain: List[str],
               files: List[str]) -> "Dependency":
        """A Dependency holding ``chain`` and ``files`` themselves (new lists, not copied).

        A chain is as long as the nesting is deep: copying each one again costs as much as
        building it.
        """
        dependency = cls.__new__(cls)
        dependency.path = path
        dependency.exists = exists
        dependency.chain = chain
        dependency.files = files
        return dependency

    def as_dict(self) -> collections.OrderedDict:
        """``{"path", "exists", "chain"}`` (+ ``"files"`` for a sequence), as in asset.json."""
        entry = collections.OrderedDict([("path", self.path), ("exists", self.exists),
                                         ("chain", self.chain)])
        if len(self.files) > 1:
            entry["files"] = self.files
        return entry

    def __repr__(self) -> str:
        return "Dependency({0!r}, exists={1}, chain={2!r})".format(
            self.path, self.exists, self.chain)


class DependencyGraph(object):
    """What :func:`follow_dependencies` found.

    Attributes:
        found (list of Dependency): Nested dependencies found, existing or missing, in
            breadth-first order (roots not included).
        followed (list of str): Files that were read.
        skipped (list of tuple): ``(path, reason)`` of followable files not read (unreadable,
            too large, depth or count limit).
    """

    def __init__(self) -> None:
        self.found: List[Any] = []
        self.followed: List[Any] = []
        self.skipped: List[Any] = []

    @property
    def existing_files(self) -> List[Union[Any, str]]:
        """Every existing nested file, in discovery order."""
        return [name for dep in self.found if dep.exists for name in dep.files]

    @property
    def missing(self) -> List[Dependency]:
        """Nested dependencies that were not found."""
        return [dep for dep in self.found if not dep.exists]


def is_followable(path: str) -> bool:
    """Whether :func:`follow_dependencies` reads ``path`` (by its name)."""
    return reader_for(path) is not None


class _FileKeys(object):
    """Identity of a file for the cycle guard: its real folder and its name.

    Symlinked folders are resolved with one ``realpath`` per folder, not per file.
    """

    def __init__(self) -> None:
        self._folders: Dict[Any, Any] = {}

    def __call__(self, path: str) -> str:
        folder, name = _split(path)
        real = self._folders.get(folder)
        if real is None:
            try:
                real = os.path.realpath(folder or ".")
            except (OSError, ValueError):
                real = folder
            self._folders[folder] = real
        return _normcase(_join(real, name))


def follow_dependencies(roots: List[Any], search_dirs: Union[List[str], Tuple[()]] = (),
                        environ: Optional[Any] = None, max_depth: int = DEFAULT_MAX_DEPTH,
                        max_files: int = DEFAULT_MAX_FILES,
                        max_dependencies: int = DEFAULT_MAX_DEPENDENCIES,
                        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
                        cache: Optional[Any] = None) -> DependencyGraph:
    """Follow the files named inside ``roots``, recursively.

    Args:
        roots (iterable): ``(path, chain)`` pairs: an existing file and the chain that brought
            it in (ending with the file), e.g. ``("D:/p/a.usda", ["D:/p/s.ma", "usd1.filePath",
            "D:/p/a.usda"])``. Files that are not followable are only marked as seen.
        search_dirs (iterable of str): Folders for relative paths, after the naming file's.
        environ (dict, optional): Variables for path expansion (default ``os.environ``).
        max_depth (int): Files deep below a root that are still read.
        max_files (int): Files read at most.
        max_dependencies (int): Dependencies recorded at most.
        max_file_bytes (int): Followed files larger than this on disk are not read.
        cache (DirectoryCache, optional): Shared folder listings.

    Returns:
        DependencyGraph: What was found.
    """
    graph = DependencyGraph()
    roots = list(roots)
    # reader_for(path) is None for each root, in one pass (thousands of images and caches)
    if not any([path.lower().endswith(_FOLLOWED_ENDINGS) for path, _ in roots]):
        return graph   # nothing to read (a scene naming images and caches only)
    # Every dependency keeps its chain (as long as the nesting is deep) to the end: the cyclic
    # collector would only walk them again and again.
    with collector_paused():
        _follow(graph, roots, search_dirs, environ, max_depth, max_files, max_dependencies,
                max_file_bytes, cache)
    return graph


def _follow(graph: DependencyGraph, roots: List[Any], search_dirs: Union[List[str], Tuple[()]],
            environ: Optional[Any], max_depth: int, max_files: int, max_dependencies: int,
            max_file_bytes: int, cache: Optional[Any]) -> None:
    """The breadth-first walk of :func:`follow_dependencies`, filling ``graph``."""
    _key = _FileKeys()
    cache = cache if cache is not None else DirectoryCache()
    search_dirs = [folder for folder in search_dirs if folder]
    seen = set()
    missing_seen = set()
    # Files repeat references (one texture per shader...): resolve each once per folder.
    resolutions: Dict[Any, Any] = {}
    queue: Deque[Any] = collections.deque()
    for path, chain in roots:
        key = _key(path)
        if key not in seen:
            seen.add(key)
            queue.append((to_slash(path), list(chain), 0))
    while queue:
        path, chain, depth = queue.popleft()
        reader = reader_for(path)
        if reader is None:
            continue
        if depth >= max_depth:
            graph.skipped.append((path, "deeper than {0} files".format(max_depth)))
            continue
        if len(graph.followed) >= max_files:
            graph.skipped.append((path, "more than {0} files to follow".format(max_files)))
            continue
        references = _read_references(path, reader, max_file_bytes, graph)
        if references is None:
            continue
        graph.followed.append(path)
        for label, target, dirs in _resolvable(path, references, search_dirs):
            if len(graph.found) >= max_dependencies:
                graph.skipped.append((path, "more than {0} dependencies".format(
                    max_dependencies)))
                return
            resolution_key = (target, tuple(dirs))
            resolved = resolutions.get(resolution_key)
            if resolved is None:
                resolved = _plain_file(target, dirs) or resolve_files(target, dirs, environ,
                                                                      cache)
                resolutions[resolution_key] = resolved
            files, reported = resolved
            if not files:
                if reported not in missing_seen:
                    missing_seen.add(reported)
                    graph.found.append(Dependency._adopt(reported, False,
                                                         chain + [label, reported], []))
                continue
            keys = [_key(name) for name in files]
            fresh = [name for name, key in zip(files, keys) if key not in seen]
            if not fresh:
                continue
            seen.update(keys)
            shown = fresh[0] if len(fresh) == 1 else to_slash(reported)
            graph.found.append(Dependency._adopt(shown, True, chain + [label, shown], fresh))
            for name in fresh:
                if reader_for(name) is not None:
                    queue.append((name, chain + [label, name], depth + 1))


def _plain_file(reference: str, dirs: List[str]) -> Optional[Tuple[Any, str]]:
    """``resolve_files``' answer for the common case, found with one stat.

    That is a reference with no variable or sequence token whose first candidate exists;
    None for anything else (``resolve_files`` then does the full work).
    """
    if _NOT_PLAIN.search(reference):
        return None
    path = to_slash(reference.strip())
    if not path:
        return None
    if not is_absolute(path):
        if not dirs or not dirs[0]:
            return None
        path = to_slash(os.path.normpath(_join(dirs[0], path)))
    return ([path], path) if is_file(path) else None


def _read_references(path: str, reader: Callable, max_file_bytes: int,
                     graph: DependencyGraph) -> Optional[List[Any]]:
    """The ``(label, reference)`` pairs of one file, or None (reason added to ``skipped``)."""
    try:
        with open_scene(path, decompress=path.lower().endswith(".gz"), max_line=MAX_LINE,
                        max_decompressed=max_file_bytes) as scene:
            if scene.size > max_file_bytes:
                graph.skipped.append((path, "larger than {0} bytes".format(max_file_bytes)))
                return None
            return list(itertools.islice(reader(scene), MAX_REFERENCES_PER_FILE))
    except SceneInputError as error:
        graph.skipped.append((path, error.reason))
        return None


def _resolvable(path: str, references: List[Any],
                search_dirs: List[Union[Any, str]]) -> Iterator[Tuple[str, str, List[str]]]:
    """``(label, reference, folders)``: where each reference of ``path`` is looked up.

    Relative references are looked up next to the naming file first; OCIO ``src`` names in
    the config's ``search_path`` folders (relative to the config) first.
    """
    folder = os.path.dirname(path)
    lut_dirs = [to_slash(os.path.normpath(os.path.join(folder, entry)))
                for label, entry in references if label == "search_path"]
    plain_dirs = [folder] + search_dirs
    for label, reference in references:
        if label == "search_path":
            continue
        dirs = lut_dirs + plain_dirs if label == "src" and lut_dirs else plain_dirs
        yield label, reference, dirs
