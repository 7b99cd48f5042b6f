"""``rayvision download``."""

from typing import Any

from rayvision_cli import client, exit_codes
from rayvision_cli.commands.tasks import fetch, task_ids
from rayvision_cli.events import Output
from rayvision_cli.progress import ProgressBridge


def register(commands: Any, parents: list, formatter: Any) -> None:
    """Add ``download`` to the command parser."""
    download = commands.add_parser("download", parents=parents, formatter_class=formatter,
                                   help="download the output of tasks (what is there now)")
    download.add_argument("task", nargs="+", help="task ids")
    download.add_argument("--dest", default=".", help="download folder (created)")
    download.add_argument("--flat", action="store_true",
                          help="drop the <task>_<scene> folder level")
    download.set_defaults(handler=run_download)


def _int(value: Any) -> Any:
    return int(value) if value not in (None, "") else None


def run_download(args: Any, output: Output) -> int:
    """``rayvision download``: what the tasks have produced so far."""
    from rayvision_sync.download import RayvisionDownload

    client.check_transfer_settings(args)
    api = client.connect(args)
    settings = client.settings(args)
    ids = task_ids(args.task)
    # An id the farm does not know is an error, as for status and wait: the download alone
    # would find no output folder and report zero files.
    fetch(api, ids)
    output.emit("phase", phase="download", task_ids=[str(task_id) for task_id in ids])
    bridge = ProgressBridge(output, "download")
    downloader = RayvisionDownload(api, engine=settings.get("engine"),
                                   workers=_int(settings.get("workers")),
                                   progress_callback=bridge, show_progress=False,
                                   cancel_token=getattr(args, "cancel_token", None))
    downloader.download(ids, max_speed=settings.get("max_speed"), print_log=False,
                        download_filename_format="false" if args.flat else "true",
                        local_path=args.dest)
    result = downloader.last_result
    fields = dict(files_total=getattr(result, "files_total", None),
                  files_transferred=getattr(result, "files_transferred", None),
                  files_skipped=getattr(result, "files_skipped", None),
                  bytes_transferred=getattr(result, "bytes_transferred", None))
    output.emit("result", command="download", dest=args.dest, **fields)
    output.result("downloaded {0} files ({1} already there) to {2}".format(
        fields["files_transferred"], fields["files_skipped"], args.dest))
    return exit_codes.OK
