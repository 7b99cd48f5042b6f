"""The bottom packages install into a fresh virtual environment with pip alone and import."""

import os
import subprocess
import sys
import venv

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_fresh_venv_install_of_log_and_api(tmp_path):
    env_dir = str(tmp_path / "venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = os.path.join(env_dir, "Scripts" if sys.platform.startswith("win") else "bin",
                          "python")
    subprocess.check_call([python, "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", os.path.join(ROOT, "rayvision_log"),
                           os.path.join(ROOT, "rayvision_api")], timeout=600)
    environment = dict(os.environ, RAYVISION_LOG_ROOT=str(tmp_path / "logs"))
    out = subprocess.check_output(
        [python, "-c", "from rayvision_api import RayvisionAPI, __version__; "
                       "import rayvision_api.operators, rayvision_api.utils; "
                       "import rayvision_log; print(RayvisionAPI.__name__, __version__)"],
        cwd=str(tmp_path), env=environment, timeout=120).decode()
    assert out.startswith("RayvisionAPI ")
    # Installed from the wheel, not from the checkout.
    location = subprocess.check_output(
        [python, "-c", "import rayvision_api; print(rayvision_api.__file__)"],
        cwd=str(tmp_path), env=environment).decode()
    assert location.startswith(env_dir)
