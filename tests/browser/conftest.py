"""Fixtures of the browser tests: a farm with visible render times, headless Chromium.

Under CI (``CI=true``) a missing Chromium, driver or Selenium fails these tests: CI installs
them (``.ci/run``), so their absence there is a broken setup, not a reason to skip.
"""

import os

import pytest

from helpers.chromium import Browsers, missing_reason
from rayvision_api import RayvisionAPI
from rayvision_sandbox import Sandbox


@pytest.fixture(scope="session")
def browsers():
    reason = missing_reason()
    if reason is not None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("browser tests cannot run under CI: " + reason, pytrace=False)
        pytest.skip(reason)
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
