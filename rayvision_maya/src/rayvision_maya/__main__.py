r"""Analyse a Maya scene from the command line (for CI and submit hosts without Python code).

    python -m rayvision_maya D:/proj/scenes/shot.ma --software-version 2018 \
        --project-name Project1 --plugin mtoa=3.1.2.1 --workspace C:/workspace

Prints a json summary (backend, the four json paths, tips) on stdout. Exit status: 0 when the
analysis ran (tips may still hold warnings or errors for the farm), 2 for a bad argument or
scene (the message on stderr), 3 when the analysis itself failed (or, with ``--strict``,
when files are missing).
"""

import argparse
import json
import os
import sys
from typing import Any, List, Optional

from rayvision_maya.analyze_maya import AnalyzeMaya
from rayvision_maya.constants import CG_EXTENSIONS
from rayvision_maya.version import scene_version
from rayvision_utils.exception.exception import AnalyseFailError, AnalyzeError, RayvisionError
from rayvision_utils.scene_input import SceneInputError


def _plugin(text: Any) -> Any:
    name, separator, plugin_version = text.partition("=")
    if not separator or not name or not plugin_version:
        raise argparse.ArgumentTypeError("expected NAME=VERSION, got {!r}".format(text))
    return name, plugin_version


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(prog="python -m rayvision_maya",
                                     description="Analyse a Maya scene for the Renderbus farm.")
    parser.add_argument("cg_file", help="the .ma or .mb scene")
    parser.add_argument("--software-version",
                        help="Maya version to render with (default: the scene's)")
    parser.add_argument("--project-name", default="", help="farm project name")
    parser.add_argument("--plugin", action="append", type=_plugin, default=[],
                        metavar="NAME=VERSION", help="plugin configuration (repeatable)")
    parser.add_argument("--workspace", help="folder receiving the result folder")
    parser.add_argument("--project-path", help="Maya project folder")
    parser.add_argument("--render-layer-type", default="0", choices=["0", "1"])
    parser.add_argument("--backend", default="auto", choices=["auto", "static", "dcc"])
    parser.add_argument("--exe", help="Maya executable to use (DCC backend)")
    parser.add_argument("--local-os", choices=["windows", "linux"])
    parser.add_argument("--timeout", type=float, help="seconds Maya may run")
    parser.add_argument("--strict", action="store_true",
                        help="fail (exit status 3, no upload.json) when files are missing")
    return parser.parse_args(argv)


def main(argv: Optional[List[str]] = None) -> int:
    """Run the analysis; returns the exit status."""
    args = parse_args(argv)
    software_version = args.software_version
    if os.path.exists(args.cg_file) and not args.cg_file.lower().endswith(CG_EXTENSIONS):
        sys.stderr.write("error: {} is not a Maya scene (a Maya scene is a .ma or .mb "
                         "file)\n".format(args.cg_file))
        return 2
    if not software_version and os.path.exists(args.cg_file):
        try:
            software_version = scene_version(args.cg_file)
        except SceneInputError as error:
            sys.stderr.write("error: {}\n".format(error))
            return 2
        if not software_version:
            sys.stderr.write("error: {} is not a Maya scene: it has no Maya header and "
                             "does not say which Maya saved it (if it is one, pass "
                             "--software-version)\n".format(args.cg_file))
            return 2
    try:
        analyze = AnalyzeMaya(
            args.cg_file, software_version or "0", args.project_name, dict(args.plugin),
            render_layer_type=args.render_layer_type, input_project_path=args.project_path,
            local_os=args.local_os, workspace=args.workspace, custom_exe_path=args.exe,
            backend=args.backend, timeout=args.timeout, strict=args.strict)
        analyze.analyse()
    except SceneInputError as error:  # the scene itself cannot be read: a bad argument
        sys.stderr.write("error: {}\n".format(error))
        return 2
    except AnalyseFailError as error:
        sys.stderr.write("analysis failed: {}\n".format(error))
        return 3
    except (AnalyzeError, RayvisionError) as error:
        sys.stderr.write("error: {}\n".format(error))
        return 2
    summary = {"backend": analyze.backend_used, "workspace": analyze.workspace,
               "task_json": analyze.task_json, "asset_json": analyze.asset_json,
               "tips_json": analyze.tips_json, "upload_json": analyze.upload_json,
               "tips": analyze.tips_info}
    sys.stdout.write(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
