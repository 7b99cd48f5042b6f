"""Maya analysis demo: analyse a scene locally, without talking to a farm.

Writes task.json, asset.json, tips.json and upload.json into a new timestamp folder of the
workspace, then shows the documented ways to adjust them before a submission::

    python examples/maya_analyse_demo.py
    python examples/maya_analyse_demo.py --cg-file D:/proj/scenes/shot.ma --software-version 2018

With Maya installed (found in the registry or at /usr/autodesk/maya<version>) the analysis
runs inside Maya; without it the scene file is read directly (``--backend static``).
"""

from example_settings import analysis_settings, print_analysis
from rayvision_api.utils import append_to_task, append_to_upload, update_task_info
from rayvision_maya.analyze_maya import AnalyzeMaya

settings = analysis_settings(__doc__, "maya", software_version="2019")

# Analyze CG File
analyze_info = {
    "cg_file": settings.cg_file,
    "workspace": settings.workspace,
    "software_version": settings.software_version,
    "project_name": "Project1",
    "plugin_config": {
        "mtoa": "3.2.1.1"
    },
    "backend": settings.backend,            # "auto" (default), "static" or "dcc"
    "custom_exe_path": settings.custom_exe_path,
}
analyze_obj = AnalyzeMaya(**analyze_info)
analyze_obj.analyse()

# Update task.json: render the first frame of each layer first, then the others.
update_task_info({"pre_frames": "100", "stop_after_test": "2"}, analyze_obj.task_json)
# Custom values land under "additional_info" of task.json.
append_to_task({"env": "maya_env"}, analyze_obj.task_json)
# Add files the analysis cannot see (duplicates are dropped).
append_to_upload([analyze_obj.cg_file], analyze_obj.upload_json)

print_analysis(analyze_obj)
