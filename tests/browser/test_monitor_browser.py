"""The web monitor in a real, headless Chromium: what a person at the farm's pages sees."""

import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from helpers.monitor_farm import stage_task
from rayvision_api import RayvisionAPI
from rayvision_sandbox import constants as c

WAIT = 20


def wait_for(browser, condition, message, timeout=WAIT):
    return WebDriverWait(browser, timeout, poll_frequency=0.1).until(
        lambda _: condition(), message)


def sign_in_with_key(browser, farm, access_id, access_key):
    browser.get(farm.url + "/monitor/")
    assert browser.current_url.endswith("/monitor/login")
    browser.find_element(By.NAME, "access_id").send_keys(access_id)
    browser.find_element(By.NAME, "access_key").send_keys(access_key)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(browser, lambda: browser.current_url.endswith("/monitor/tasks"), "not signed in")


# Read in one script call: the page replaces rows and cells while it refreshes, so element
# handles found one by one can go stale between two calls.
def task_rows(browser):
    """Task id -> the texts of its row's cells."""
    return dict(browser.execute_script(
        "return Array.from(document.querySelectorAll('#task-rows tr[data-key]')).map("
        "row => [row.dataset.key, Array.from(row.cells).map(cell => cell.innerText)]);"))


def frame_states(browser):
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('#frames a.cell')).map("
        "cell => cell.dataset.status);")


def loaded_thumbnail_width(browser):
    return browser.execute_script(
        "const image = document.querySelector('#frames a.cell.done img');"
        "return image && image.complete ? image.naturalWidth : 0;")


@pytest.fixture(scope="module")
def window(browsers):
    return browsers.start(1280, 900)


@pytest.fixture(scope="module")
def signed_in(window, farm):
    sign_in_with_key(window, farm, farm.access_id, farm.access_key)
    return window


def test_task_list_lists_the_users_tasks_and_updates_live(signed_in, farm, api):
    browser = signed_in
    done = stage_task(farm, api, scene="D:/proj/shots/sq010_sh010.ma", frames="1-2[1]")
    farm.wait_for_task(done)
    browser.get(farm.url + "/monitor/tasks")
    cells = task_rows(browser)[str(done)]
    assert cells[:4] == [str(done), "sq010_sh010.ma", "Maya", "done"]
    assert "2 / 0 / 2" in cells[4]
    browser.execute_script("window.notReloaded = true;")
    later = stage_task(farm, api, scene="D:/proj/shots/sq020_sh010.ma", frames="1-2[1]")
    wait_for(browser, lambda: str(later) in task_rows(browser), "new task did not appear")
    assert browser.execute_script("return window.notReloaded === true;")
    search = browser.find_element(By.NAME, "q")
    search.send_keys("sq020")
    search.submit()
    wait_for(browser, lambda: "q=sq020" in browser.current_url, "search not sent")
    assert list(task_rows(browser)) == [str(later)]


def test_frames_render_live_in_the_task_page(signed_in, farm, api):
    browser = signed_in
    task_id = stage_task(farm, api, scene="D:/proj/shots/sq030_sh010.ma", frames="1-12[1]",
                         layers=("masterLayer", "fx"))
    browser.get(farm.url + "/monitor/tasks/{0}".format(task_id))
    browser.execute_script("window.notReloaded = true;")
    first = frame_states(browser)
    assert len(first) == 24
    done_at_load = first.count("done")
    assert done_at_load < 24, "the task ended before the page loaded"
    wait_for(browser, lambda: frame_states(browser).count("done") > done_at_load,
             "no frame finished in the page")
    wait_for(browser, lambda: loaded_thumbnail_width(browser) == 320,
             "the thumbnail did not load")
    assert browser.execute_script("return window.notReloaded === true;")
    # Opening a frame shows its render log in the side panel, without a reload.
    browser.find_element(By.CSS_SELECTOR, "#frames a.cell.done").click()
    wait_for(browser, lambda: "done in" in browser.find_element(
        By.CSS_SELECTOR, "#frame-panel pre.log").text, "no render log")
    assert browser.execute_script("return window.notReloaded === true;")


