r"""Pure path logic for scene assets: Windows/UNC/POSIX forms, variables, sequences.

A scene names files as the artist's machine saw them: ``D:\proj\tex.png``,
``\\server\share\x``, ``/mnt/x``, ``$PROJ/tex.png``, ``sourceimages/tex.png`` (relative to
the project), or patterns that stand for many files (``tex.<UDIM>.exr``, ``fx.####.vdb``,
``cache.%04d.abc``, Houdini's ``tex.%(UDIM)d.rat``, Clarisse's ``img.$4F.exr``). These
helpers turn such a name into the files that exist. They never touch a DCC and work the same
for every analyser. A name the operating system cannot hold (a NUL byte, a lone surrogate)
is simply a name no file has: it resolves to no files instead of raising.
"""

import bisect
import functools
import os
import posixpath
import re
import sys
from typing import Any, Dict, Iterable, List, Mapping, Optional, Pattern, Sequence, Set, Tuple

# Drive letter (``D:``, ``D:\\``, ``D:/``) or UNC (``\\\\host`` / ``//host``).
_WIN_ABS = re.compile(r"^(?:[A-Za-z]:[\\/]|[\\/]{2}[^\\/])")

# $VAR, ${VAR}, %VAR%. Frame variables ($F, $F4, $FF, Clarisse's $4F) are sequence tokens.
_ENV_VAR = re.compile(r"\$\{(\w+)\}|\$(\w+)|%(\w+)%")
_FRAME_VARIABLE = re.compile(r"^(?:F\d*|FF|\d+F)$")
# What a DCC reads as a variable reference; ``%`` is left out because it also starts printf
# tokens (``%04d_%04d``).
_VARIABLE_REFERENCE = re.compile(r"\$\{?([A-Za-z_]\w*)")

# Hosts whose file systems ignore case (sequence matching follows them).
_CASE_INSENSITIVE_HOST = sys.platform.startswith("win")
# Hosts where a name missing from a folder's listing is surely no file there (Windows also
# finds short 8.3 names and ignores case, macOS ignores Unicode normalisation).
_EXACT_LISTINGS = sys.platform.startswith("linux")
# Plain-file lookups in one folder from which its listing answers them: a listing costs as
# much as a few dozen stats, so a folder looked in a few times only is not listed.
LIST_AFTER_LOOKUPS = 8

# Tokens that stand for a number of files, with the regex the real file names match (None:
# worked out from the token by _token_regex). Order matters: the longer forms come first. A
# ``$`` token must not run on into a longer variable name (``$F4_beauty`` is the variable
# ``F4_beauty``). Each token matches the numbers its DCC writes for it, and no other: a
# padded token (``####``, ``%04d``, ``$F4``, ``$4F``) the frame zero-padded to its width,
# ``<UDIM>`` the tile numbers 1001-9999 (1001 + u + 10 * v, u in 0-9). Where DCCs differ or
# their rule is not known for sure (``$F``, ``<f>``, ``<frame>``, a single ``#`` or ``@``
# that some DCCs read as four digits), any number: an extra upload costs less than a
# missing texture.
_DIGITS = r"-?\d+"
_UDIM = r"(?:100[1-9]|10[1-9]\d|1[1-9]\d\d|[2-9]\d{3})"
_TOKEN_PATTERNS = [
    (r"u<u>_v<v>", r"u-?\d+_v-?\d+"),
    (r"<udim(?::[^>]*)?>", _UDIM),
    (r"<uvtile>", r"u-?\d+_v-?\d+"),
    (r"<tile>", r"(?:" + _UDIM + r"|_?u-?\d+_v-?\d+)"),
    (r"<u>", _DIGITS),
    (r"<v>", _DIGITS),
    (r"<frame>", _DIGITS),
    (r"<f>", _DIGITS),
    (r"<f(\d)>", None),     # RenderMan's <f4>: padded
    # Houdini/Mantra texprintf: %(UDIM)d, %(U)d, %(V)d, %(UVTILE)d, with printf field
    # modifiers (%(U)02d); the width is the least number of digits.
    (r"%\((?:udim|u|v|uvtile)\)[-+ #]*\d*d", None),
    # Frame variables are case-sensitive, as in expand_env ($f4 is an ordinary variable).
    (r"\$(?-i:\{F\}|F(?!\w))", _DIGITS),
    (r"\$(?-i:\{F(\d+)\}|F(\d+)(?!\w))", None),
    (r"\$(?-i:\{FF\}|FF(?!\w))", r"-?\d+(?:\.\d+)?"),
    # Clarisse: $4F is the frame padded to 4 digits (the $nF family).
    (r"\$(?-i:\{(\d+)F\}|(\d+)F(?!\w))", None),
    (r"%0?(\d*)d", None),    # printf: width from the token
    (r"#+", None),           # hashes: as many digits
    (r"@+", None),
]
_TOKEN_RE = re.compile("|".join("(?:{})".format(p) for p, _ in _TOKEN_PATTERNS), re.IGNORECASE)
_TOKEN_COMPILED = [(re.compile(p, re.IGNORECASE), r) for p, r in _TOKEN_PATTERNS]
_TEXPRINTF = re.compile(r"%\((\w+)\)[-+ #]*?0?(\d*)d", re.IGNORECASE)
# Every token holds one of these characters: a name without any has no token, found without
# the token regex (which tries each of its forms at each character).
_TOKEN_CHARACTERS = re.compile(r"[<%$#@]")

