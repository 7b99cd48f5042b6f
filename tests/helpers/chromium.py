"""Headless Chromium under Selenium, set up for a machine without outside network.

Debian's ``chromium`` and ``chromium-driver`` packages provide the browser and its driver
(``.ci/run`` installs them). Selenium is given both paths, so it never tries to download a
driver; the flags keep Chromium from reaching out (updates, sync, QUIC) and from needing a
GPU or a user namespace sandbox, and every browser gets a fresh profile folder.
"""

import os
import shutil
import tempfile

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome")
DRIVER_NAMES = ("chromedriver",)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--force-device-scale-factor=1")


def find_chromium():
    """``(browser path, driver path)``; either is None when it is not installed."""
    browser = next((shutil.which(name) for name in BROWSER_NAMES if shutil.which(name)), None)
    driver = next((shutil.which(name) for name in DRIVER_NAMES if shutil.which(name)), None)
    return browser, driver


def missing_reason():
    """Why the browser tests cannot run here, or None when they can."""
    browser, driver = find_chromium()
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -r tests/requirements.txt)"
    if browser is None or driver is None:
        return ("Chromium and its driver are not installed (apt-get install chromium "
                "chromium-driver); found browser={0!r} driver={1!r}".format(browser, driver))
    return None


class Browsers(object):
    """Start headless browsers and close them (and remove their profiles) at the end."""

    def __init__(self):
        self._open = []

    def start(self, width=1280, height=900):
        """A new headless Chromium window of that size, with an empty profile."""
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        browser, driver = find_chromium()
        profile = tempfile.mkdtemp(prefix="rayvision-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = browser
        for flag in FLAGS:
            options.add_argument(flag)
        options.add_argument("--user-data-dir=" + profile)
        options.add_argument("--window-size={0},{1}".format(width, height))
        # No driver download: Selenium Manager stays offline.
        os.environ.setdefault("SE_OFFLINE", "true")
        session = webdriver.Chrome(service=Service(executable_path=driver), options=options)
        session.set_window_size(width, height)
        self._open.append((session, profile))
        return session

    def close(self):
        """Quit every browser started here."""
        while self._open:
            session, profile = self._open.pop()
            try:
                session.quit()
            finally:
                shutil.rmtree(profile, ignore_errors=True)
