"""Connection settings shared by the example scripts.

Every example takes the farm to talk to from its command line or from the ``RAYVISION_*``
environment variables, and runs against a local sandbox farm that it starts itself when
neither names a farm::

    python maya_demo.py                                   # a sandbox started for this run
    python maya_demo.py --domain task.renderbus.com --platform 2 \\
        --access-id xxxx --access-key xxxx                # the real farm
    RAYVISION_DOMAIN=task.renderbus.com RAYVISION_ACCESS_ID=xxxx \\
        RAYVISION_ACCESS_KEY=xxxx python maya_demo.py     # the same, from the environment

The access key is never printed.
"""

import argparse
import atexit
import os
import signal
import sys
import tempfile

from rayvision_api.diagnose import explain

HERE = os.path.dirname(os.path.abspath(__file__))
SCENES = os.path.join(HERE, "scenes")

#: The sample scene of each DCC, written for these examples (see scenes/).
SAMPLE_SCENES = {
    "maya": os.path.join(SCENES, "maya", "scenes", "muti_layer_test.ma"),
    "houdini": os.path.join(SCENES, "houdini", "rock_turntable.hip"),
    "clarisse": os.path.join(SCENES, "clarisse", "clarisse_test1.project"),
}

#: Where results go when no folder is given: analysis results and downloaded frames.
DEFAULT_OUTPUT = os.path.join(tempfile.gettempdir(), "rayvision_examples")

#: Set to 1 for full tracebacks instead of one line per error.
ENV_DEBUG = "RAYVISION_DEBUG"


def _one_line_errors(kind, value, trace):
    """An error ends an example with one line saying what to do, not a traceback."""
    if os.environ.get(ENV_DEBUG) or not issubclass(kind, Exception):
        sys.__excepthook__(kind, value, trace)
        return
    sys.stderr.write("{0} [{1}=1 shows the traceback]\n".format(explain(value).line(),
                                                                ENV_DEBUG))


sys.excepthook = _one_line_errors

ENV_VARS = {
    "domain": "RAYVISION_DOMAIN",
    "platform": "RAYVISION_PLATFORM",
    "access_id": "RAYVISION_ACCESS_ID",
    "access_key": "RAYVISION_ACCESS_KEY",
    "protocol": "RAYVISION_PROTOCOL",
}


class ExampleSettings(object):
    """What an example needs: ``render_para`` for ``RayvisionAPI`` and its folders.

    Attributes:
        render_para (dict): ``domain``, ``platform``, ``access_id``, ``access_key``,
            ``protocol``: the keyword arguments of ``RayvisionAPI``.
        sandbox: The ``rayvision_sandbox.Sandbox`` started for this run, or None.
        cg_file (str): The scene to analyse.
        workspace (str): Folder receiving the analysis result folders (created).
        download_path (str): Folder receiving downloaded frames (created).
        sleep_time (float): Seconds between two polls of a task while downloading.
        upload_method (int): 1 = json files and assets in one call, 2 = separately.
    """

    def __init__(self, render_para, sandbox, cg_file, workspace, download_path, sleep_time,
                 upload_method, args):
        self.render_para = render_para
        self.sandbox = sandbox
        self.cg_file = cg_file
        self.workspace = workspace
        self.download_path = download_path
        self.sleep_time = sleep_time
        self.upload_method = upload_method
        self.args = args

    def __repr__(self):
        # Never show the access key.
        return "ExampleSettings(domain={0!r}, platform={1!r}, sandbox={2})".format(
            self.render_para["domain"], self.render_para["platform"], self.sandbox is not None)

    def describe(self):
        """One line naming the farm (never the key)."""
        where = "a local sandbox farm" if self.sandbox is not None else "the farm"
        return "Using {0} at {1}://{2} (platform {3}, access id {4})".format(
            where, self.render_para["protocol"], self.render_para["domain"],
            self.render_para["platform"], self.render_para["access_id"])


