"""Each package, installed on its own from its wheel into a fresh venv, imports.

Its siblings come from the checkout's wheels (exact pins: the index has no such versions),
never from the package index, and nothing of the checkout is on ``sys.path``.
"""

import os
import re
import subprocess
import sys
import venv

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGES = sorted(name for name in os.listdir(ROOT) if name.startswith("rayvision_")
                  and os.path.isfile(os.path.join(ROOT, name, "pyproject.toml")))

IMPORT = {"rayvision_maya": "rayvision_maya.analyze_maya",
          "rayvision_houdini": "rayvision_houdini.analyze_houdini",
          "rayvision_clarisse": "rayvision_clarisse.analyse_clarisse",
          "rayvision_sync": "rayvision_sync.download", "rayvision_cli": "rayvision_cli.main",
          "rayvision_sandbox": "rayvision_sandbox.farm", "rayvision_utils": "rayvision_utils",
          "rayvision_api": "rayvision_api.core", "rayvision_log": "rayvision_log"}


@pytest.fixture(scope="module")
def wheel_dir(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("wheels"))
    subprocess.check_call([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                           "--disable-pip-version-check", "-w", folder] +
                          [os.path.join(ROOT, name) for name in PACKAGES], timeout=900)
    return folder


def checkout_version(package):
    text = open(os.path.join(ROOT, package, "src", package, "_version.py"),
                encoding="utf-8").read()
    return re.search(r'__version__ = "([^"]+)"', text).group(1)


def _wheel_of(folder, package):
    found = [name for name in os.listdir(folder) if name.startswith(package + "-")]
    assert len(found) == 1, found
    return os.path.join(folder, found[0])


@pytest.mark.parametrize("package", PACKAGES)
def test_fresh_venv_install_of_one_package(package, wheel_dir, tmp_path):
    env_dir = str(tmp_path / "venv")
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = os.path.join(env_dir, "Scripts" if sys.platform.startswith("win") else "bin",
                          "python")
    environment = dict((k, v) for k, v in os.environ.items() if k != "PYTHONPATH")
    environment["RAYVISION_LOG_ROOT"] = str(tmp_path / "logs")
    subprocess.check_call([sys.executable, "-m", "pip", "--python", python, "install",
                           "--quiet", "--disable-pip-version-check", "--find-links", wheel_dir,
                           _wheel_of(wheel_dir, package)], cwd=str(tmp_path), env=environment,
                          timeout=900)
    listing = subprocess.check_output([sys.executable, "-m", "pip", "--python", python, "list",
                                       "--format", "freeze"], env=environment).decode()
    installed = dict(re.findall(r"^(rayvision[-_][a-z]+)==(\S+)$", listing, re.M))
    assert package in {name.replace("-", "_") for name in installed}
    for name, version in installed.items():
        name = name.replace("-", "_")
        assert version == checkout_version(name), "{0} {1} is not the checkout's".format(
            name, version)
    module = IMPORT[package]
    where = subprocess.check_output(
        [python, "-c", "import {0} as m, sys; print(m.__file__); "
                       "print(any(p.startswith({1!r}) for p in sys.path if p))".format(
                           module, ROOT)],
        cwd=str(tmp_path), env=environment, timeout=120).decode().split()
    assert where[0].startswith(os.path.realpath(env_dir)) or where[0].startswith(env_dir)
    assert where[1] == "False"
