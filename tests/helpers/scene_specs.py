"""Random specifications of scene dependencies whose analysis is known by construction.

A round-trip test draws a list of :class:`Dependency` specs with :func:`dependencies`, writes
them into a scene in its DCC's syntax, creates the files the spec says exist (and decoys that
must not match), runs the analyser's public entry point and compares what it reports with what
the spec implies. Nothing here asks the analyser: the expected paths come from the spec alone.

Each spec is one file attribute: where the file lives (``location``), its name (spaces and
non-ASCII letters included), its sequence style and which of its files exist. Sequence styles
are written with each DCC's own token (``token_for`` gets the DCC's table).
"""

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

#: Fixed, derandomised profile: the same examples on every run, few enough to stay fast.
ROUNDTRIP = settings(derandomize=True, max_examples=100, deadline=None, database=None,
                     suppress_health_check=[HealthCheck.too_slow,
                                            HealthCheck.function_scoped_fixture,
                                            HealthCheck.data_too_large])

#: Where a dependency lives: under the project (written relative to it), under an absolute
#: folder of this machine (also written through a ``..`` or the environment variable
#: :data:`LIBRARY_VARIABLE`), on a Windows drive or a UNC share (missing on Linux).
LOCATIONS = ("relative", "relative_backslash", "absolute", "absolute_dotdot", "env",
             "windows", "unc")
_ON_THIS_MACHINE = ("relative", "relative_backslash", "absolute", "absolute_dotdot", "env")
_IN_LIBRARY = ("absolute", "absolute_dotdot", "env")

#: Environment variable naming the library folder (a test sets it for each example).
LIBRARY_VARIABLE = "RV_ROUNDTRIP_LIB"

#: Numbers the files of a sequence style carry, by the style's family (the part of its name
#: before ``_``): a DCC names its styles ``udim``, ``udim_lower``, ``frames_hash``...
NUMBERS = {
    "single": (),
    "udim": (1001, 1002, 1011, 1012),
    "frames": (1, 2, 3, 10),
}

#: Pieces of file names: plain, with spaces, accented, CJK.
STEMS = ("wood", "rock tile", "bois_\u00e9t\u00e9", "\u6728\u7eb9", "metal-02", "a b c")

#: Folders under the project or the library the files are put in.
FOLDERS = ("tex", "sub dir/deeper", "\u00fcbung", "cache")


class Dependency(object):
    """One file attribute of a generated scene (see module docstring).

    Attributes:
        index (int): Unique number, part of the file name so that no two specs collide.
        location (str): One of :data:`LOCATIONS`.
        folder (str): Folder under the project / library.
        stem (str): File name stem.
        ext (str): Extension, without the dot.
        style (str): Sequence style (its family is a key of :data:`NUMBERS`).
        existing (tuple): Numbers of the sequence files that exist (``(None,)`` for an
            existing single file, ``()`` for a missing one).
    """

    def __init__(self, index, location, folder, stem, ext, style, existing):
        self.index = index
        self.location = location
        self.folder = folder
        self.stem = "{0}_{1}".format(stem, index)
        self.ext = ext
        self.style = style
        self.existing = existing

    @property
    def on_this_machine(self):
        """Whether the path can exist on this (POSIX) machine."""
        return self.location in _ON_THIS_MACHINE

    def __repr__(self):
        return "Dependency({0!r})".format(self.__dict__)


def numbers_of(style):
    """The numbers the files of ``style`` may carry."""
    return NUMBERS[style.split("_")[0]]


def _format_number(number):
    # UDIM tiles have four digits; frames are padded to four, as $F4, #### and %04d write.
    return "{0:04d}".format(number)


def file_name(dep, number):
    """The on-disk name of one file of ``dep`` (``number`` None for a single file)."""
    if number is None:
        return "{0}.{1}".format(dep.stem, dep.ext)
    return "{0}.{1}.{2}".format(dep.stem, _format_number(number), dep.ext)