def build_parser(description, dcc=None):
    """The command line every example understands (``dcc`` adds ``--cg-file``)."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    farm = parser.add_argument_group(
        "farm", "Default: the RAYVISION_* environment variables; when they name no farm "
                "either, a local sandbox farm is started for this run.")
    farm.add_argument("--domain", help="API domain, e.g. task.renderbus.com "
                                       "(env RAYVISION_DOMAIN)")
    farm.add_argument("--platform", help="platform id, default 2 (env RAYVISION_PLATFORM)")
    farm.add_argument("--access-id", help="access id (env RAYVISION_ACCESS_ID)")
    farm.add_argument("--access-key", help="access key (env RAYVISION_ACCESS_KEY)")
    farm.add_argument("--protocol", choices=("https", "http"),
                      help="default https (env RAYVISION_PROTOCOL)")
    farm.add_argument("--sandbox", action="store_true",
                      help="start a local sandbox farm even if the environment names a farm")
    farm.add_argument("--seconds-per-frame", type=float, default=0.05,
                      help="sandbox only: simulated render time of a frame (default 0.05)")
    files = parser.add_argument_group("files")
    if dcc:
        files.add_argument("--cg-file", default=SAMPLE_SCENES[dcc],
                           help="scene to analyse (default: the sample scene {0})".format(
                               os.path.relpath(SAMPLE_SCENES[dcc], HERE)))
    files.add_argument("--workspace", help="folder of the analysis results "
                                           "(default {0})".format(
                                               os.path.join(DEFAULT_OUTPUT, "workspace")))
    files.add_argument("--download-path", help="folder of the downloaded frames (default {0}, "
                                               "a new sub-folder per sandbox run)".format(
                                                   os.path.join(DEFAULT_OUTPUT, "downloads")))
    parser.add_argument("--upload-method", type=int, choices=(1, 2), default=1,
                        help="1: json files and assets in one call (default); "
                             "2: assets, then json files, separately")
    parser.add_argument("--sleep-time", type=float,
                        help="seconds between polls of the task while downloading "
                             "(default 10, 0.5 on a sandbox)")
    return parser


def _from_env(args, name):
    value = getattr(args, name)
    if value:
        return value
    return os.environ.get(ENV_VARS[name]) or None


def start_sandbox(seconds_per_frame=0.05, data_dir=None, port=0):
    """Start a local sandbox farm that stops when this process exits (also on SIGTERM)."""
    try:
        from rayvision_sandbox import Sandbox
    except ImportError:
        sys.exit("No farm given and rayvision_sandbox is not installed: pass --domain, "
                 "--access-id and --access-key (or set RAYVISION_DOMAIN, RAYVISION_ACCESS_ID "
                 "and RAYVISION_ACCESS_KEY), or `pip install ./rayvision_sandbox`.")
    farm = Sandbox(data_dir=data_dir, port=port, seconds_per_frame=seconds_per_frame)
    farm.start()
    atexit.register(farm.stop)
    _exit_on_sigterm()
    return farm


def _exit_on_sigterm():
    # A killed example should still stop its farm (and remove a temporary data dir): turn
    # SIGTERM into SystemExit so that atexit handlers run.
    def handler(signum, _frame):
        raise SystemExit(128 + signum)
    try:
        signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave the host's handler alone
        pass


def _folder(path):
    path = os.path.abspath(path)
    if not os.path.isdir(path):
        os.makedirs(path)
    return path


def _download_folder(given, sandbox):
    if given:
        return _folder(given)
    parent = _folder(os.path.join(DEFAULT_OUTPUT, "downloads"))
    if sandbox is None:
        return parent
    # Every new sandbox numbers its tasks from the same first id: give each run its own
    # folder so that two runs never mix their frames.
    return tempfile.mkdtemp(prefix="sandbox_", dir=parent)


def example_settings(description, dcc=None, argv=None, parser=None):
    """Parse the command line and environment; start a sandbox when no farm is named.

    Args:
        description (str): Help text of the example.
        dcc (str, optional): ``"maya"``, ``"houdini"`` or ``"clarisse"``: offer ``--cg-file``.
        argv (list, optional): Arguments (default ``sys.argv[1:]``).
        parser (argparse.ArgumentParser, optional): A parser from :func:`build_parser` with
            the example's own options added.

    Returns:
        ExampleSettings: The settings.
    """
    parser = parser or build_parser(description, dcc)
    args = parser.parse_args(argv)
    render_para = {name: _from_env(args, name) for name in ENV_VARS}
    named = [name for name in ("domain", "access_id", "access_key") if render_para[name]]
    sandbox = None
    if args.sandbox or not named:
        sandbox = start_sandbox(args.seconds_per_frame)
        render_para.update(sandbox.api_kwargs())
    elif len(named) < 3:
        missing = sorted(set(("domain", "access_id", "access_key")) - set(named))
        parser.error("a farm needs a domain, an access id and an access key; missing: {0} "
                     "(options {1} or environment {2})".format(
                         ", ".join(missing),
                         ", ".join("--" + m.replace("_", "-") for m in missing),
                         ", ".join(ENV_VARS[m] for m in missing)))
    render_para["platform"] = str(render_para["platform"] or "2")
    render_para["protocol"] = render_para["protocol"] or "https"
    sleep_time = args.sleep_time
    if sleep_time is None:
        sleep_time = 0.5 if sandbox is not None else 10
    return ExampleSettings(
        render_para=render_para, sandbox=sandbox,
        cg_file=getattr(args, "cg_file", None),
        workspace=_folder(args.workspace or os.path.join(DEFAULT_OUTPUT, "workspace")),
        download_path=_download_folder(args.download_path, sandbox),
        sleep_time=sleep_time, upload_method=args.upload_method, args=args)


def list_files(folder):
    """Every file below ``folder``, relative, sorted (for printing what was downloaded)."""
    found = []
    for root, _dirs, files in os.walk(folder):
        for name in files:
            found.append(os.path.relpath(os.path.join(root, name), folder))
    return sorted(found)


class AnalysisSettings(object):
    """What an analysis-only example needs (no farm).

    Attributes:
        cg_file (str): The scene.
        software_version (str): The DCC version the scene is rendered with.
        workspace (str): Folder receiving the result folder (created).
        backend (str): ``"auto"``, ``"static"`` or ``"dcc"``.
        custom_exe_path (str): The DCC executable, or None to look for it.
    """

    def __init__(self, args):
        self.cg_file = args.cg_file
        self.software_version = args.software_version
        self.workspace = _folder(args.workspace or os.path.join(DEFAULT_OUTPUT, "workspace"))
        self.backend = args.backend
        self.custom_exe_path = args.custom_exe_path


def analysis_settings(description, dcc, software_version, argv=None):
    """Command line of the analysis-only examples."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cg-file", default=SAMPLE_SCENES[dcc],
                        help="scene to analyse (default: the sample scene {0})".format(
                            os.path.relpath(SAMPLE_SCENES[dcc], HERE)))
    parser.add_argument("--software-version", default=software_version,
                        help="DCC version (default {0}, the sample scene's)".format(
                            software_version))
    parser.add_argument("--workspace", help="folder of the analysis results (default {0})".format(
        os.path.join(DEFAULT_OUTPUT, "workspace")))
    parser.add_argument("--backend", choices=("auto", "static", "dcc"), default="auto",
                        help="analyse in the DCC or read the file (default auto: the DCC "
                             "when it is installed)")
    parser.add_argument("--custom-exe-path", help="the DCC executable to analyse with")
    return AnalysisSettings(parser.parse_args(argv))


def print_analysis(analyze_obj):
    """Summarise the four json files of an analysis."""
    import json

    def load(path):
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    task = load(analyze_obj.task_json)
    upload = load(analyze_obj.upload_json)
    tips = load(analyze_obj.tips_json)
    print("scene:      {0}".format(analyze_obj.cg_file))
    print("backend:    {0}".format(analyze_obj.backend_used))
    print("results in: {0}".format(analyze_obj.workspace))
    scene_info = task.get("scene_info_render") or task.get("scene_info") or {}
    print("render setup (scene_info_render):")
    for line in json.dumps(scene_info, indent=2, ensure_ascii=False).splitlines()[:60]:
        print("   ", line)
    print("task_info.pre_frames = {0!r}, additional_info = {1!r}".format(
        task["task_info"].get("pre_frames"), task.get("additional_info")))
    print("files to upload ({0}):".format(len(upload.get("asset", []))))
    for entry in upload.get("asset", []):
        print("    {0}".format(entry["local"]))
    print("tips: {0}".format(json.dumps(tips, ensure_ascii=False) if tips else "none"))
