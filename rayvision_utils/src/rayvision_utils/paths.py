r"""Pure path logic for scene assets: Windows/UNC/POSIX forms, variables, sequences.

A scene names files as the artist's machine saw them: ``D:\proj\tex.png``,
``\\server\share\x``, ``/mnt/x``, ``$PROJ/tex.png``, ``sourceimages/tex.png`` (relative to
the project), or patterns that stand for many files (``tex.<UDIM>.exr``, ``fx.####.vdb``,
``cache.%04d.abc``). These helpers turn such a name into the files that exist. They never
touch a DCC and work the same for every analyser.
"""

import os
import re
import sys

# Drive letter (``D:``, ``D:\\``, ``D:/``) or UNC (``\\\\host`` / ``//host``).
_WIN_ABS = re.compile(r"^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/])")

# $VAR, ${VAR}, %VAR%. Houdini's frame variables ($F, $F4) are sequence tokens, not env vars.
_ENV_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)|%(\w+)%")
_HOUDINI_FRAME = re.compile(r"^F\d?$|^FF$")

# Tokens that stand for a number of files, with the regex the real file names match.
# Order matters: the longer forms come first.
_TOKEN_PATTERNS = [
    (r"u<u>_v<v>", r"u-?\d+_v-?\d+"),
    (r"<udim(?::[^>]*)?>", r"\d{4}"),
    (r"<uvtile>", r"u-?\d+_v-?\d+"),
    (r"<tile>", r"(?:\d{4}|_?u-?\d+_v-?\d+)"),
    (r"<u>", r"-?\d+"),
    (r"<v>", r"-?\d+"),
    (r"<frame>", r"-?\d+"),
    (r"<f\d?>", r"-?\d+"),
    (r"\$\{?F\d?\}?", r"-?\d+"),
    (r"\$\{?FF\}?", r"-?\d+(?:\.\d+)?"),
    (r"%0?(\d*)d", None),    # printf: width from the token
    (r"#+", None),           # hashes: as many digits (at least)
    (r"@+", None),
]
_TOKEN_RE = re.compile("|".join("(?:{})".format(p) for p, _ in _TOKEN_PATTERNS), re.IGNORECASE)
_TOKEN_COMPILED = [(re.compile(p, re.IGNORECASE), r) for p, r in _TOKEN_PATTERNS]


def to_slash(path):
    """``path`` with backslashes turned into forward slashes."""
    return path.replace("\\", "/")


def is_windows_path(path):
    """Whether ``path`` is absolute in Windows terms (drive letter or UNC)."""
    return bool(_WIN_ABS.match(path))


def is_absolute(path):
    r"""Absolute for Windows (``D:/x``, ``\\h\s``) or POSIX (``/x``), on any host OS."""
    return is_windows_path(path) or path.startswith("/")


def expand_env(path, environ=None):
    """Expand ``$VAR``, ``${VAR}`` and ``%VAR%`` from ``environ``; unknown ones stay as they are.

    Sequence tokens like Houdini's ``$F4`` are left alone.
    """
    environ = os.environ if environ is None else environ

    def _replace(match):
        name = match.group(1) or match.group(2) or match.group(3)
        if _HOUDINI_FRAME.match(name) and match.group(3) is None:
            return match.group(0)
        value = environ.get(name)
        return match.group(0) if value is None else value

    previous = None
    # Variables may expand to other variables; stop on a fixed point (bounded).
    for _ in range(5):
        if path == previous:
            break
        previous, path = path, _ENV_VAR.sub(_replace, path)
    return path


def has_sequence_token(path):
    """Whether the file name holds a token standing for several files (``<UDIM>``, ``####``...)."""
    return bool(_TOKEN_RE.search(os.path.basename(to_slash(path))))


def sequence_regex(file_name):
    """Compile a regex matching the real file names a patterned ``file_name`` stands for.

    Returns:
        re.Pattern or None: ``None`` when ``file_name`` has no token.
    """
    parts = []
    position = 0
    found = False
    for match in _TOKEN_RE.finditer(file_name):
        found = True
        parts.append(re.escape(file_name[position:match.start()]))
        parts.append(_token_regex(match.group(0)))
        position = match.end()
    if not found:
        return None
    parts.append(re.escape(file_name[position:]))
    flags = re.IGNORECASE if sys.platform.startswith("win") else 0
    return re.compile("^" + "".join(parts) + "$", flags)


def _token_regex(token):
    for compiled, replacement in _TOKEN_COMPILED:
        match = compiled.fullmatch(token)
        if not match:
            continue
        if replacement is not None:
            return replacement
        if token.startswith("%"):
            width = match.group(1)
            return r"-?\d{%s,}" % width if width else r"-?\d+"
        return r"-?\d{%d,}" % len(token)
    return re.escape(token)


class DirectoryCache(object):
    """``os.listdir`` results kept for one analysis (many textures share a folder)."""

    def __init__(self):
        self._entries = {}

    def listdir(self, folder):
        """Names in ``folder`` (empty when it does not exist or cannot be read)."""
        if folder not in self._entries:
            try:
                self._entries[folder] = sorted(os.listdir(folder))
            except OSError:
                self._entries[folder] = []
        return self._entries[folder]


def find_sequence_files(path, cache=None):
    """Existing files that ``path`` stands for, sorted; ``[path]`` for a plain existing file.

    Args:
        path (str): A file name, possibly with sequence tokens in its base name.
        cache (DirectoryCache, optional): Shared listing cache.

    Returns:
        list[str]: Existing files (forward slashes kept as given); empty when none exists.
    """
    folder, name = os.path.split(path)
    regex = sequence_regex(name)
    if regex is None:
        return [path] if os.path.isfile(path) else []
    cache = cache or DirectoryCache()
    names = cache.listdir(folder or ".")
    return [os.path.join(folder, entry) if folder else entry
            for entry in names if regex.match(entry)
            and os.path.isfile(os.path.join(folder or ".", entry))]


def candidate_paths(path, search_dirs=(), environ=None):
    """Where a scene path may be found: itself if absolute, else under each search folder.

    Args:
        path (str): Path as written in the scene.
        search_dirs (iterable of str): Project root, scene folder... in priority order.
        environ (dict, optional): Variables for :func:`expand_env`.

    Returns:
        list[str]: Candidate paths with forward slashes, best first, no duplicates.
    """
    expanded = to_slash(expand_env(path.strip(), environ))
    if not expanded:
        return []
    if is_absolute(expanded):
        return [expanded]
    result = []
    for folder in search_dirs:
        if folder:
            candidate = to_slash(os.path.normpath(os.path.join(folder, expanded)))
            if candidate not in result:
                result.append(candidate)
    return result or [expanded]


def resolve_files(path, search_dirs=(), environ=None, cache=None):
    """Existing files a scene path stands for, and the path to report when there is none.

    Returns:
        tuple: ``(files, reported)``: the existing files (forward slashes) and the expanded
        path a "missing file" tip should name.
    """
    candidates = candidate_paths(path, search_dirs, environ)
    for candidate in candidates:
        files = find_sequence_files(candidate, cache)
        if files:
            return [to_slash(f) for f in files], candidate
    return [], candidates[0] if candidates else path