# Compiled patterns are immutable: memoise them across analyses (bounded, for long-lived
# processes that analyse many scenes).
_PATTERN_CACHE_SIZE = 8192


def to_slash(path: str) -> str:
    """``path`` with backslashes turned into forward slashes."""
    return path.replace("\\", "/")


def is_windows_path(path: str) -> bool:
    """Whether ``path`` is absolute in Windows terms (drive letter or UNC)."""
    return bool(_WIN_ABS.match(path))


def is_absolute(path: str) -> bool:
    r"""Absolute for Windows (``D:/x``, ``\\h\s``) or POSIX (``/x``), on any host OS."""
    return path[:1] == "/" or bool(_WIN_ABS.match(path))


def expand_env(path: str, environ: Optional[Mapping[str, str]] = None) -> str:
    """Expand ``$VAR``, ``${VAR}`` and ``%VAR%`` from ``environ``; unknown ones stay as they are.

    Frame tokens (``$F``, ``$F4``, ``${F4}``, ``$FF``, Clarisse's ``$4F``) are left alone.
    """
    if "$" not in path and "%" not in path:
        return path  # most paths: nothing to expand, no regex pass
    environ = os.environ if environ is None else environ
    previous = None
    # Variables may expand to other variables; stop on a fixed point (bounded).
    for _ in range(5):
        if path == previous:
            break
        previous, path = path, _expand_once(path, environ)
        if "$" not in path and "%" not in path:
            break  # nothing left to expand: the next pass would change nothing
    return path


def _expand_once(path: str, environ: Mapping[str, str]) -> str:
    """One pass of :func:`expand_env`: every reference of ``path`` replaced once."""
    if path[:1] == "$" and "%" not in path and path.count("$") == 1:
        # One reference, at the start (``$HIP/tex/a.png``, the usual form): the one place a
        # match can start, found without a substitution pass.
        match = _ENV_VAR.match(path)
        return path if match is None else _variable_text(match, environ) + path[match.end():]
    return _ENV_VAR.sub(lambda match: _variable_text(match, environ), path)


def _variable_text(match: Any, environ: Mapping[str, str]) -> str:
    """What a reference matched by ``_ENV_VAR`` expands to (itself when it stays)."""
    name = match.group(1) or match.group(2) or match.group(3)
    if match.group(3) is None and _FRAME_VARIABLE.match(name):
        return match.group(0)
    value = environ.get(name)
    return match.group(0) if value is None else value


def unexpanded_variables(path: str) -> List[str]:
    """Names of the ``$VAR`` / ``${VAR}`` references left in ``path``, frame tokens excepted.

    An analyser calls it after :func:`expand_env`: a name left over is a variable the scene
    does not define, so the path cannot be resolved. ``%VAR%`` is not reported (``%`` also
    starts printf tokens such as ``%04d_%04d``).

    Returns:
        list[str]: Variable names in order of appearance (``[]`` when none is left).
    """
    if "$" not in path:
        return []
    return [match.group(1) for match in _VARIABLE_REFERENCE.finditer(path)
            if not _FRAME_VARIABLE.match(match.group(1))]