def written_name(dep, tokens):
    """The file name as the scene writes it, with the DCC's token for ``dep.style``."""
    if dep.style == "single":
        return "{0}.{1}".format(dep.stem, dep.ext)
    return "{0}.{1}.{2}".format(dep.stem, tokens[dep.style], dep.ext)


def folder_of(dep, roots):
    """The folder (forward slashes) that holds ``dep`` for ``roots`` = (project, library)."""
    project, library = roots
    if dep.location in ("relative", "relative_backslash"):
        return project + "/" + dep.folder
    if dep.location in _IN_LIBRARY:
        return library + "/" + dep.folder
    if dep.location == "windows":
        return "D:/proj/" + dep.folder
    return "//server/share/" + dep.folder


def written_path(dep, roots, tokens, relative_prefix="", variable_forms=("${0}",)):
    """The path written in the scene: relative ones start with ``relative_prefix``; the
    library variable is written in one of ``variable_forms`` (``"${{{0}}}"``, ``"%{0}%"``)."""
    name = written_name(dep, tokens)
    if dep.location == "env":
        form = variable_forms[dep.index % len(variable_forms)]
        return form.format(LIBRARY_VARIABLE) + "/" + dep.folder + "/" + name
    if dep.location == "relative":
        return relative_prefix + dep.folder + "/" + name
    if dep.location == "relative_backslash":
        return relative_prefix + (dep.folder + "/" + name).replace("/", "\\")
    if dep.location == "absolute":
        return folder_of(dep, roots) + "/" + name
    if dep.location == "absolute_dotdot":
        # A detour the analyser must take out: the file is reported under its plain path.
        return roots[1] + "/x/../" + dep.folder + "/" + name
    if dep.location == "windows":
        return ("D:/proj/" + dep.folder + "/" + name).replace("/", "\\")
    return ("//server/share/" + dep.folder + "/" + name).replace("/", "\\")


def existing_files(dep, roots):
    """Forward-slash paths of the files of ``dep`` that exist (to create), sorted."""
    if not dep.on_this_machine:
        return []
    folder = folder_of(dep, roots)
    return sorted(folder + "/" + file_name(dep, number) for number in dep.existing)


def decoy_files(dep, roots):
    """Files next to ``dep`` that its pattern must not match (another extension, prefix)."""
    if not dep.on_this_machine:
        return []
    folder = folder_of(dep, roots)
    number = None if dep.style == "single" else numbers_of(dep.style)[0]
    name = file_name(dep, number)
    return [folder + "/" + name + ".bak", folder + "/x" + name]


def reported_path(dep, roots, tokens):
    """The path a missing-file finding names: the pattern, resolved, forward slashes."""
    return folder_of(dep, roots) + "/" + written_name(dep, tokens)


def create(paths, data=b"x"):
    """Create each file of ``paths`` (and its folders)."""
    for path in paths:
        folder = os.path.dirname(path)
        if not os.path.isdir(folder):
            os.makedirs(folder)
        with open(path, "wb") as handle:
            handle.write(data)


@st.composite
def dependency(draw, index, extensions, styles=("single",), locations=LOCATIONS):
    """A strategy for one :class:`Dependency` numbered ``index``."""
    location = draw(st.sampled_from(locations))
    style = draw(st.sampled_from(styles))
    numbers = numbers_of(style)
    if style == "single":
        existing = draw(st.sampled_from([(), (None,)]))
    else:
        existing = tuple(sorted(draw(st.sets(st.sampled_from(numbers), max_size=3))))
    if location not in _ON_THIS_MACHINE:
        existing = ()
    return Dependency(index, location, draw(st.sampled_from(FOLDERS)),
                      draw(st.sampled_from(STEMS)), draw(st.sampled_from(extensions)), style,
                      existing)


def dependencies(extensions, min_size=0, max_size=6, start=0, **kwargs):
    """A strategy for a list of dependencies numbered from ``start``."""
    return st.integers(min_size, max_size).flatmap(
        lambda size: st.tuples(*[dependency(start + n, extensions, **kwargs)
                                 for n in range(size)]).map(list))


def to_slash(path):
    """``path`` with forward slashes."""
    return path.replace("\\", "/")