def test_stop_button_stops_the_task(signed_in, farm, api):
    browser = signed_in
    task_id = stage_task(farm, api, scene="D:/proj/shots/sq040_sh010.ma", frames="1-200[1]")
    browser.get(farm.url + "/monitor/tasks/{0}".format(task_id))
    wait_for(browser, lambda: "rendering" in frame_states(browser), "task did not start")
    browser.find_element(By.CSS_SELECTOR, "button[data-action=stop]").click()
    wait_for(browser, lambda: "stopped." in browser.find_element(
        By.CSS_SELECTOR, ".flash").text, "no confirmation")
    assert api.query.task_info([task_id])["items"][0]["taskStatus"] == c.STOP
    chip = browser.find_element(By.CSS_SELECTOR, "#facts .chip")
    assert chip.text == "stopped"
    states = frame_states(browser)
    assert "rendering" not in states and "waiting" not in states
    time.sleep(1.0)
    assert frame_states(browser) == states, "frames went on after the stop"
    assert browser.find_elements(By.CSS_SELECTOR, "button[data-action=start]")


def test_another_users_session_sees_none_of_it(browsers, farm, api):
    theirs = stage_task(farm, api, scene="D:/proj/shots/secret_shot.ma", frames="1-2[1]")
    farm.wait_for_task(theirs)
    other_id, other_key = farm.create_user("browser-other")
    other = browsers.start(1280, 900)
    other.get(farm.monitor_login_link(other_id))
    wait_for(other, lambda: other.current_url.endswith("/monitor/tasks"), "link refused")
    assert task_rows(other) == {}
    assert "No tasks match." in other.find_element(By.ID, "task-rows").text
    assert "secret_shot" not in other.page_source
    other.get(farm.url + "/monitor/tasks/{0}".format(theirs))
    assert "does not exist" in other.page_source and "secret_shot" not in other.page_source
    other.get(farm.url + "/monitor/storage?kind=config")
    assert "No files." in other.page_source
    # The other user's own task shows up in their session only.
    mine = stage_task(farm, RayvisionAPI(**farm.api_kwargs(other_id, other_key)),
                      scene="D:/proj/other.ma", frames="1[1]")
    other.get(farm.url + "/monitor/tasks")
    assert list(task_rows(other)) == [str(mine)]


def test_narrow_window_has_no_sideways_scroll(browsers, farm, api):
    task_id = stage_task(farm, api, scene="D:/proj/shots/a_rather_long_scene_name_v0012.ma",
                         frames="1-3[1]", layers=("characters_and_props_layer",))
    narrow = browsers.start(420, 900)
    narrow.get(farm.monitor_login_link())
    wait_for(narrow, lambda: narrow.current_url.endswith("/monitor/tasks"), "link refused")
    for path in ("/monitor/tasks", "/monitor/tasks/{0}".format(task_id), "/monitor/storage",
                 "/monitor/farm"):
        narrow.get(farm.url + path)
        overflow = narrow.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth;")
        assert overflow <= 0, "{0} scrolls sideways by {1} px".format(path, overflow)


def test_wrong_key_is_refused_and_not_shown(browsers, farm):
    browser = browsers.start(1280, 900)
    browser.get(farm.url + "/monitor/login")
    browser.find_element(By.NAME, "access_id").send_keys(farm.access_id)
    browser.find_element(By.NAME, "access_key").send_keys("not-the-key-123")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for(browser, lambda: "wrong access key" in browser.page_source, "no error shown")
    assert "not-the-key-123" not in browser.page_source
    assert browser.find_element(By.NAME, "access_key").get_attribute("value") == ""
    assert browser.get_cookies() == []
