"""A ready task for the examples that need one (upload, download, API tour).

:func:`analyse_sample` analyses the sample Maya scene and checks it (a task id is taken);
:func:`submit_sample` also uploads and submits it. Both follow the steps of maya_demo.py.
"""

from example_settings import SAMPLE_SCENES
from rayvision_api.task.check import RayvisionCheck
from rayvision_api.utils import update_task_info
from rayvision_maya.analyze_maya import AnalyzeMaya
from rayvision_sync.upload import RayvisionUpload


def analyse_sample(api, workspace, cg_file=None):
    """Analyse the sample Maya scene and check it.

    Returns:
        tuple: ``(analyze_obj, task_id)``.
    """
    analyze_obj = AnalyzeMaya(cg_file=cg_file or SAMPLE_SCENES["maya"], workspace=workspace,
                              software_version="2019", project_name="Project1",
                              plugin_config={"mtoa": "3.2.1.1"})
    analyze_obj.analyse()
    update_task_info({"pre_frames": "100", "stop_after_test": "2"}, analyze_obj.task_json)
    task_id = RayvisionCheck(api, analyze_obj).execute(analyze_obj.task_json,
                                                       analyze_obj.upload_json)
    return analyze_obj, task_id


def submit_sample(api, workspace):
    """Analyse, check, upload and submit the sample Maya scene; returns the task id (int)."""
    analyze_obj, task_id = analyse_sample(api, workspace)
    RayvisionUpload(api, show_progress=False).upload(
        str(task_id), task_json_path=analyze_obj.task_json,
        tips_json_path=analyze_obj.tips_json, asset_json_path=analyze_obj.asset_json,
        upload_json_path=analyze_obj.upload_json)
    api.submit(int(task_id))
    return int(task_id)
