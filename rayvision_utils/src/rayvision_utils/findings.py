"""What a static analyser collects while it reads a scene: tips, files to upload, lookups.

The Maya, Houdini and Clarisse static backends each subclass :class:`StaticFindings` and add
their own scene data (``scene_info``, asset tables).
"""

from typing import TYPE_CHECKING, Any, Dict, List, Optional, Set, Tuple, Union

from rayvision_utils.paths import resolve_files

if TYPE_CHECKING:
    from rayvision_utils.paths import DirectoryCache


class StaticFindings(object):
    """Tips and upload files without repeats, and memoised path resolution.

    Attributes:
        tips (dict): Tip code -> list of messages, in the order found.
        upload_files (list): Existing input files, in discovery order, no duplicates.
        sources (dict): Path -> what named it (``"file1.fileTextureName"``), the first one
            given to :meth:`add_upload` / :meth:`add_source`; hand it to
            ``BaseAnalyzer.note_sources`` for the dependency chains.
    """

    def __init__(self) -> None:
        self.tips: Dict[Any, Any] = {}
        self.upload_files: List[Any] = []
        self._tip_messages: Dict[Any, Any] = {}
        self._uploads: Set[Any] = set()
        self._resolved: Dict[Any, Any] = {}
        self.sources: Dict[Any, Any] = {}

    def add_tip(self, code: str, message: str) -> None:
        """Add ``message`` under tip ``code`` once."""
        seen = self._tip_messages.setdefault(code, set())
        if message not in seen:
            seen.add(message)
            self.tips.setdefault(code, []).append(message)

    def add_upload(self, path: str, source: Optional[str] = None) -> None:
        """Record an existing input file once (and what named it, when given)."""
        if source:
            self.add_source(path, source)
        if path not in self._uploads:
            self._uploads.add(path)
            self.upload_files.append(path)

    def add_source(self, path: str, source: str) -> None:
        """Record that ``source`` named ``path`` (existing or missing); the first one is kept."""
        if path and source and path not in self.sources:
            self.sources[path] = source

    def add_files(self, paths: List[str]) -> None:
        """Record several existing input files, each once."""
        for path in paths:
            self.add_upload(path)

    def resolve(self, path: str, search_dirs: Union[Tuple[()], List[str]] = (),
                environ: Optional[Dict[str, str]] = None,
                cache: Optional["DirectoryCache"] = None) -> Tuple[Any, str]:
        """:func:`rayvision_utils.paths.resolve_files`, memoised (scenes repeat paths a lot)."""
        key = (path, tuple(search_dirs))
        if key not in self._resolved:
            self._resolved[key] = resolve_files(path, search_dirs, environ, cache)
        return self._resolved[key]
