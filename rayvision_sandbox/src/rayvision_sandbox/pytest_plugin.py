"""pytest plugin: a ``rayvision_sandbox`` fixture for plugin and pipeline tests.

Enable it with ``pytest_plugins = ["rayvision_sandbox.pytest_plugin"]`` in a conftest (the
package also registers it as a ``pytest11`` entry point). Importing it costs nothing: the farm
is imported and started only when a test asks for the fixture.

Fixtures:
    rayvision_sandbox_farm: one farm per test session (fast simulated rendering).
    rayvision_sandbox: that farm for one test; faults are switched off after the test.
"""

from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:
    from rayvision_sandbox.farm import Sandbox


@pytest.fixture(scope="session")
def rayvision_sandbox_farm(tmp_path_factory: Any) -> Iterator["Sandbox"]:
    """A running farm shared by the test session (data in a pytest temp folder)."""
    from rayvision_sandbox.farm import Sandbox

    farm = Sandbox(data_dir=str(tmp_path_factory.mktemp("rayvision_sandbox")),
                   seconds_per_frame=0.02)
    farm.start()
    try:
        yield farm
    finally:
        farm.stop()


@pytest.fixture
def rayvision_sandbox(rayvision_sandbox_farm: "Sandbox") -> Iterator["Sandbox"]:
    """The session's farm, with every fault switched off after the test."""
    rayvision_sandbox_farm.faults.clear()
    try:
        yield rayvision_sandbox_farm
    finally:
        rayvision_sandbox_farm.faults.clear()
