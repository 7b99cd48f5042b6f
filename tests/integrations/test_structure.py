"""Static checks of the integration folders: what their hosts read must be there and valid."""

import ast
import configparser
import filecmp
import os
import struct
import subprocess
import sys
import xml.etree.ElementTree as ElementTree

import pytest

from helpers.integration_hosts import INTEGRATIONS, ROOT, STANDINS

DEADLINE = os.path.join(INTEGRATIONS, "deadline")
PLUGIN = os.path.join(DEADLINE, "plugins", "Renderbus")
sys.path.insert(0, STANDINS)
from deadline_repository import read_key_values, read_sections  # noqa: E402

sys.path.remove(STANDINS)
sys.path.insert(0, os.path.join(ROOT, "tools"))
import make_renderbus_icon  # noqa: E402
import sync_integrations  # noqa: E402

sys.path.remove(os.path.join(ROOT, "tools"))

PARAM_TYPES = {"string", "boolean", "integer", "float", "filename", "filenamesave", "folder",
               "multilinestring", "multilinemultifilename", "multifilename", "enum",
               "password"}


def literal_keys(path, method_prefixes):
    """String keys passed to ``self.<method>(...)`` calls whose name starts with a prefix."""
    keys = set()
    for node in ast.walk(ast.parse(open(path).read())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                node.func.attr.startswith(method_prefixes) and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            keys.add(node.args[0].value)
    return keys


def test_every_plugin_info_key_read_is_in_options():
    read = literal_keys(os.path.join(PLUGIN, "Renderbus.py"),
                        ("GetPluginInfoEntry", "GetBooleanPluginInfoEntry"))
    options = read_sections(os.path.join(PLUGIN, "Renderbus.options"))
    assert read and read <= set(options)


def test_every_config_key_read_is_in_param():
    read = literal_keys(os.path.join(PLUGIN, "Renderbus.py"),
                        ("GetConfigEntry", "GetBooleanConfigEntry", "GetFloatConfigEntry",
                         "GetIntegerConfigEntry"))
    param = read_sections(os.path.join(PLUGIN, "Renderbus.param"))
    assert read and read <= set(param)


@pytest.mark.parametrize("name", ["Renderbus.param", "Renderbus.options"])
def test_param_and_options_entries_are_complete(name):
    sections = read_sections(os.path.join(PLUGIN, name))
    for key, entry in sections.items():
        assert entry.get("Type") in PARAM_TYPES, key
        for field in ("Label", "Category", "CategoryOrder", "Index", "Description",
                      "Default"):
            assert field in entry, (key, field)
        if name.endswith(".options"):
            assert entry.get("Required") in ("true", "false"), key
    indexes = [(e["Category"], int(e["Index"])) for e in sections.values()]
    assert len(indexes) == len(set(indexes))


def test_no_credential_in_plugin_settings_or_examples():
    names = set(read_sections(os.path.join(PLUGIN, "Renderbus.options"))) | set(
        read_sections(os.path.join(PLUGIN, "Renderbus.param")))
    for example in ("renderbus_job_info.job", "renderbus_plugin_info.job"):
        names |= set(read_key_values(os.path.join(DEADLINE, "examples", example)))
    assert not [name for name in names if "key" in name.lower() or "secret" in name.lower()
                or "accessid" in name.lower()]


def test_dlinit_enables_concurrent_tasks():
    values = read_key_values(os.path.join(PLUGIN, "Renderbus.dlinit"))
    assert values["ConcurrentTasks"] == "True"
    assert values["About"]


def test_example_plugin_info_uses_only_known_keys():
    options = read_sections(os.path.join(PLUGIN, "Renderbus.options"))
    info = read_key_values(os.path.join(DEADLINE, "examples", "renderbus_plugin_info.job"))
    assert set(info) <= set(options)
    job = read_key_values(os.path.join(DEADLINE, "examples", "renderbus_job_info.job"))
    assert job["Plugin"] == "Renderbus"


def test_submission_script_writes_only_known_plugin_info_keys(tmp_path):
    sys.path.insert(0, STANDINS)
    try:
        import importlib.util

        spec = importlib.util.spec_from_file_location(
            "RenderbusSubmission", os.path.join(DEADLINE, "scripts", "Submission",
                                                "RenderbusSubmission.py"))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(STANDINS)
    options = read_sections(os.path.join(PLUGIN, "Renderbus.options"))
    for values in ({"SceneFile": "a.ma", "OutputDirectory": "o"},
                   {"SceneFile": "a.ma", "OutputDirectory": "o", "Frames": "1-9",
                    "ChunkSize": 3}):
        job_info, plugin_info = module.job_files(values)
        assert set(plugin_info) <= set(options)
    assert (job_info["Frames"], job_info["ChunkSize"]) == ("1-9", "3")
    with pytest.raises(ValueError):
        module.job_files({"SceneFile": "a.ma"})


def read_ico(path):
    data = open(path, "rb").read()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    images = []
    for number in range(count):
        width, height, _colours, _zero, planes, bits, size, offset = struct.unpack(
            "<BBBBHHII", data[6 + 16 * number:22 + 16 * number])
        image = data[offset:offset + size]
        images.append((width or 256, height or 256, bits, image))
    return reserved, kind, images, len(data)


def test_icon_is_a_valid_ico_of_pngs():
    reserved, kind, images, total = read_ico(os.path.join(PLUGIN, "Renderbus.ico"))
    assert (reserved, kind) == (0, 1)
    assert [(w, h) for w, h, _, _ in images] == [(16, 16), (32, 32), (48, 48)]
    end = 0
    for width, height, bits, image in images:
        assert bits == 32 and image.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", image[16:24]) == (width, height)
        end += len(image)
    assert total == 6 + 16 * len(images) + end


def test_icons_are_what_the_drawing_script_makes():
    assert open(os.path.join(PLUGIN, "Renderbus.ico"), "rb").read() == \
        make_renderbus_icon.ico()
    for path in (os.path.join(INTEGRATIONS, "maya", "icons", "renderbus_32.png"),
                 os.path.join(INTEGRATIONS, "houdini", "config", "Icons", "renderbus.png"),
                 os.path.join(INTEGRATIONS, "clarisse", "icons", "renderbus_32.png")):
        assert open(path, "rb").read() == make_renderbus_icon.png(32)


def test_job_conf_has_qube_sections_and_binds_the_back_end():
    conf = configparser.ConfigParser()
    conf.read(os.path.join(INTEGRATIONS, "qube", "renderbus", "job.conf"))
    assert {"description", "execute module"} <= set(conf.sections())
    assert conf.get("execute module", "execute_binding") == "Python"
    library = conf.get("execute module", "execute_library")
    assert os.path.isfile(os.path.join(INTEGRATIONS, "qube", "renderbus", library))
    assert conf.get("description", "detail").startswith('"')


def test_houdini_shelf_and_package():
    root = ElementTree.parse(os.path.join(INTEGRATIONS, "houdini", "toolbar",
                                          "renderbus.shelf")).getroot()
    members = [tool.get("name") for tool in root.find("toolshelf").findall("memberTool")]
    tools = dict((tool.get("name"), tool) for tool in root.findall("tool"))
    assert sorted(members) == sorted(tools) == ["renderbus_cancel", "renderbus_submit"]
    for tool in tools.values():
        assert tool.find("script").get("scriptType") == "python"
        compile(tool.find("script").text, "shelf", "exec")
    import json

    package = json.load(open(os.path.join(INTEGRATIONS, "houdini", "renderbus.json")))
    assert package["path"] == "$RENDERBUS_HOUDINI"


def test_every_copy_of_the_shared_module_is_identical():
    copies = sync_integrations.copy_paths()
    present = [path for path in copies if os.path.isdir(os.path.dirname(path))]
    assert present == copies
    for path in present:
        assert filecmp.cmp(sync_integrations.SOURCE, path, shallow=False), path


@pytest.mark.parametrize("folder", ["deadline", "qube", "maya", "houdini", "clarisse"])
def test_each_integration_has_a_readme(folder):
    text = open(os.path.join(INTEGRATIONS, folder, "README.md")).read()
    assert "docs/embedding.md" in text


def test_in_dcc_and_manager_code_compiles_on_python27():
    from helpers.interpreters import require_python27

    files = [os.path.join(INTEGRATIONS, "common", "rayvision_job.py"),
             os.path.join(INTEGRATIONS, "qube", "renderbus", "execute.py"),
             os.path.join(INTEGRATIONS, "qube", "renderbus", "submit.py"),
             os.path.join(INTEGRATIONS, "maya", "scripts", "renderbus_maya.py"),
             os.path.join(INTEGRATIONS, "maya", "scripts", "userSetup.py"),
             os.path.join(INTEGRATIONS, "houdini", "scripts", "python", "renderbus_houdini.py"),
             os.path.join(INTEGRATIONS, "clarisse", "scripts", "renderbus_clarisse.py"),
             os.path.join(PLUGIN, "Renderbus.py")]
    code = "import sys, py_compile\nfor f in sys.argv[1:]: py_compile.compile(f, doraise=True," \
           " cfile='/dev/null')\n"
    done = subprocess.run([require_python27(), "-c", code] + files, capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


def test_maya_readme_places_missing_files_where_the_window_lists_them():
    # The window's findings end with files_lines(): the missing files come after the rest.
    sys.path.insert(0, os.path.join(INTEGRATIONS, "common"))
    try:
        import rayvision_job
    finally:
        sys.path.pop(0)
    lines = rayvision_job.files_lines("scene", 3, ["/p/lost.png"])
    assert lines[-2:] == ["Missing files (1):", "  /p/lost.png"]
    text = " ".join(open(os.path.join(INTEGRATIONS, "maya", "README.md")).read().split())
    assert "missing files last" in text and "missing files first" not in text
