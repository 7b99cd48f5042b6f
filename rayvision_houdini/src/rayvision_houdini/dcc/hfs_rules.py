# -*- coding: utf-8 -*-
"""Which nodes render, which write caches, which parameters are outputs.

One set of rules for both backends: the static reader (SDK side) and ``HfsBase.py`` (inside
hython) import this module, so they agree on what a ROP is and on what gets uploaded.
Python 2.7 and 3; no dependency.
"""

import re

#: Base operator types (namespace and version stripped) of render ROPs.
RENDER_ROP_TYPES = frozenset([
    "ifd", "karma", "usdrender", "usdrender_rop", "arnold", "Redshift_ROP", "ris",
    "RenderMan", "baketexture", "vray_renderer", "Octane_ROP",
])
#: Render ROPs that live in LOP networks as well as in ROP networks (Solaris ``/stage``).
ANY_CONTEXT_RENDER_TYPES = frozenset(["usdrender_rop"])
#: LOPs that hold a USD Render ROP in their locked contents (the Karma LOP). Houdini does not
#: save the contents of a locked asset in the scene, so a reader of the file sees the LOP, not
#: the ROP inside it; hython sees the inner ``usdrender_rop`` itself (an ANY_CONTEXT type).
LOP_RENDER_WRAPPER_TYPES = frozenset(["karma"])
#: Name of the USD Render ROP inside a Karma LOP. That ROP is the node the farm renders: a LOP
#: has no ``render()``, the Karma LOP's "Render to Disk" button only runs this ROP, and in a
#: live session (hython, the farm) the contents of a locked asset exist, so its path resolves.
#: Both backends report ``<Karma LOP>/rop_usdrender`` (hython finds it among the children).
LOP_RENDER_WRAPPER_ROP = "rop_usdrender"
#: The ``picture`` value that renders into an MPlay window instead of an image file.
MPLAY_PICTURE = "ip"
#: Output picture values that render into MPlay (``ip``, and ``md``, MPlay's other device):
#: such a ROP writes no file, so on the farm it would bill frames and output nothing.
MPLAY_PICTURES = frozenset([MPLAY_PICTURE, "md"])
#: The output picture parameter of each render ROP type where Houdini's image devices
#: (``ip``/``md``) apply: Mantra, the Karma ROP and LOP, USD Render (ROP and LOP), HtoA's
#: Arnold ROP. Redshift's ROP renders to MPlay with a toggle of its own, not a picture value.
PICTURE_PARMS = {
    "ifd": "vm_picture", "karma": "picture", "usdrender": "outputimage",
    "usdrender_rop": "outputimage", "arnold": "ar_picture",
}
#: Base operator types of output drivers (ROP context) that write geometry or caches. The SOP
#: of the same name (``alembic``, ``file``...) reads files, so these need the ROP context.
GEO_ROP_TYPES = frozenset([
    "geometry", "alembic", "dop", "usd", "Redshift_Proxy_Output", "filmboxfbx", "comp",
])
#: SOPs that write geometry or caches (any context).
GEO_SOP_TYPES = frozenset([
    "rop_geometry", "rop_alembic", "filecache", "rop_dop", "usd_rop", "vellumio", "rop_fbx",
])
#: Network types whose children are output drivers.
DRIVER_NETWORKS = frozenset(["ropnet"])
#: Network types whose children are nodes of another context (SOPs, LOPs, COPs...), wherever
#: the network is: a SOP network inside ``/out`` holds SOPs (an Alembic SOP reads its file),
#: not output drivers. The nearest of these or of :data:`DRIVER_NETWORKS` decides.
OTHER_CONTEXT_NETWORKS = frozenset([
    "sopnet", "lopnet", "cop2net", "copnet", "chopnet", "dopnet", "shopnet", "vopnet",
    "matnet", "topnet", "objnet",
])
#: Distributed simulation controllers.
DISTRIBUTED_SIM_TYPES = frozenset(["hq_sim"])
#: Every base type :func:`node_kind` gives a kind to, in some context; it is None for others.
KIND_TYPES = (RENDER_ROP_TYPES | ANY_CONTEXT_RENDER_TYPES | GEO_ROP_TYPES | GEO_SOP_TYPES
              | DISTRIBUTED_SIM_TYPES)