def has_sequence_token(path: str) -> bool:
    """Whether the file name holds a token standing for several files (``<UDIM>``, ``####``...)."""
    name = os.path.basename(to_slash(path))
    return _TOKEN_CHARACTERS.search(name) is not None and bool(_TOKEN_RE.search(name))


def sequence_regex(file_name: str, ignore_case: Optional[bool] = None
                   ) -> Optional[Pattern[str]]:
    """Compile a regex matching the real file names a patterned ``file_name`` stands for.

    Args:
        file_name (str): A base name, e.g. ``tex.<UDIM>.exr``.
        ignore_case (bool, optional): Match regardless of case (default: on Windows hosts).

    Returns:
        re.Pattern or None: ``None`` when ``file_name`` has no token.
    """
    plan = _plan(file_name, _ignore_case(ignore_case))
    return None if plan is None else plan.regex


def _ignore_case(value: Any) -> Any:
    return _CASE_INSENSITIVE_HOST if value is None else bool(value)


class _SequencePlan(object):
    """How to find the names a pattern stands for in a sorted listing.

    ``prefix`` and ``suffix`` are the literal text before the first token and after the
    last one: the listing is narrowed to ``prefix`` by bisection and only the text between
    them goes through a regex (``middle``), shared by every pattern of the same shape, so a
    scene with thousands of patterns compiles a handful of regexes.
    """

    __slots__ = ("prefix", "suffix", "middle", "ignore_case", "_regex")

    def __init__(self, prefix: Any, suffix: Any, middle: Any, ignore_case: Any) -> None:
        self.prefix = prefix
        self.suffix = suffix
        self.middle = middle
        self.ignore_case = ignore_case
        self._regex: Optional[Pattern[str]] = None

    @property
    def regex(self) -> Any:
        """The whole name's regex, compiled on first use."""
        if self._regex is None:
            self._regex = re.compile(
                "^" + re.escape(self.prefix) + self.middle.pattern + re.escape(self.suffix)
                + r"\Z", self.middle.flags)
        return self._regex

    def matches(self, name: str) -> bool:
        """Whether ``name`` (already known to start with ``prefix``) is one of the files."""
        if self.ignore_case:
            # Folding may change lengths: match the whole name.
            return self.regex.match(name) is not None
        end = len(name) - len(self.suffix)
        return (end >= len(self.prefix) and name.endswith(self.suffix)
                and self.middle.fullmatch(name, len(self.prefix), end) is not None)


def _plan(file_name: Any, ignore_case: Any) -> Any:
    """:func:`_sequence_plan` of a name, without the memo for names with no token character.

    Most names have none: they are answered at once and take no room among the memoised plans.
    """
    if _TOKEN_CHARACTERS.search(file_name) is None:
        return None
    return _sequence_plan(file_name, ignore_case)


@functools.lru_cache(maxsize=_PATTERN_CACHE_SIZE)
def _sequence_plan(file_name: Any, ignore_case: Any) -> Any:
    pieces = []
    position = start = None
    for match in _TOKEN_RE.finditer(file_name):
        if start is None:
            start = position = match.start()
        pieces.append((file_name[position:match.start()], match.group(0)))
        position = match.end()
    if start is None:
        return None
    middle = _middle_regex(tuple(pieces), ignore_case)
    return _SequencePlan(file_name[:start], file_name[position:], middle, ignore_case)


@functools.lru_cache(maxsize=_PATTERN_CACHE_SIZE)
def _middle_regex(pieces: Any, ignore_case: Any) -> Any:
    """Regex of ``(literal, token)`` pieces: the part of a name from its first token on."""
    parts = []
    for literal, token in pieces:
        parts.append(re.escape(literal))
        parts.append(_token_regex(token))
    return re.compile("(?:" + "".join(parts) + ")", re.IGNORECASE if ignore_case else 0)


