"""``rayvision analyse`` and ``rayvision submit``."""

import argparse
from typing import Any, Optional

from rayvision_api.cancel import CancelToken
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
    submit.add_argument("--task-id", type=int, metavar="TASK",
                        help="finish the submission of this task (from the upload phase "
                             "event of an interrupted submit) instead of creating one; a "
                             "task already submitted is not submitted again")
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


def _uploader(api: Any, settings: dict, bridge: ProgressBridge,
              cancel_token: Optional[CancelToken] = None) -> Any:
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
    client.check_transfer_settings(args)
    api = client.connect(args)
    if args.task_id is not None and _already_submitted(api, args.task_id):
        output.info("task {0} was already submitted".format(args.task_id))
        return _submitted(args, output, api, str(args.task_id), workspace=None, resumed=True)
    settings = client.settings(args)
    analyzer = _analyse(args, output, platform=api.connect.platform)
    layers = [name.strip() for name in (args.layers or "").split(",") if name.strip()]
    scene.select(analyzer.task_json, args.frames, layers or None)
    if args.task_id is not None:
        scene.use_task_id(analyzer.task_json, args.task_id)
    task_id = _check(api, analyzer, output)
    _upload(api, settings, analyzer, output, task_id, getattr(args, "cancel_token", None))
    output.emit("phase", phase="submit", task_id=task_id)
    api.submit(int(task_id))
    return _submitted(args, output, api, task_id, analyzer.workspace,
                      resumed=args.task_id is not None)


def _already_submitted(api: Any, task_id: int) -> bool:
    """Whether the farm has ``task_id`` as a submitted task (error when it has no such task)."""
    from rayvision_cli.commands.tasks import fetch

    (row,) = fetch(api, [task_id])
    return bool(row.get("submitted"))


def _check(api: Any, analyzer: Any, output: Output) -> str:
    """Check the analysis, filling the task, user and project ids; returns the task id."""
    from rayvision_api.task.check import RayvisionCheck

    output.emit("phase", phase="check")
    output.info("checking ...")
    return str(RayvisionCheck(api, analyzer).execute(analyzer.task_json, analyzer.upload_json))


def _upload(api: Any, settings: dict, analyzer: Any, output: Output, task_id: str,
            cancel_token: Optional[CancelToken] = None) -> None:
    """Upload the scene's files and the task's config files (``cancel_token`` stops it)."""
    # The task id is announced before anything is sent: a caller killed from here on can
    # finish this submission with --task-id instead of creating a second task.
    output.emit("phase", phase="upload", task_id=task_id)
    upload = _uploader(api, settings, ProgressBridge(output, "upload", task_id), cancel_token)
    uploaded = upload.upload(task_id, task_json_path=analyzer.task_json,
                             tips_json_path=analyzer.tips_json,
                             asset_json_path=analyzer.asset_json,
                             upload_json_path=analyzer.upload_json,
                             max_speed=settings.get("max_speed"))
    if not uploaded:
        raise RayvisionError(200025, "the upload of task {0} did not complete; the task is "
                                     "not submitted".format(task_id))


def _submitted(args: Any, output: Output, api: Any, task_id: str, workspace: Any,
               resumed: bool) -> int:
    output.emit("result", command="submit", task_id=task_id, workspace=workspace,
                resumed=resumed)
    output.result(task_id)
    if args.output:
        from rayvision_cli.commands import sync_output

        return sync_output.follow_tasks(args, output, api, [task_id], args.output)
    return exit_codes.OK


def _int(value: Any) -> Any:
    return int(value) if value not in (None, "") else None
