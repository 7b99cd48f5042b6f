"""Load the example Deadline plugin the way Deadline does and run one task (stand-in host)."""

import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from Deadline.Plugins import FailRenderException  # noqa: E402


def main(plugin_file, calls_file):
    spec = importlib.util.spec_from_file_location("RenderbusCloud", plugin_file)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    plugin = module.GetDeadlinePlugin()
    plugin.InitializeProcessCallback()
    failed = False
    try:
        plugin.RenderTasksCallback()
    except FailRenderException:
        failed = True
    calls = plugin.calls
    module.CleanupDeadlinePlugin(plugin)
    with open(calls_file, "w") as handle:
        json.dump({"plugin_type": plugin.PluginType, "failed": failed, "calls": calls}, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
