"""``rayvision analyse`` and ``rayvision submit``."""

import argparse
from typing import Any

from rayvision_api.exception import RayvisionError
from rayvision_cli import client, exit_codes, scene
from rayvision_cli.events import Output
from rayvision_cli.progress import ProgressBridge


def _scene_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("scene", help="scene file (.ma/.mb, .hip, .project)")
    parser.add_argument("--software-version",
                        help="DCC version to render with (Maya: read from the scene)")
    parser.add_argument("--project", default="rayvision", help="farm project name")
    parser.add_argument("--workspace", help="folder of the analysis results (created); "
                                            "default ~/renderfarm_sdk or the profile's")
    parser.add_argument("--backend", choices=("auto", "static", "dcc"), default="auto",
                        help="read the scene with the DCC, or with the built-in reader")


def register(commands: Any, parents: list, formatter: Any) -> None:
    """Add ``analyse`` and ``submit`` to the command parser."""
    analyse = commands.add_parser("analyse", aliases=["analyze"], parents=parents,
                                  formatter_class=formatter,
                                  help="analyse a scene and print what it needs")
    _scene_options(analyse)
    analyse.set_defaults(handler=run_analyse)
    submit = commands.add_parser("submit", parents=parents, formatter_class=formatter,
                                 help="analyse, check, upload and submit a scene; prints "
                                      "the task id")
    _scene_options(submit)
    submit.add_argument("--frames", help="frames of every selected layer, e.g. 1-10[1]")
    submit.add_argument("--layers", help="comma-separated layers / ROPs / image nodes to "
                                         "render (default: the scene's renderable ones)")
    submit.add_argument("--output", help="download the frames to this folder as they "
                                         "render, and wait for the task to end")
    submit.set_defaults(handler=run_submit)


def _workspace(args: Any) -> Any:
    if args.workspace:
        return args.workspace
    try:
        return client.settings(args).get("workspace")
    except Exception:  # the profile is read again (and reported) when logging in
        return None


def _analyse(args: Any, output: Output, platform: str = "2") -> Any:
    analyzer = scene.make_analyzer(args.scene, args.software_version, args.project,
                                   _workspace(args), args.backend, platform)
    output.emit("phase", phase="analyse", scene=args.scene)
    output.info("analysing {0} ...".format(args.scene))
    analyzer.analyse(cancel_token=getattr(args, "cancel_token", None))
    return analyzer


def _print_summary(found: dict, output: Output) -> None:
    output.result("scene:      {0} ({1}, {2} reader)".format(found["scene"], found["dcc"],
                                                            found["backend"]))
    output.result("workspace:  {0}".format(found["workspace"]))
    for layer in found["layers"]:
        output.result("layer:      {0}  frames {1}{2}".format(
            layer["name"], layer["frames"], "" if layer["renderable"] else "  (off)"))
    output.result("assets:     {0} files to upload".format(found["assets"]))
    for code, value in sorted(found["tips"].items()):
        output.result("tip {0}:  {1}".format(code, value))


def run_analyse(args: Any, output: Output) -> int:
    """``rayvision analyse``: analyse a scene and print (or stream) the summary."""
    analyzer = _analyse(args, output)
    found = scene.summary(analyzer)
    output.emit("result", command="analyse", **found)
    _print_summary(found, output)
    return exit_codes.OK


def _uploader(api: Any, settings: dict, bridge: ProgressBridge, cancel_token: Any = None) -> Any:
    """``RayvisionUpload`` on the profile's ``record_store``: a ``db_config.ini`` or a redis URL.

    Machines whose profiles name one redis share their upload records, so a file one of
    them uploaded is skipped by the others (what a render farm's Workers need).
    """
    from rayvision_sync import config
    from rayvision_sync.upload import RayvisionUpload

    store = settings.get("record_store") or ""
    upload = RayvisionUpload(api, db_config_path=store if store.endswith(".ini") else None,
                             engine=settings.get("engine"),
                             workers=_int(settings.get("workers")),
                             progress_callback=bridge, show_progress=False,
                             cancel_token=cancel_token)
    if store.startswith(config.REDIS_URL_SCHEMES):
        upload.database_config["type"] = "redis"
        upload.redis_config.update(config.redis_config_from_url(store))
    return upload


def run_submit(args: Any, output: Output) -> int:
    """``rayvision submit``: analyse, check, upload and submit; print the task id."""
    from rayvision_api.task.check import RayvisionCheck

    api = client.connect(args)
    settings = client.settings(args)
    analyzer = _analyse(args, output, platform=api.connect.platform)
    layers = [name.strip() for name in (args.layers or "").split(",") if name.strip()]
    scene.select(analyzer.task_json, args.frames, layers or None)
    output.emit("phase", phase="check")
    output.info("checking ...")
    task_id = RayvisionCheck(api, analyzer).execute(analyzer.task_json, analyzer.upload_json)
    output.emit("phase", phase="upload", task_id=str(task_id))
    bridge = ProgressBridge(output, "upload", str(task_id))
    upload = _uploader(api, settings, bridge, getattr(args, "cancel_token", None))
    uploaded = upload.upload(str(task_id), task_json_path=analyzer.task_json,
                             tips_json_path=analyzer.tips_json,
                             asset_json_path=analyzer.asset_json,
                             upload_json_path=analyzer.upload_json,
                             max_speed=settings.get("max_speed"))
    if not uploaded:
        raise RayvisionError(200025, "the upload of task {0} did not complete; the task is "
                                     "not submitted".format(task_id))
    output.emit("phase", phase="submit", task_id=str(task_id))
    api.submit(int(task_id))
    output.emit("result", command="submit", task_id=str(task_id),
                workspace=analyzer.workspace)
    output.result(str(task_id))
    if args.output:
        from rayvision_cli.commands import sync_output

        return sync_output.follow_tasks(args, output, api, [str(task_id)], args.output)
    return exit_codes.OK


def _int(value: Any) -> Any:
    return int(value) if value not in (None, "") else None
