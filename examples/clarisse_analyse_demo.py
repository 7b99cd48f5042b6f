"""Clarisse analysis demo: analyse a project locally, without talking to a farm.

Writes task.json, asset.json, tips.json and upload.json into a new timestamp folder of the
workspace, then shows the documented ways to adjust them before a submission::

    python examples/clarisse_analyse_demo.py
    python examples/clarisse_analyse_demo.py --cg-file E:/copy/shot.project

With Clarisse installed (``cnode`` found through $RAYVISION_CNODE, PATH or the usual
install folders) the analysis runs inside Clarisse; without it the .project file is read
directly (``--backend static``).
"""

from example_settings import analysis_settings, print_analysis
from rayvision_api.utils import append_to_task, append_to_upload, update_task_info
from rayvision_clarisse.analyse_clarisse import AnalyzeClarisse

settings = analysis_settings(__doc__, "clarisse", software_version="clarisse_ifx_4.0_sp3")

# Analyze CG File
analyze_info = {
    "cg_file": settings.cg_file,
    "workspace": settings.workspace,
    "software_version": settings.software_version,
    "project_name": "Project1",
    "plugin_config": {},
    "backend": settings.backend,
    "custom_exe_path": settings.custom_exe_path,
}
analyze_obj = AnalyzeClarisse(**analyze_info)
# no_upload=True would leave upload.json out (gather_upload_dict() writes it later).
analyze_obj.analyse(no_upload=False)

update_task_info({"pre_frames": "100", "stop_after_test": "2"}, analyze_obj.task_json)
append_to_task({"env": "clarisse_env"}, analyze_obj.task_json)
append_to_upload([analyze_obj.cg_file], analyze_obj.upload_json)

print_analysis(analyze_obj)
