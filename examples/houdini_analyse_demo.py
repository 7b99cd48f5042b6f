"""Houdini analysis demo: analyse a scene locally, without talking to a farm.

Writes task.json, asset.json, tips.json and upload.json into a new timestamp folder of the
workspace, then shows the documented ways to adjust them before a submission::

    python examples/houdini_analyse_demo.py
    python examples/houdini_analyse_demo.py --cg-file D:/shots/flip.hip \
        --software-version 18.0.5

With Houdini installed (``hython`` found through $RAYVISION_HYTHON, the registry,
/opt/hfs<version> or PATH) the analysis runs inside Houdini; without it the .hip file is
read directly (``--backend static``).
"""

from example_settings import analysis_settings, print_analysis
from rayvision_api.utils import append_to_task, append_to_upload, update_task_info
from rayvision_houdini.analyze_houdini import AnalyzeHoudini

settings = analysis_settings(__doc__, "houdini", software_version="17.5.293")

# Analyze CG File
analyze_info = {
    "cg_file": settings.cg_file,
    "workspace": settings.workspace,
    "software_version": settings.software_version,
    "project_name": "Project1",
    "plugin_config": {
        'renderman': '22.6'
    },
    # Where the analysis keeps its reference-type database (default $RAYVISION_HOUDINI,
    # then ~/renderfarm_sdk).
    "custom_db_path": settings.workspace,
    "backend": settings.backend,
    "custom_exe_path": settings.custom_exe_path,
}
analyze_obj = AnalyzeHoudini(**analyze_info)
analyze_obj.analyse()

update_task_info({"pre_frames": "100", "stop_after_test": "2"}, analyze_obj.task_json)
append_to_task({"env": "houdini_env"}, analyze_obj.task_json)
append_to_upload([analyze_obj.cg_file], analyze_obj.upload_json)

print_analysis(analyze_obj)
