"""Every name the original documentation lists for rayvision_api exists, with its signature."""

import importlib
import inspect

import pytest

DOCUMENTED = {
    "rayvision_api.utils": [
        "append_to_task", "append_to_upload", "assemble_api_url", "check_and_read",
        "check_upload_file", "convert_path", "exists_or_create", "formatted_headers",
        "generate_headers_body_str", "generate_nonce", "generate_signature",
        "generate_timestamp", "get_os", "headers_body_sort", "hump2underline", "json_load",
        "json_save", "to_bytes", "update_task_info"],
    "rayvision_api.exception": [
        "RayvisionError", "RayvisionAPIError", "RayvisonTaskIdError",
        "RayvisionHTTPErrorProcessor"],
    "rayvision_api.operators.task.Task": [
        "TASK_PARAM", "abort_task", "create_task", "delete_task", "full_speed",
        "set_task_overtime_top", "start_task", "stop_task", "submit_task", "update_task_level"],
    "rayvision_api.operators.tag.Tag": [
        "add_label", "delete_label", "get_label_list", "get_project_list"],
    "rayvision_api.operators.env.RenderEnv": [
        "add_render_env", "delete_render_env", "get_render_env", "set_default_render_env",
        "update_render_env"],
    "rayvision_api.operators.query.Query": [
        "all_frame_status", "error_detail", "get_frame_thumbnall", "get_raysync_user_key",
        "get_task_list", "get_task_processing_img", "get_transfer_server_msg", "platforms",
        "restart_failed_frames", "restart_frame", "supported_plugin", "supported_software",
        "task_frames", "task_info"],
    "rayvision_api.operators.user.User": [
        "get_transfer_bid", "query_user_profile", "query_user_setting",
        "update_user_settings"],
    "rayvision_api.core.RayvisionAPI": [
        "check_and_add_project_name", "get_task_id", "get_user_id", "submit"],
    "rayvision_api.connect.Connect": ["assemble_api_url", "headers", "post"],
}

SIGNATURES = {
    "rayvision_api.core.RayvisionAPI": "(access_id=None, access_key=None, "
    "domain='task.renderbus.com', platform='4', protocol='https', local_os='windows', "
    "logger=None, profile=None, **connect_options)",
    "rayvision_api.operators.task.Task.create_task":
        "(self, count=1, out_user_id=None, task_user_level=50, labels=None)",
    "rayvision_api.operators.task.Task.submit_task":
        "(self, task_id, asset_lsolation_model=None, out_user_id=None)",
    "rayvision_api.operators.query.Query.get_task_list":
        "(self, page_num=1, page_size=2, status_list=None, search_keyword=None, "
        "start_time=None, end_time=None)",
    "rayvision_api.operators.query.Query.error_detail": "(self, code, language='0')",
    "rayvision_api.operators.query.Query.restart_frame":
        "(self, task_id, select_all, ids_list=None)",
    "rayvision_api.operators.query.Query.get_frame_thumbnall": "(self, frame_id, frame_status=4)",
    "rayvision_api.operators.tag.Tag.add_label": "(self, new_name, status=1)",
    "rayvision_api.utils.json_save":
        "(json_path, data, encoding='utf-8', ensure_ascii=True, indent=2)",
    "rayvision_api.utils.append_to_task": "(additional_info, task_path, cover=True)",
    "rayvision_api.utils.assemble_api_url": "(domain, operators, protocol='https')",
    # Documented argument names: scripts may pass them by keyword.
    "rayvision_api.utils.to_bytes": "(string)",
}


def resolve(dotted):
    parts = dotted.split(".")
    for index in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:index]))
        except ImportError:
            continue
        for attr in parts[index:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(dotted)


@pytest.mark.parametrize("owner", sorted(DOCUMENTED))
def test_documented_names_exist(owner):
    target = resolve(owner)
    missing = [name for name in DOCUMENTED[owner] if not hasattr(target, name)]
    assert not missing


def unannotated(signature):
    """The signature without its type annotations: names, kinds and defaults are the contract."""
    empty = inspect.Parameter.empty
    return signature.replace(
        parameters=[p.replace(annotation=empty) for p in signature.parameters.values()],
        return_annotation=inspect.Signature.empty)


@pytest.mark.parametrize("dotted", sorted(SIGNATURES))
def test_documented_signatures(dotted):
    assert str(unannotated(inspect.signature(resolve(dotted)))) == SIGNATURES[dotted]


def test_connect_signature_starts_as_documented():
    from rayvision_api.connect import Connect
    params = list(inspect.signature(Connect).parameters)
    assert params[:6] == ["access_id", "access_key", "protocol", "domain", "platform", "headers"]
