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


# Every callable the original documentation lists for rayvision_api and rayvision_log, with its
# documented parameters. Ours may add parameters after them, each with a default (or *args /
# **kwargs), and may give a documented required parameter a default: calls written against
# the documentation, positionally or by keyword, keep working.
DOCUMENTED_PARAMETERS = {
    "rayvision_api.connect.Connect":
        "(access_id, access_key, protocol, domain, platform, headers=None)",
    "rayvision_api.connect.Connect.assemble_api_url":
        "(domain, operators, protocol='https')",
    "rayvision_api.connect.Connect.post":
        "(api_url, data=None)",
    "rayvision_api.core.RayvisionAPI":
        "(access_id, access_key, domain='task.renderbus.com', platform='4', protocol='https', "
        "local_os='windows', logger=None)",
    "rayvision_api.core.RayvisionAPI.check_and_add_project_name":
        "(project_name)",
    "rayvision_api.core.RayvisionAPI.get_task_id":
        "()",
    "rayvision_api.core.RayvisionAPI.get_user_id":
        "()",
    "rayvision_api.core.RayvisionAPI.submit":
        "(task_id)",
    "rayvision_api.exception.RayvisionAPIError":
        "(error_code, error, request)",
    "rayvision_api.exception.RayvisionError":
        "(error_code, error, *args, **kwargs)",
    "rayvision_api.exception.RayvisionHTTPErrorProcessor.http_response":
        "(request, response)",
    "rayvision_api.exception.RayvisonTaskIdError":
        "(error_code, error)",
    "rayvision_api.fields.Env":
        "(cgId, cgName, cgVersion, renderLayerType, editName, renderSystem, pluginIds)",
    "rayvision_api.operators.env.RenderEnv":
        "(connect)",
    "rayvision_api.operators.env.RenderEnv.add_render_env":
        "(render_env)",
    "rayvision_api.operators.env.RenderEnv.delete_render_env":
        "(edit_name)",
    "rayvision_api.operators.env.RenderEnv.get_render_env":
        "(name)",
    "rayvision_api.operators.env.RenderEnv.set_default_render_env":
        "(edit_name)",
    "rayvision_api.operators.env.RenderEnv.update_render_env":
        "(render_env)",
    "rayvision_api.operators.query.Query":
        "(connect)",
    "rayvision_api.operators.query.Query.all_frame_status":
        "()",
    "rayvision_api.operators.query.Query.error_detail":
        "(code, language='0')",
    "rayvision_api.operators.query.Query.get_frame_thumbnall":
        "(frame_id, frame_status=4)",
    "rayvision_api.operators.query.Query.get_raysync_user_key":
        "()",
    "rayvision_api.operators.query.Query.get_task_list":
        "(page_num=1, page_size=2, status_list=None, search_keyword=None, start_time=None, "
        "end_time=None)",
    "rayvision_api.operators.query.Query.get_task_processing_img":
        "(task_id, frame_type=None)",
    "rayvision_api.operators.query.Query.get_transfer_server_msg":
        "()",
    "rayvision_api.operators.query.Query.platforms":
        "()",
    "rayvision_api.operators.query.Query.restart_failed_frames":
        "(task_param_list)",
    "rayvision_api.operators.query.Query.restart_frame":
        "(task_id, select_all, ids_list=None)",
    "rayvision_api.operators.query.Query.supported_plugin":
        "(name)",
    "rayvision_api.operators.query.Query.supported_software":
        "()",
    "rayvision_api.operators.query.Query.task_frames":
        "(task_id, page_num, page_size, search_keyword=None)",
    "rayvision_api.operators.query.Query.task_info":
        "(task_ids_list)",
    "rayvision_api.operators.tag.Tag":
        "(connect)",
    "rayvision_api.operators.tag.Tag.add_label":
        "(new_name, status=1)",
    "rayvision_api.operators.tag.Tag.delete_label":
        "(del_name)",
    "rayvision_api.operators.tag.Tag.get_label_list":
        "()",
    "rayvision_api.operators.tag.Tag.get_project_list":
        "()",
    "rayvision_api.operators.task.Task":
        "(connect)",
    "rayvision_api.operators.task.Task.abort_task":
        "(task_param_list)",
    "rayvision_api.operators.task.Task.create_task":
        "(count=1, out_user_id=None, task_user_level=50, labels=None)",
    "rayvision_api.operators.task.Task.delete_task":
        "(task_param_list)",
    "rayvision_api.operators.task.Task.full_speed":
        "(task_id_list)",
    "rayvision_api.operators.task.Task.set_task_overtime_top":
        "(task_id_list, overtime)",
    "rayvision_api.operators.task.Task.start_task":
        "(task_param_list)",
    "rayvision_api.operators.task.Task.stop_task":
        "(task_param_list)",
    "rayvision_api.operators.task.Task.submit_task":
        "(task_id, asset_lsolation_model=None, out_user_id=None)",
    "rayvision_api.operators.task.Task.update_task_level":
        "(task_id, task_level)",
    "rayvision_api.operators.user.User":
        "(connect)",
    "rayvision_api.operators.user.User.get_transfer_bid":
        "()",
    "rayvision_api.operators.user.User.query_user_profile":
        "()",
    "rayvision_api.operators.user.User.query_user_setting":
        "()",
    "rayvision_api.operators.user.User.update_user_settings":
        "(task_over_time)",
    "rayvision_api.task.check.RayvisionCheck":
        "(api, analyze=None, workspace=None)",
    "rayvision_api.task.check.RayvisionCheck.check_analyze":
        "(analyze, workspace, is_cover=True)",
    "rayvision_api.task.check.RayvisionCheck.check_error_warn_info":
        "(language='0')",
    "rayvision_api.task.check.RayvisionCheck.check_path":
        "(tmp_path)",
    "rayvision_api.task.check.RayvisionCheck.check_task_info":
        "(task_info)",
    "rayvision_api.task.check.RayvisionCheck.check_workspace":
        "(workspace)",
    "rayvision_api.task.check.RayvisionCheck.execute":
        "(task_json, upload_json, asset_json='', is_cover=True)",
    "rayvision_api.task.check.RayvisionCheck.is_scene_have_error":
        "()",
    "rayvision_api.task.check.RayvisionCheck.write":
        "()",
    "rayvision_api.task.handle.RayvisionTask":
        "(domain, platform, access_id, access_key, local_os, software_version, render_software, "
        "workspace, cg_file, plugin_config=None, project_name=None)",
    "rayvision_api.task.handle.RayvisionTask.check_and_add_project_name":
        "(project_name)",
    "rayvision_api.task.handle.RayvisionTask.ckeck_and_mk":
        "(dir_path)",
    "rayvision_api.task.handle.RayvisionTask.get_task_id":
        "()",
    "rayvision_api.task.handle.RayvisionTask.get_user_id":
        "()",
    "rayvision_api.task.handle.RayvisionTask.preparatory_analyse":
        "(cg_file, project_dir='')",
    "rayvision_api.task.handle.RayvisionTask.set_render_config":
        "()",
    "rayvision_api.utils.append_to_task":
        "(additional_info, task_path, cover=True)",
    "rayvision_api.utils.append_to_upload":
        "(files_paths, upload_path)",
    "rayvision_api.utils.assemble_api_url":
        "(domain, operators, protocol='https')",
    "rayvision_api.utils.check_and_read":
        "(json_path)",
    "rayvision_api.utils.check_upload_file":
        "(file_path, upload_info)",
    "rayvision_api.utils.convert_path":
        "(path)",
    "rayvision_api.utils.exists_or_create":
        "(folder)",
    "rayvision_api.utils.formatted_headers":
        "(headers)",
    "rayvision_api.utils.generate_headers_body_str":
        "(domain_name, api_url, header, body)",
    "rayvision_api.utils.generate_nonce":
        "()",
    "rayvision_api.utils.generate_signature":
        "(key, msg)",
    "rayvision_api.utils.generate_timestamp":
        "()",
    "rayvision_api.utils.get_os":
        "()",
    "rayvision_api.utils.headers_body_sort":
        "(header, body)",
    "rayvision_api.utils.hump2underline":
        "(hump_str)",
    "rayvision_api.utils.json_load":
        "(json_path, encoding='utf-8')",
    "rayvision_api.utils.json_save":
        "(json_path, data, encoding='utf-8', ensure_ascii=True)",
    "rayvision_api.utils.to_bytes":
        "(string)",
    "rayvision_api.utils.update_task_info":
        "(update_info, task_path)",
    "rayvision_log.core.get_default_log_config":
        "()",
    "rayvision_log.core.init_logger":
        "(app_name)",
    "rayvision_log.core.set_up_logger":
        "(app_name, log_config)",
}