#: Parameters that name files a node writes: never uploaded.
OUTPUT_PARMS = frozenset([
    "vm_picture", "soho_diskfile", "vm_dcmfilename", "vm_dsmfilename", "vm_tmpsharedstorage",
    "picture", "ar_picture", "ar_ass_file", "RS_outputFileNamePrefix", "RS_archive_file",
    "outputimage", "lopoutput", "savetodirectory_directory", "sopoutput", "dopoutput",
    "copoutput", "ri_device", "ri_diskfile", "rib_outputfile", "soho_pipecmd",
    # Karma render settings (LOP) deep output, TOP checkpoints, the image of a Solaris
    # Render Product (LOP), where a Configure Layer LOP's layer is saved.
    "dcmfilename", "checkpointfile", "productName", "savepath",
])
#: File parameters of ROPs that the render reads or writes depending on a mode of the ROP:
#: the global-illumination caches of the Redshift ROP (``.rsmap``), loaded from disk or rebuilt
#: and saved by its Irradiance Point Cloud / Irradiance Cache modes. Every other file parameter
#: of a ROP names a file the render writes. A reader that cannot tell the mode (the static one)
#: takes an existing file as an input (uploaded) and a missing one as the file the render
#: writes (an output, no tip): a cache is never missing from the farm when it is on disk.
#: Listed per ROP type; names checked against Redshift's parameters of the Houdini ROP.
ROP_CACHE_PARMS = {
    "Redshift_ROP": frozenset(["IrradiancePointCloudFilename", "IrradianceCacheFilename"]),
}
#: Every name of :data:`ROP_CACHE_PARMS`.
ROP_CACHE_PARM_NAMES = frozenset(name for names in ROP_CACHE_PARMS.values() for name in names)
#: The mode menu of each cache of :data:`ROP_CACHE_PARMS`, and its values meaning "Load" (menu
#: 0 Rebuild, 1 Load, 2 Rebuild (prepass only), 3 Rebuild (don't save)). Set to Load, the
#: render reads the file and never writes it: a missing one is a missing input (tip 50001).
ROP_CACHE_MODES = {
    ("Redshift_ROP", "IrradiancePointCloudFilename"): "IrradiancePointCloudMode",
    ("Redshift_ROP", "IrradianceCacheFilename"): "IrradianceCacheMode",
}
CACHE_LOAD_MODES = frozenset(["1", "load"])
#: Every mode parameter of :data:`ROP_CACHE_MODES` (a static read keeps them).
ROP_CACHE_MODE_PARMS = frozenset(ROP_CACHE_MODES.values())
#: Parameters whose value looks like a file but names none the node reads: the extension a
#: file cache writes (``.bgeo.sc``) and the default of a parameter VOP's file parameter (the
#: material's own parameter holds the file actually used).
NOT_INPUT_PARMS = frozenset(["filetype", "filedef", "ext", "extension"])
#: ``trange`` values of a ROP that renders only the current frame ("Render Current Frame").
CURRENT_FRAME_TRANGES = frozenset(["off", "0"])
#: ``trange`` values of a Solaris ROP (USD Render ROP, Karma LOP) set to "Render Frame Range
#: From Stage", the fourth item of its menu (index 3, token ``stage``): the frames are the
#: stage's start and end time codes, which only a cooked stage tells; ``f`` is not used.
STAGE_RANGE_TRANGES = frozenset(["stage", "3"])
OUTPUT_PARM_PATTERN = re.compile(r"^(ri_display_\d+|vm_filename_plane\d+|ar_aov_separate_file\d+"
                                 r"|RS_outputFileName_\w+|vm_uvoutputpicture\d+)")

#: Render camera parameter per ROP type (``camera`` when not listed).
CAMERA_PARMS = {"Redshift_ROP": "RS_renderCamera"}
#: ROP types that have no render camera.
NO_CAMERA_TYPES = frozenset(["baketexture"])

#: How a ROP overrides its camera's resolution, by ROP type: (toggle, "Resolution Scale" menu,
#: size parameter, fraction of each menu index or None, menu values meaning "the size").
#: Mantra, Karma, RenderMan, HtoA's Arnold ROP... share Houdini's own parameters: the menu's
#: tokens are the fractions (``0.5``) and ``specific``. The Redshift ROP has its own: menu
#: items 0-6 are 1/10, 1/5, 1/4, 1/3, 1/2, 2/3, 3/4 of the camera's resolution, item 7
#: (``user``) its size.
RESOLUTION_OVERRIDES = {
    "Redshift_ROP": ("RS_overrideCameraRes", "RS_overrideResScale", "RS_overrideRes",
                     (0.1, 0.2, 0.25, 1.0 / 3.0, 0.5, 2.0 / 3.0, 0.75), ("user", "7")),
}
_HOUDINI_RESOLUTION_OVERRIDE = ("override_camerares", "res_fraction", "res_override", None,
                                ("specific",))
