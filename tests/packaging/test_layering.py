"""Each package declares exactly what it imports, and the layering of the monorepo holds."""

import ast
import os
import re
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# Which of our packages each package may depend on (the documented layering).
ALLOWED = {
    "rayvision_log": set(),
    "rayvision_api": {"rayvision_log"},
    "rayvision_utils": {"rayvision_log", "rayvision_api"},
    "rayvision_sync": {"rayvision_log", "rayvision_api"},
    "rayvision_sandbox": {"rayvision_log", "rayvision_api"},
    "rayvision_maya": {"rayvision_log", "rayvision_api", "rayvision_utils"},
    "rayvision_houdini": {"rayvision_log", "rayvision_api", "rayvision_utils"},
    "rayvision_clarisse": {"rayvision_log", "rayvision_api", "rayvision_utils"},
    # The command line sits on top of the whole SDK (the sandbox is a development tool).
    "rayvision_cli": {"rayvision_log", "rayvision_api", "rayvision_utils", "rayvision_sync",
                      "rayvision_maya", "rayvision_houdini", "rayvision_clarisse"},
}

# Distribution name -> import name, where they differ.
IMPORT_NAMES = {"attrs": "attr", "concurrent-log-handler": "concurrent_log_handler",
                "pyyaml": "yaml", "pywin32": "win32api"}

# Modules a DCC provides at run time (only imported by code under dcc/ or guarded imports).
RUNTIME_PROVIDED = {"maya", "hou", "ix", "winreg", "_winreg", "pymel", "clarisse"}

PACKAGES = sorted(name for name in ALLOWED
                  if os.path.isfile(os.path.join(ROOT, name, "pyproject.toml")))


def declared_dependencies(package):
    text = open(os.path.join(ROOT, package, "pyproject.toml"), encoding="utf-8").read()
    block = re.search(r"^dependencies\s*=\s*\[(.*?)^\]", text, re.S | re.M)
    # Optional extras count as declared: a module that needs one imports it only when used.
    extras = re.search(r"^\[project\.optional-dependencies\](.*?)(?:^\[|\Z)", text, re.S | re.M)
    listed = (block.group(1) if block else "") + (extras.group(1) if extras else "")
    names = set()
    for item in re.findall(r'"([^"]+)"', listed):
        name = re.split(r"[<>=!~;\[ ]", item, maxsplit=1)[0].strip().lower()
        names.add(name.replace("_", "-"))
    return names


def imported_top_level(package):
    src = os.path.join(ROOT, package, "src", package)
    found = {}
    for folder, _, files in os.walk(src):
        if os.sep + "dcc" in folder[len(src):]:
            continue  # runs inside the DCC's own interpreter
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            tree = ast.parse(open(path, encoding="utf-8").read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    found.setdefault(module.split(".")[0], path)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_imports_are_declared_and_layering_holds(package):
    declared = declared_dependencies(package)
    declared_imports = {IMPORT_NAMES.get(name, name.replace("-", "_")) for name in declared}
    problems = []
    for module, path in sorted(imported_top_level(package).items()):
        if module == package or module in sys.stdlib_module_names:
            continue
        if module in RUNTIME_PROVIDED or module == "__future__":
            continue
        if module.startswith("rayvision_") and module not in ALLOWED[package]:
            problems.append("%s imports %s, against the layering (%s)" % (package, module, path))
        elif module not in declared_imports:
            problems.append("%s imports %s without declaring it (%s)" % (package, module, path))
    ours = {name.replace("-", "_") for name in declared if name.startswith("rayvision")}
    for dependency in ours - ALLOWED[package]:
        problems.append("%s declares %s, against the layering" % (package, dependency))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("package", PACKAGES)
def test_package_folder_is_self_contained(package):
    base = os.path.join(ROOT, package)
    assert os.path.isfile(os.path.join(base, "README.md"))
    assert os.path.isfile(os.path.join(base, "src", package, "__init__.py"))
    assert os.path.isfile(os.path.join(base, "src", package, "_version.py"))


def checkout_version(package):
    text = open(os.path.join(ROOT, package, "src", package, "_version.py"),
                encoding="utf-8").read()
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


@pytest.mark.parametrize("package", PACKAGES)
def test_siblings_are_pinned_to_the_checkout_versions(package):
    """An unpinned sibling resolves from the index to an unrelated rayvision_* release."""
    text = open(os.path.join(ROOT, package, "pyproject.toml"), encoding="utf-8").read()
    text = re.search(r"^dependencies\s*=\s*\[(.*?)^\]", text, re.S | re.M).group(1)
    for name, operator, version in re.findall(r'"(rayvision_[a-z]+)\s*([=<>!~]*)\s*([^";]*)"',
                                              text):
        assert operator == "==", "{0}: {1} is not pinned exactly".format(package, name)
        assert version == checkout_version(name), "{0} pins {1}=={2}, the checkout has {3}".format(
            package, name, version, checkout_version(name))


@pytest.mark.parametrize("package", PACKAGES)
def test_metadata_has_classifiers_and_urls(package):
    text = open(os.path.join(ROOT, package, "pyproject.toml"), encoding="utf-8").read()
    assert "Programming Language :: Python :: 3.7" in text
    assert "[project.urls]" in text and "Homepage" in text


def test_redis_is_an_optional_extra():
    text = open(os.path.join(ROOT, "rayvision_sync", "pyproject.toml"), encoding="utf-8").read()
    block = re.search(r"^dependencies\s*=\s*\[(.*?)^\]", text, re.S | re.M).group(1)
    assert "redis" not in block
    assert re.search(r'^redis = \["redis>=', text, re.M)
