"""A stand-in Monitor: open a submission script, fill its dialog, press Submit.

    python run_monitor_submission.py SCRIPT VALUES_JSON RESULT_JSON
"""

import importlib.util
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from DeadlineUI.Controls.Scripting import DeadlineScriptDialog  # noqa: E402


def main(script, values_file, result_file):
    spec = importlib.util.spec_from_file_location("submission", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.__main__()
    dialog = DeadlineScriptDialog.DIALOGS[-1]
    with open(values_file) as handle:
        for name, value in json.load(handle).items():
            dialog.SetValue(name, value)
    dialog.controls["SubmitButton"].ValueModified.emit()
    with open(result_file, "w") as handle:
        json.dump({"title": dialog.title, "shown": dialog.shown, "messages": dialog.messages,
                   "controls": sorted(dialog.controls)}, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