#: USD render ROPs (``/out`` and LOP networks): the stage's render settings set the resolution,
#: which only a cooked stage tells; the ROP's own override, ``override_res`` (menu: empty for
#: none, ``scale`` for a scale of the stage's, ``specific`` for the size ``res_user``), decides
#: only when it is ``specific``.
USD_RENDER_TYPES = frozenset(["usdrender", "usdrender_rop"])
USD_RESOLUTION_OVERRIDE = ("override_res", "res_user", ("specific", "2"))
#: Every parameter :data:`RESOLUTION_OVERRIDES` and :data:`USD_RESOLUTION_OVERRIDE` name (a
#: static read keeps them).
RESOLUTION_OVERRIDE_PARMS = frozenset(
    name for entry in list(RESOLUTION_OVERRIDES.values()) + [_HOUDINI_RESOLUTION_OVERRIDE]
    for name in entry[:3]) | frozenset(USD_RESOLUTION_OVERRIDE[:2])

_VERSION_PART = re.compile(r"^\d+(\.\d+)*$")
# Scenes use a few hundred operator types at most: each is split once.
_BASE_TYPES = {}


def base_type(type_name):
    """``ris::22`` -> ``ris``; ``user::Sop/tool::2.0`` -> ``tool``; ``ifd`` -> ``ifd``."""
    found = _BASE_TYPES.get(type_name)
    if found is None:
        parts = (type_name or "").split("::")
        if len(parts) >= 2 and _VERSION_PART.match(parts[-1]):
            parts = parts[:-1]
        found = parts[-1].rsplit("/", 1)[-1]
        if len(_BASE_TYPES) < 10000:
            _BASE_TYPES[type_name] = found
    return found


def node_kind(base, is_driver=True):
    """``"rop"``, ``"geo"``, ``"distributedsim"`` or None.

    Args:
        base (str): Base operator type.
        is_driver (bool): The node is in a ROP (driver) network: ``/out`` or a ``ropnet``.
    """
    if base in GEO_SOP_TYPES:
        return "geo"
    if base in ANY_CONTEXT_RENDER_TYPES:
        return "rop"
    if not is_driver:
        return None
    if base in RENDER_ROP_TYPES:
        return "rop"
    if base in GEO_ROP_TYPES:
        return "geo"
    if base in DISTRIBUTED_SIM_TYPES:
        return "distributedsim"
    return None


#: Cache SOPs with a "Load from Disk" toggle (``loadfromdisk``): on, they read their files.
LOADING_CACHE_TYPES = frozenset(["filecache", "vellumio"])


def filecache_reads(base, loadfromdisk):
    """A file cache (or Vellum I/O) set to load from disk reads its files, writes none."""
    return base in LOADING_CACHE_TYPES and str(loadfromdisk) in ("1", "on", "True")


def is_output_parm(base, parm_name, filemode=None, loadfromdisk=None, is_driver=True):
    """Whether a file parameter of a node of type ``base`` names a file the node writes.

    Args:
        base (str): Base operator type.
        parm_name (str): Parameter name.
        filemode (str, optional): The ``filemode`` of a File SOP (``write``/``2`` writes).
        loadfromdisk (str, optional): The ``loadfromdisk`` of a File Cache SOP.
        is_driver (bool): The node is in a ROP (driver) network.
    """
    if parm_name in OUTPUT_PARMS or OUTPUT_PARM_PATTERN.match(parm_name):
        return True
    if reads_if_present(base, parm_name):
        return False
    if node_kind(base, is_driver) is not None:
        return not filecache_reads(base, loadfromdisk)
    if base == "file" and parm_name == "file":
        return str(filemode) in ("write", "2")
    return False


def reads_if_present(base, parm_name):
    """Whether a ROP's file parameter is read when the file exists (see ROP_CACHE_PARMS)."""
    names = ROP_CACHE_PARMS.get(base)
    return names is not None and parm_name in names


def cache_loads(base, parm_name, parm_string):
    """Whether a ROP's cache (see ROP_CACHE_PARMS) is verifiably set to Load: read, not written.

    Args:
        base (str): Base operator type.
        parm_name (str): The cache's file parameter.
        parm_string (callable): Parameter name -> its first component as text, or None.
    """
    mode = ROP_CACHE_MODES.get((base, parm_name))
    if mode is None:
        return False
    value = _menu_value(parm_string(mode))
    return value is not None and value.lower() in CACHE_LOAD_MODES