def _token_regex(token: Any) -> Any:
    for compiled, replacement in _TOKEN_COMPILED:
        match = compiled.fullmatch(token)
        if not match:
            continue
        if replacement is not None:
            return replacement
        if token.startswith("%("):
            return _texprintf_regex(token)
        if token[0] in "#@":
            # A lone ``#`` is four digits for some DCCs, one for others: any number.
            return _DIGITS if len(token) == 1 else _padded(len(token), len(token))
        # ``%d``, ``%01d``, ``$F1``: the number as it is (width 1).
        width = max([int(group) for group in match.groups() if group] + [1])
        # printf and frame variables count the sign in the width (-001 for %04d).
        return _padded(width, max(width - 1, 1))
    return re.escape(token)


def _padded(width: int, negative_width: int) -> str:
    """Regex of the numbers a frame padded to ``width`` digits gives.

    A number of ``width`` digits (zeros in front), or a longer one without a leading zero
    (frame 12345 in a four-digit pattern); a negative frame has at least
    ``negative_width`` digits after its sign.
    """
    return r"(?:\d{%d}|[1-9]\d{%d,}|-\d{%d,})" % (width, width, negative_width)


def _texprintf_regex(token: Any) -> Any:
    match: Any = _TEXPRINTF.fullmatch(token)  # the token was found by this pattern
    name, width = match.group(1).upper(), match.group(2)
    if name == "UDIM":
        # printf pads the four-digit tile number with zeros to a wider field.
        return "0" * max(0, int(width or 0) - 4) + _UDIM
    number = r"\d{%s,}" % width if width else r"\d+"
    if name == "UVTILE":
        return "u" + number + "_v" + number
    return number


def _folded(name: Any) -> Any:
    return name.casefold()


class DirectoryCache(object):
    """``os.listdir`` results kept for one analysis (many textures share a folder).

    Args:
        ignore_case (bool, optional): Whether sequence matching ignores case (default: on
            Windows hosts, whose file systems do).
    """

    def __init__(self, ignore_case: Optional[bool] = None) -> None:
        self.ignore_case = _ignore_case(ignore_case)
        self._entries: Dict[str, List[str]] = {}
        # folder -> (names of plain files, names of folders and other non-files) as the
        # listing told them, without a stat; symbolic links are in neither
        self._kinds: Dict[str, Tuple[Set[str], Set[str]]] = {}
        self._folded: Dict[str, Tuple[List[str], List[str]]] = {}
        # folder -> set of its names, or None when it cannot be listed
        self._names: Dict[str, Optional[Set[str]]] = {}
        self._lookups: Dict[str, int] = {}   # folder -> plain-file lookups so far

    def may_hold(self, folder: str, name: str) -> bool:
        """False when ``folder`` surely has no entry ``name``; True when it may have one.

        Scenes name thousands of files in a few folders, many of them missing: once a folder
        has been looked in :data:`LIST_AFTER_LOOKUPS` times, its listing (read once) answers
        for the names it lacks, and only the names it has are checked with a ``stat``. A
        folder that does not exist holds nothing; one that cannot be listed may hold anything.
        """
        if not _EXACT_LISTINGS:
            return True
        if folder not in self._names:
            count = self._lookups.get(folder, 0) + 1
            self._lookups[folder] = count
            if count < LIST_AFTER_LOOKUPS:
                return True
            self._names[folder] = _listing_names(folder)
        names = self._names[folder]
        return names is None or name in names

    def listdir(self, folder: str) -> List[str]:
        """Names in ``folder``, sorted.

        Empty when the folder does not exist, cannot be read or is not a path the operating
        system accepts (a NUL byte, a lone surrogate).
        """
        if folder not in self._entries:
            names: List[str] = []
            files: Set[str] = set()
            others: Set[str] = set()
            try:
                with os.scandir(folder) as listing:
                    for entry in listing:
                        name = entry.name
                        names.append(name)
                        # The kind the listing gives (no stat); a symbolic link is in
                        # neither set, a stat follows it when asked about.
                        try:
                            if entry.is_file(follow_symlinks=False):
                                files.add(name)
                            elif not entry.is_symlink():
                                others.add(name)
                        except OSError:
                            pass
            except (OSError, ValueError):
                # ValueError: embedded NUL or a name the file system encoding cannot hold.
                names, files, others = [], set(), set()
            self._kinds[folder] = (files, others)
            self._entries[folder] = sorted(names)
        return self._entries[folder]

    def is_file(self, folder: str, name: str) -> bool:
        """Whether ``folder/name`` is a file or a link to one, like ``os.path.isfile``.

        For a name of a listing this cache has read, the answer comes from the kind the file
        system gave with the names, so a plain file costs no ``stat``; a symbolic link (or a
        name the listing does not have) is looked at on disk.
        """
        files, others = self._kinds.get(folder, _NO_KINDS)
        if name in files:
            return True
        if name in others:
            return False
        return is_file(os.path.join(folder, name))

    def starting_with(self, folder: str, prefix: str) -> List[str]:
        """Names in ``folder`` that start with ``prefix``, sorted.

        Found by bisection of the sorted listing; regardless of case when the cache ignores
        case.
        """
        names = self.listdir(folder)
        if not prefix:
            return list(names)
        if not self.ignore_case:
            return _prefixed(names, names, prefix)
        if folder not in self._folded:
            pairs = sorted((_folded(name), name) for name in names)
            self._folded[folder] = ([key for key, _ in pairs], [name for _, name in pairs])
        keys, originals = self._folded[folder]
        return sorted(_prefixed(keys, originals, _folded(prefix)))

    def members(self, folder: str, plan: "_SequencePlan") -> List[str]:
        """Names in ``folder`` that ``plan`` matches and that are files, sorted.

        ``[name for name in starting_with(folder, plan.prefix) if plan.matches(name) and
        is_file(folder, name)]``, in one loop for the common case (case-sensitive matching).
        """
        if self.ignore_case:
            return [name for name in self.starting_with(folder, plan.prefix)
                    if plan.matches(name) and self.is_file(folder, name)]
        names = self.listdir(folder)
        files, others = self._kinds.get(folder, _NO_KINDS)
        prefix, suffix, middle = plan.prefix, plan.suffix, plan.middle
        start, cut = len(prefix), len(suffix)
        index = bisect.bisect_left(names, prefix) if prefix else 0
        count = len(names)
        found = []
        while index < count:
            name = names[index]
            index += 1
            if not name.startswith(prefix):
                break
            end = len(name) - cut
            if (end >= start and name.endswith(suffix)
                    and middle.fullmatch(name, start, end) is not None
                    and (name in files or (name not in others
                                           and is_file(os.path.join(folder, name))))):
                found.append(name)
        return found


