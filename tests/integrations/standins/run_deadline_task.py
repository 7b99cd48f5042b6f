"""A stand-in Deadline Worker: load a plugin the way Deadline does and render one task.

    python run_deadline_task.py PLUGIN_DIR JOB_ID TASK_ID RESULT_JSON [CANCEL_FILE]

The plugin's configuration is its ``.param`` defaults overlaid by the repository's settings;
the job comes from the stand-in repository (``DEADLINE_STANDIN_REPOSITORY``). The plugin's
folder is not put on ``sys.path`` (Deadline does not promise it), so the plugin must find its
own modules. The result file gets the plugin type, whether the task failed, the recorded
calls and the path-mapping checks.
"""

import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import deadline_repository as repository  # noqa: E402
from Deadline import Plugins, Scripting  # noqa: E402


def plugin_config(plugin_dir, name):
    sections = repository.read_sections(os.path.join(plugin_dir, name + ".param"))
    config = dict((key, section.get("Default", "")) for key, section in sections.items())
    config.update(repository.load()["config"].get(name, {}))
    return config


def main(plugin_dir, job_id, task_id, result_file, cancel_file=None):
    name = os.path.basename(os.path.normpath(plugin_dir))
    record = repository.load()["jobs"][job_id]
    if record["job_info"].get("Plugin") != name:
        raise SystemExit("job {0} is for plugin {1}".format(job_id, record["job_info"]))
    Plugins.WORKER.update(
        job_id=job_id, task_id=int(task_id), plugin_info=record["plugin_info"],
        frames=repository.job_tasks(record["job_info"])[int(task_id)],
        config=plugin_config(plugin_dir, name), plugin_directory=plugin_dir,
        cancel_file=cancel_file)
    spec = importlib.util.spec_from_file_location(name, os.path.join(plugin_dir, name + ".py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin = module.GetDeadlinePlugin()
    plugin.InitializeProcessCallback()
    plugin.StartJobCallback()
    failed = False
    try:
        plugin.RenderTasksCallback()
    except Plugins.FailRenderException:
        failed = True
    plugin.EndJobCallback()
    calls = plugin.calls
    module.CleanupDeadlinePlugin(plugin)
    cleaned = not hasattr(plugin, "RenderTasksCallback")
    with open(result_file, "w") as handle:
        json.dump({"plugin_type": plugin.PluginType, "failed": failed, "calls": calls,
                   "path_checks": Scripting.PATH_CHECKS, "cleaned_up": cleaned}, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