def documented_parameters(text):
    """``"(a, b='x', *args)"`` -> ``[("a", None), ("b", "'x'"), ("*args", None)]``."""
    params = []
    for item in filter(None, (part.strip() for part in text[1:-1].split(","))):
        name, _, default = item.partition("=")
        params.append((name, default or None))
    return params


def spelled(parameter):
    prefix = {inspect.Parameter.VAR_POSITIONAL: "*",
              inspect.Parameter.VAR_KEYWORD: "**"}.get(parameter.kind, "")
    return prefix + parameter.name


@pytest.mark.parametrize("dotted", sorted(DOCUMENTED_PARAMETERS))
def test_documented_parameters_names_order_and_defaults(dotted):
    ours = [p for p in inspect.signature(resolve(dotted)).parameters.values()
            if p.name != "self"]
    documented = documented_parameters(DOCUMENTED_PARAMETERS[dotted])
    assert [spelled(p) for p in ours[:len(documented)]] == [name for name, _ in documented]
    for parameter, (_, default) in zip(ours, documented):
        if default is not None:
            assert repr(parameter.default) == default, parameter.name
        if parameter.kind not in (inspect.Parameter.VAR_POSITIONAL,
                                  inspect.Parameter.VAR_KEYWORD):
            assert parameter.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD, parameter.name
    for extra in ours[len(documented):]:
        assert (extra.default is not inspect.Parameter.empty
                or extra.kind in (inspect.Parameter.VAR_POSITIONAL,
                                  inspect.Parameter.VAR_KEYWORD)), extra.name
