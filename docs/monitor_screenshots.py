"""Screenshots of the sandbox farm's web monitor for docs/sandbox.md (``nox -s screenshots``).

Starts a farm, stages a few tasks (done, rendering, stopped, with failed frames, with missing
files), signs in with a one-time link in headless Chromium and writes one PNG per page into
``docs/_static/`` (or the folder given as the first argument).
"""

import os
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from helpers.chromium import Browsers, missing_reason  # noqa: E402
from helpers.monitor_farm import CLARISSE, HOUDINI, stage_task  # noqa: E402
from rayvision_api import RayvisionAPI  # noqa: E402
from rayvision_sandbox import Sandbox  # noqa: E402
from rayvision_sandbox.storage import bid_for  # noqa: E402

MISSING_TIPS = {"10012": ["D:/proj/textures/brick_wall_diffuse.tx",
                          "D:/proj/textures/brick_wall_bump.tx"],
                "15013": ["Maya 2022"]}
INPUT_FILES = ("D/proj/shots/sq010_sh010.ma", "D/proj/shots/sq020_sh040.ma",
               "D/proj/textures/brick_wall_roughness.tx", "D/proj/textures/concrete_floor.tx",
               "D/proj/textures/sky_dome_8k.exr", "D/proj/cache/crowd_sim.abc",
               "D/proj/fx/smoke_v012.hip", "D/proj/fx/cache/smoke.0001.vdb")


def stage_farm(farm, api):
    """Tasks in every state a person would look for; returns the id of the rendering one."""
    user = farm.user(farm.access_id)
    for number, path in enumerate(INPUT_FILES):
        farm.storages.write_bytes(bid_for(user["id"], "input"), "/" + path,
                                  os.urandom(2048 * (number + 1) ** 2))
    for scene in ("sq010_sh010.ma", "sq010_sh020.ma", "sq010_sh030.ma"):
        farm.wait_for_task(stage_task(farm, api, scene="D:/proj/shots/" + scene,
                                      frames="1-6[1]", layers=("masterLayer", "chars")))
    farm.faults.set(failing_frames=[4])
    farm.wait_for_task(stage_task(farm, api, scene="D:/proj/fx/smoke_v012.hip",
                                  frames="1-8[1]", layers=("/out/mantra_smoke",), cg_id=HOUDINI,
                                  project="FX"))
    farm.faults.clear()
    stopped = stage_task(farm, api, scene="D:/proj/env/city_night.project", frames="1-40[1]",
                         layers=("beauty", "reflections"), cg_id=CLARISSE, project="Env")
    time.sleep(2.5)
    api.task.stop_task([stopped])
    rendering = stage_task(farm, api, scene="D:/proj/shots/sq020_sh040.ma", frames="1-40[1]",
                           layers=("masterLayer", "fg_chars"), tips=MISSING_TIPS)
    for _ in range(3):
        api.query.get_task_list(page_num=1, page_size=20)
    farm.faults.set(error_burst=(503, 1))
    try:
        api.query.task_frames(rendering, page_num=1, page_size=50)
    finally:
        farm.faults.set(failing_frames=[13], latency=0.05)
    return rendering


def fit_height(browser, width, least=720, most=1800):
    """Make the window as tall as the page (within bounds) so one shot shows it whole."""
    height = browser.execute_script("return document.documentElement.scrollHeight;")
    browser.set_window_size(width, max(least, min(most, height)))
    time.sleep(0.3)


def shoot(browser, url, path, width=1280, ready=None):
    """Open ``url`` at ``width``, wait for one live refresh, save the whole page."""
    browser.set_window_size(width, 900)
    browser.get(url)
    if ready is not None:
        ready(browser)
    time.sleep(1.2)  # one live refresh
    fit_height(browser, width)
    browser.save_screenshot(path)
    print("wrote", os.path.relpath(path, ROOT))


def shoot_element(browser, element_id, path, margin=16):
    """Save the part of the page around one element, with a margin of page background."""
    import base64

    browser.execute_script("document.getElementById(arguments[0]).scrollIntoView();",
                           element_id)
    box = browser.execute_script(
        "const box = document.getElementById(arguments[0]).getBoundingClientRect();"
        "return [box.left + window.scrollX, box.top + window.scrollY, box.width, box.height];",
        element_id)
    shot = browser.execute_cdp_cmd("Page.captureScreenshot", {
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": max(0, box[0] - margin), "y": max(0, box[1] - margin),
                 "width": box[2] + 2 * margin, "height": box[3] + 2 * margin, "scale": 1}})
    with open(path, "wb") as handle:
        handle.write(base64.b64decode(shot["data"]))
    print("wrote", os.path.relpath(path, ROOT))


def main(argv=None):
    """Stage a farm and write the screenshots; the folder is the first argument."""
    argv = sys.argv[1:] if argv is None else argv
    out = os.path.abspath(argv[0] if argv else os.path.join(ROOT, "docs", "_static"))
    if not os.path.isdir(out):
        os.makedirs(out)
    reason = missing_reason()
    if reason:
        sys.exit("cannot take screenshots: " + reason)
    browsers = Browsers()
    with Sandbox(seconds_per_frame=0.5, nodes=3) as farm:
        api = RayvisionAPI(**farm.api_kwargs())
        rendering = stage_farm(farm, api)
        try:
            browser = browsers.start(1280, 900)
            browser.get(farm.monitor_login_link())
            first_frame = farm.tasks.frames(rendering)[0]["id"]
            task_url = "{0}/monitor/tasks/{1}?frame={2}".format(farm.url, rendering,
                                                                first_frame)
            shoot(browser, task_url, os.path.join(out, "monitor-task.png"))
            shoot(browser, farm.url + "/monitor/tasks", os.path.join(out, "monitor-tasks.png"))
            browser.set_window_size(1280, 1800)
            browser.get(task_url)
            shoot_element(browser, "files", os.path.join(out, "monitor-task-files.png"))
            shoot(browser, farm.url + "/monitor/storage?kind=input",
                  os.path.join(out, "monitor-storage.png"))
            shoot(browser, farm.url + "/monitor/farm", os.path.join(out, "monitor-farm.png"))
            shoot(browser, farm.url + "/monitor/tasks", os.path.join(out, "monitor-narrow.png"),
                  width=420)
            shoot(browser, task_url, os.path.join(out, "monitor-task-narrow.png"), width=420)
            signed_out = browsers.start(1280, 900)
            shoot(signed_out, farm.url + "/monitor/login",
                  os.path.join(out, "monitor-login.png"))
        finally:
            browsers.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