_NO_KINDS: Tuple[Set[str], Set[str]] = (set(), set())


def _listing_names(folder: str) -> Optional[Set[str]]:
    """The set of names in ``folder``; empty when it does not exist, None when unknown."""
    try:
        return set(os.listdir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return set()
    except (OSError, ValueError):
        # Not listable (permissions...) or not a path the system takes: ask per file.
        return None


def _prefixed(keys: Sequence[str], names: Sequence[str], prefix: str) -> List[str]:
    """``names[i]`` for the run of sorted ``keys`` starting with ``prefix``."""
    index = bisect.bisect_left(keys, prefix)
    found = []
    while index < len(keys) and keys[index].startswith(prefix):
        found.append(names[index])
        index += 1
    return found


def is_file(path: str) -> bool:
    """``os.path.isfile`` that answers False for a path no file can have (a NUL byte)."""
    try:
        return os.path.isfile(path)
    except ValueError:
        # Python < 3.8 raises on a NUL byte instead of answering False.
        return False


def is_dir(path: str) -> bool:
    """``os.path.isdir`` that answers False for a path no folder can have (a NUL byte)."""
    try:
        return os.path.isdir(path)
    except ValueError:
        return False


def find_sequence_files(path: str, cache: Optional["DirectoryCache"] = None) -> List[str]:
    """Existing files that ``path`` stands for, sorted; ``[path]`` for a plain existing file.

    Only the names that start with the literal text before the first token are tried, so a
    pattern costs O(log M) in a folder of M names, plus its candidates.

    Args:
        path (str): A file name, possibly with sequence tokens in its base name.
        cache (DirectoryCache, optional): Shared listing cache.

    Returns:
        list[str]: Existing files (forward slashes kept as given); empty when none exists,
        including for a path the operating system cannot hold (NUL byte...).
    """
    folder, name = _split(path)
    if cache is None:
        cache = DirectoryCache()
    plan = _plan(name, cache.ignore_case)
    where = folder or "."
    if plan is None:
        return [path] if cache.may_hold(where, name) and is_file(path) else []
    names = cache.members(where, plan)
    if not folder or not names:
        return names
    if _POSIX_PATHS:
        # os.path.join(folder, name) for a name without a slash
        head = folder if folder[-1] == "/" else folder + "/"
        return [head + entry for entry in names]
    return [os.path.join(folder, entry) for entry in names]


def _posix_join(folder: str, name: str) -> str:
    """``posixpath.join(folder, name)``, without its generic steps for two ``str``."""
    if type(folder) is not str or type(name) is not str:
        return posixpath.join(folder, name)  # path-like objects
    if name[:1] == "/" or not folder:
        return name if name[:1] == "/" else folder + name
    return folder + name if folder[-1] == "/" else folder + "/" + name


def _posix_split(path: str) -> Tuple[str, str]:
    """``posixpath.split``, without its generic steps for a ``str``."""
    if type(path) is not str:
        return posixpath.split(path)  # a path-like object
    cut = path.rfind("/") + 1
    head = path[:cut]
    if head and head.strip("/"):
        head = head.rstrip("/")
    return head, path[cut:]


# This host's paths are POSIX ones (os.path is posixpath): its joins and splits are done
# inline where they are hot.
_POSIX_PATHS = os.path is posixpath
_split = _posix_split if _POSIX_PATHS else os.path.split
# os.path.join of two paths, inline on POSIX hosts.
_join = _posix_join if _POSIX_PATHS else os.path.join


def normalize(path: str) -> str:
    """``path`` (forward slashes) without ``.``, ``..`` or doubled separators, lexically.

    A drive (``D:/``) and a UNC share (``//server/share``, Windows' root of such a path) are
    kept; ``..`` never climbs above them.
    """
    if path[:1] == "/" and "//" not in path and "/." not in path and path[-1:] != "/":
        return path  # a POSIX absolute path with nothing to drop (most scene paths)
    return _normalize_lexically(path)


def _normalize_lexically(path: str) -> str:
    """:func:`normalize` for any path: the drive or UNC share kept, the rest normalised."""
    head = ""
    match = _WIN_ABS.match(path)
    if match and path[1] == ":":
        head, path = path[:2], path[2:]
    elif path.startswith("//") and not path.startswith("///"):
        server, _, rest = path[2:].partition("/")
        share, _, rest = rest.partition("/")
        head = "//" + server + ("/" + share if share else "")
        tail = posixpath.normpath("/" + rest)
        return head if tail == "/" else head + tail
    return head + posixpath.normpath(path)


def candidate_paths(path: str, search_dirs: Iterable[str] = (),
                    environ: Optional[Mapping[str, str]] = None) -> List[str]:
    """Where a scene path may be found: itself if absolute, else under each search folder.

    Args:
        path (str): Path as written in the scene.
        search_dirs (iterable of str): Project root, scene folder... in priority order.
        environ (dict, optional): Variables for :func:`expand_env`.

    Returns:
        list[str]: Candidate paths with forward slashes, best first, no duplicates, each
        without ``.`` and ``..`` components: ``$HIP/../tex/a.png`` names one file, found
        when ``$HIP`` is absent too, as Windows resolves it, and uploaded once under one
        name.
    """
    expanded = to_slash(expand_env(path.strip(), environ))
    if not expanded:
        return []
    if is_absolute(expanded):
        return [normalize(expanded)]
    result = []
    for folder in search_dirs:
        if folder:
            candidate = to_slash(os.path.normpath(_join(folder, expanded)))
            if candidate not in result:
                result.append(candidate)
    return result or [expanded]


def resolve_files(path: str, search_dirs: Iterable[str] = (),
                  environ: Optional[Mapping[str, str]] = None,
                  cache: Optional["DirectoryCache"] = None) -> Tuple[List[str], str]:
    """Existing files a scene path stands for, and the path to report when there is none.

    A path no file can have (a NUL byte, a lone surrogate) gives ``([], reported)``.

    Returns:
        tuple: ``(files, reported)``: the existing files (forward slashes) and the expanded
        path a "missing file" tip should name.
    """
    candidates = candidate_paths(path, search_dirs, environ)
    for candidate in candidates:
        files = find_sequence_files(candidate, cache)
        if files:
            return [f.replace("\\", "/") for f in files], candidate
    return [], candidates[0] if candidates else path