def names_input(parm_name):
    """False for parameters whose file-like value is never a file the node reads."""
    return parm_name not in NOT_INPUT_PARMS


def renders_current_frame(trange):
    """Whether a ROP's ``trange`` value ("off", menu index 0) renders only the current frame.

    None (no ``trange`` saved) keeps the stored range.
    """
    if trange is None:
        return False
    return str(trange).strip().strip('"').lower() in CURRENT_FRAME_TRANGES


def renders_to_mplay(base, parm_string):
    """Whether a render ROP of type ``base`` renders into MPlay only (no file is written).

    Args:
        base (str): Base operator type.
        parm_string (callable): Parameter name -> its first component as text, or None.
    """
    parm = PICTURE_PARMS.get(base)
    if parm is None:
        return False
    return _menu_value(parm_string(parm)) in MPLAY_PICTURES


def mplay_note(path):
    """The note, in both backends, for a ROP left out because it renders into MPlay only."""
    return ("{0}: 'Output Picture' is MPlay (ip/md): nothing is rendered to disk, so the farm "
            "does not render it".format(path))


def renders_stage_range(trange):
    """Whether a Solaris ROP's ``trange`` takes its frames from the USD stage."""
    return trange is not None and _menu_value(trange).lower() in STAGE_RANGE_TRANGES


def stage_range_tip(path, frames):
    """The warning, in both backends, for a ROP whose frames come from the stage."""
    return ("{0}: 'Valid Frame Range' is 'Render Frame Range From Stage': the frames are the "
            "USD stage's time codes, not read by this analysis; {1} (its Start/End/Inc) is "
            "reported, check the frames to render".format(path, frames))


def camera_parm(base):
    """Name of the render-camera parameter of a ROP type, or None when it has none."""
    if base in NO_CAMERA_TYPES:
        return None
    return CAMERA_PARMS.get(base, "camera")


def resolution_override(base, parm_string):
    """How a ROP of type ``base`` overrides its camera's resolution.

    Args:
        base (str): Base operator type.
        parm_string (callable): Parameter name -> its first component as text, or None.

    Returns:
        tuple or None: None when the ROP renders at its camera's resolution (override off, or
        a scale this module does not know); ``(size_parm, None)`` when it renders at the size
        of ``size_parm``; ``(None, fraction)`` when at this fraction of the camera's.
    """
    toggle, menu, size_parm, fractions, sized = RESOLUTION_OVERRIDES.get(
        base, _HOUDINI_RESOLUTION_OVERRIDE)
    if _menu_value(parm_string(toggle)) not in ("on", "1"):
        return None
    choice = _menu_value(parm_string(menu))
    if choice is None or choice in sized:
        return size_parm, None   # no scale saved: the size, as before scales were read
    if fractions is not None and choice.isdigit():
        index = int(choice)
        return (None, fractions[index]) if index < len(fractions) else None
    try:
        fraction = float(choice)
    except ValueError:
        return None
    return (None, fraction) if 0 < fraction < float("inf") else None


def usd_render_size_parm(base, parm_string):
    """The size parameter a USD render ROP renders at, or None when the stage decides.

    Args:
        base (str): Base operator type (one of :data:`USD_RENDER_TYPES`).
        parm_string (callable): Parameter name -> its first component as text, or None.
    """
    toggle, size_parm, sized = USD_RESOLUTION_OVERRIDE
    return size_parm if _menu_value(parm_string(toggle)) in sized else None


def _menu_value(value):
    return None if value is None else str(value).strip().strip('"')


def scaled_size(size, fraction):
    """A camera's resolution scaled by a ROP's override fraction, to the nearest pixel."""
    return float(int(float(size) * fraction + 0.5))


def format_frame(number):
    """``1.0`` -> ``'1'``, ``2.5`` -> ``'2.5'``, None -> ``'1'``."""
    if number is None:
        return "1"
    number = float(number)
    if number.is_integer():
        return str(int(number))
    return repr(number)


def frames_string(start, end, step):
    """``'<start>-<end>[<step>]'`` with the documented defaults (step 1 when 0/None)."""
    if end is None:
        end = start
    if not step:
        step = 1
    return "{0}-{1}[{2}]".format(format_frame(start), format_frame(end), format_frame(step))
