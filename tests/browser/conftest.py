"""Fixtures of the browser tests: a farm with visible render times, headless Chromium.

A missing Chromium, driver or Selenium fails these tests with the install hint: ``.ci/run``
installs them, and a developer's machine needs them too (``apt-get install chromium
chromium-driver``); a skipped browser test would let a broken monitor through unnoticed.
"""

import pytest

from helpers.chromium import Browsers, missing_reason
from rayvision_api import RayvisionAPI
from rayvision_sandbox import Sandbox


@pytest.fixture(scope="session")
def browsers():
    reason = missing_reason()
    if reason is not None:
        pytest.fail("browser tests cannot run: " + reason, pytrace=False)
    started = Browsers()
    yield started
    started.close()


@pytest.fixture(scope="module")
def farm(tmp_path_factory):
    # Frames slow enough to watch them change state in the page.
    with Sandbox(data_dir=str(tmp_path_factory.mktemp("farm")), seconds_per_frame=0.4,
                 nodes=2) as running:
        yield running


@pytest.fixture(scope="module")
def api(farm):
    return RayvisionAPI(**dict(farm.api_kwargs(), backoff_factor=0.01, timeout=10))
