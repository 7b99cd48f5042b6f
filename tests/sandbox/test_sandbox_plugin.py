"""The pytest plugin gives users' tests a running farm (checked in a separate pytest run)."""

import subprocess
import sys
import textwrap


def test_plugin_fixture_in_a_users_test_run(tmp_path):
    (tmp_path / "test_user_plugin.py").write_text(textwrap.dedent("""
        from rayvision_api import RayvisionAPI

        def test_uses_the_farm(rayvision_sandbox):
            rayvision_sandbox.faults.set(latency=0.01)
            api = RayvisionAPI(**rayvision_sandbox.api_kwargs())
            assert api.get_user_id()

        def test_faults_were_cleared(rayvision_sandbox):
            assert rayvision_sandbox.faults.latency == 0
    """))
    # Explicit -p works whether or not the pytest11 entry point is installed.
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p",
         "no:rayvision_sandbox", "-p", "rayvision_sandbox.pytest_plugin", str(tmp_path)],
        cwd=str(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, timeout=120)
    assert result.returncode == 0, result.stdout
    assert "2 passed" in result.stdout


def test_loading_the_plugin_imports_no_server():
    code = ("import sys, rayvision_sandbox.pytest_plugin; "
            "print('werkzeug' in sys.modules or 'rayvision_sandbox.farm' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                         text=True, timeout=60).stdout
    assert out.strip() == "False"
