"""The farm's web monitor over plain HTTP: sign-in, sessions, CSRF, isolation, pages, data.

The same pages driven in a real browser are in tests/browser/.
"""

import hashlib
import inspect
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time

import pytest
import requests

from rayvision_sandbox import cli, png
from rayvision_sandbox import constants as c
from rayvision_sandbox.faults import Faults
from rayvision_sandbox.monitor import data

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def signed_in(farm, access_id=None):
    """A requests session signed in through a one-time link."""
    session = requests.Session()
    answer = session.get(farm.monitor_login_link(access_id), timeout=10)
    assert answer.status_code == 200 and answer.url.endswith("/monitor/tasks"), answer.text
    return session


def csrf_of(session, url):
    return CSRF.search(session.get(url, timeout=10).text).group(1)


@pytest.fixture(scope="module")
def finished_task(api, submit, maya_json, farm):
    task_id = submit(maya_json(frames="1-3[1]", layers=("masterLayer", "fg_chars")))
    farm.wait_for_task(task_id)
    return task_id


def test_pages_need_a_session(farm):
    plain = requests.Session()
    for path in ("/", "/monitor", "/monitor/tasks", "/monitor/storage", "/monitor/farm"):
        answer = plain.get(farm.url + path, timeout=10)
        assert answer.url.endswith("/monitor/login"), path
        assert "Sign in" in answer.text
    assert plain.get(farm.url + "/monitor/tasks?partial=1", timeout=10).status_code == 401
    assert plain.get(farm.url + "/monitor/frames/1/image/0", timeout=10).status_code == 401
    assert plain.post(farm.url + "/monitor/farm", data={"do": "clear"},
                      timeout=10).status_code == 401


def test_key_sign_in_sets_a_strict_http_only_cookie_and_never_shows_the_key(farm, caplog):
    caplog.set_level(logging.DEBUG)
    session = requests.Session()
    wrong = session.post(farm.url + "/monitor/login",
                         data={"access_id": farm.access_id, "access_key": "0" * 32},
                         timeout=10)
    assert wrong.status_code == 403 and "wrong access key" in wrong.text
    assert farm.access_id in wrong.text
    answer = session.post(farm.url + "/monitor/login",
                          data={"access_id": farm.access_id, "access_key": farm.access_key},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 303
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/monitor" in cookie
    pages = [session.get(farm.url + path, timeout=10).text
             for path in ("/monitor/tasks", "/monitor/storage", "/monitor/farm")]
    assert all(farm.access_key not in page for page in pages)
    assert farm.access_key not in caplog.text


def test_one_time_link_works_once(farm):
    link = farm.monitor_login_link()
    assert signed_in_with(link).status_code == 200
    again = signed_in_with(link)
    assert again.status_code == 403 and "already used" in again.text
    assert signed_in_with(farm.url + "/monitor/link/forged").status_code == 403


def signed_in_with(link):
    return requests.get(link, timeout=10)


def test_posts_need_the_session_csrf_token_and_the_same_origin(farm, finished_task):
    session = signed_in(farm)
    action = farm.url + "/monitor/tasks/{0}/action".format(finished_task)
    assert session.post(action, data={"action": "delete"}, timeout=10).status_code == 403
    assert session.post(action, data={"action": "delete", "csrf": "x" * 32},
                        timeout=10).status_code == 403
    token = csrf_of(session, farm.url + "/monitor/tasks")
    foreign = session.post(action, data={"action": "delete", "csrf": token},
                           headers={"Origin": "http://evil.example"}, timeout=10)
    assert foreign.status_code == 403
    other = signed_in(farm)
    assert other.post(action, data={"action": "delete", "csrf": token},
                      timeout=10).status_code == 403
    assert farm.tasks.owned(farm.user(farm.access_id), finished_task)["deleted"] == 0


def test_task_list_shows_words_bars_and_searches(farm, finished_task):
    session = signed_in(farm)
    page = session.get(farm.url + "/monitor/tasks", timeout=10).text
    row = re.search(r'<tr data-key="{0}".*?</tr>'.format(finished_task), page).group(0)
    assert "shot_010.ma" in row and "Maya" in row and ">done<" in row
    assert "6 / <b class=\"bad\">0</b> / 6" in row
    found = session.get(farm.url + "/monitor/tasks", params={"q": "SHOT_010"}, timeout=10)
    assert 'data-key="{0}"'.format(finished_task) in found.text
    none = session.get(farm.url + "/monitor/tasks", params={"q": "no-such-scene"}, timeout=10)
    assert "No tasks match." in none.text
    failed = session.get(farm.url + "/monitor/tasks", params={"status": "failed"}, timeout=10)
    assert 'data-key="{0}"'.format(finished_task) not in failed.text
    live = session.get(farm.url + "/monitor/tasks", params={"partial": 1}, timeout=10).json()
    assert set(live["regions"]) == {"task-rows", "filters", "pager"}


def test_task_page_frames_logs_and_images(farm, finished_task):
    session = signed_in(farm)
    page = session.get(farm.url + "/monitor/tasks/{0}".format(finished_task), timeout=10).text
    cells = re.findall(r'<a class="cell ([a-z-]+)[^"]*" data-key="(\d+)"', page)
    assert [css for css, _ in cells] == ["done"] * 6
    frame_id = cells[0][1]
    with_log = session.get(farm.url + "/monitor/tasks/{0}".format(finished_task),
                           params={"frame": frame_id}, timeout=10).text
    log = re.search(r'<pre class="log">(.*?)</pre>', with_log, re.S).group(1)
    assert "node 1: render layer masterLayer, camera camShape1, frame 1" in log
    assert "wrote /{0}_shot_010/masterLayer/shot_010.0001.png (320x180)".format(
        finished_task) in log
    assert "done in" in log
    image = session.get(farm.url + "/monitor/frames/{0}/image/0".format(frame_id), timeout=10)
    assert image.headers["Content-Type"] == "image/png"
    assert png.read_png_size(image.content) == (320, 180)
    for name in ("task.json", "upload.json", "tips.json", "asset.json"):
        assert name in page


def test_missing_file_tips_are_highlighted(farm, api, storage, finished_task):
    bid = api.user_info["config_bid"]
    storage.upload(bid, "/{0}/cfg/tips.json".format(finished_task), json.dumps(
        {"15013": ["Maya 2018"], "10012": ["D:/proj/tex/gone.png", "D:/proj/tex/lost.tx"]}
    ).encode())
    page = signed_in(farm).get(farm.url + "/monitor/tasks/{0}".format(finished_task),
                               timeout=10).text
    assert "2 missing files reported by the analysis." in page
    missing = re.findall(r'<tr class="missing">(.*?)</tr>', page, re.S)
    assert len(missing) == 1 and "10012" in missing[0] and "Missing texture" in missing[0]
    assert "D:/proj/tex/gone.png" in missing[0] and "15013" not in missing[0]


def test_another_user_sees_none_of_it(farm, finished_task, api):
    other_id, _ = farm.create_user("monitor-other")
    other = signed_in(farm, other_id)
    assert "No tasks match." in other.get(farm.url + "/monitor/tasks", timeout=10).text
    task = other.get(farm.url + "/monitor/tasks/{0}".format(finished_task), timeout=10)
    assert task.status_code == 404 and "shot_010" not in task.text
    frame_id = farm.tasks.frames(finished_task)[0]["id"]
    assert other.get(farm.url + "/monitor/frames/{0}/image/0".format(frame_id),
                     timeout=10).status_code == 404
    storage = other.get(farm.url + "/monitor/storage", params={"kind": "config"}, timeout=10)
    assert "task.json" not in storage.text and "No files." in storage.text
    token = csrf_of(other, farm.url + "/monitor/tasks")
    refused = other.post(farm.url + "/monitor/tasks/{0}/action".format(finished_task),
                         data={"action": "delete", "csrf": token}, timeout=10)
    assert "does not exist" in refused.text
    assert api.query.task_info([finished_task])["items"][0]["id"] == finished_task


def test_stop_button_goes_through_the_api_handler(farm, api, submit, maya_json):
    farm.faults.set(latency=0)
    task_id = submit(maya_json(frames="1-400[1]"))
    session = signed_in(farm)
    token = csrf_of(session, farm.url + "/monitor/tasks/{0}".format(task_id))
    page = session.post(farm.url + "/monitor/tasks/{0}/action".format(task_id),
                        data={"action": "stop", "csrf": token}, timeout=10)
    assert "Task {0} stopped.".format(task_id) in page.text
    assert api.query.task_info([task_id])["items"][0]["taskStatus"] == c.STOP
    page = session.post(farm.url + "/monitor/tasks/{0}/action".format(task_id),
                        data={"action": "delete", "csrf": token}, timeout=10)
    assert page.url.endswith("/monitor/tasks")
    assert api.query.task_info([task_id])["items"] == []


def test_storage_tree_has_sizes_and_digests(farm, api, storage):
    bid = api.user_info["input_bid"]
    storage.upload(bid, "/D/proj/tex/wood.png", b"x" * 2048)
    page = signed_in(farm).get(farm.url + "/monitor/storage", timeout=10).text
    assert '<span class="folder">proj/</span>' in page
    entry = re.search(r'<li class="file"><span class="name">wood.png</span>.*?</li>', page)
    assert "2.0 KiB" in entry.group(0)
    assert hashlib.sha256(b"x" * 2048).hexdigest() in entry.group(0)


def test_farm_page_edits_faults_and_counts_requests(farm, api):
    api.user.query_user_profile()
    session = signed_in(farm)
    page = session.get(farm.url + "/monitor/farm", timeout=10).text
    for name in ("latency", "error_burst", "reset_after_bytes", "clock_skew",
                 "failing_frames"):
        assert 'name="{0}"'.format(name) in page
    assert "<code>query_user_profile</code>" in page
    token = CSRF.search(page).group(1)
    session.post(farm.url + "/monitor/farm", data={
        "csrf": token, "do": "apply", "failing_frames": "[3, 7]", "error_burst": "[503, 2]"},
        timeout=10)
    assert farm.faults.failing_frames == frozenset(["3", "7"])
    assert farm.faults.error_burst == (503, 2)
    shown = session.get(farm.url + "/monitor/farm", timeout=10).text
    assert 'value="[503, 2]"' in shown, "the monitor must not use up the burst"
    bad = session.post(farm.url + "/monitor/farm", data={
        "csrf": token, "do": "apply", "latency": "-1"}, timeout=10)
    assert "Not applied: latency must be &gt;= 0" in bad.text
    assert farm.faults.error_burst == (503, 2)
    session.post(farm.url + "/monitor/farm", data={"csrf": token, "do": "clear"}, timeout=10)
    assert farm.faults.failing_frames is None and farm.faults.error_burst is None
    counters = session.get(farm.url + "/monitor/farm", params={"partial": 1}, timeout=10)
    assert "query_user_profile" in counters.json()["regions"]["requests"]


def test_only_the_first_user_changes_faults(farm):
    other_id, _ = farm.create_user("monitor-guest")
    guest = signed_in(farm, other_id)
    page = guest.get(farm.url + "/monitor/farm", timeout=10).text
    assert "disabled" in page and "can change them" in page
    token = CSRF.search(page).group(1)
    answer = guest.post(farm.url + "/monitor/farm", data={
        "csrf": token, "do": "apply", "latency": "5"}, timeout=10)
    assert "Only the farm's first user" in answer.text and farm.faults.latency == 0


def test_fault_fields_follow_the_faults_signature():
    faults = Faults()
    faults.set(latency=0.5, drop_answer={"/api/render/task/stopTask": 1})
    fields = dict((field["name"], field) for field in data.fault_fields(faults))
    assert list(fields) == list(inspect.signature(Faults.set).parameters)[1:]
    assert fields["latency"]["value"] == "0.5"
    assert fields["drop_answer"]["value"] == '{"/api/render/task/stopTask": 1}'
    assert fields["drop_answer"]["type"] == "dict or iterable"
    assert fields["drop_answer"]["help"].endswith("a list of paths drops every answer.")
    assert fields["late_answer"]["value"] == ""
    kwargs = data.parse_fault_form(list(fields.values()), dict(
        (name, "") for name in fields), )
    assert kwargs == {}
    kwargs = data.parse_fault_form(list(fields.values()), dict(
        dict((name, "") for name in fields), latency="0.25",
        late_answer='{"/api/render/task/stopTask": 2}'))
    assert kwargs == {"latency": 0.25, "late_answer": {"/api/render/task/stopTask": 2}}
    faults.set(**kwargs)
    assert faults.as_dict()["late_answer"] == {"/api/render/task/stopTask": (2.0, None)}
    # what the page shows is what the form gives back
    shown = dict((field["name"], field["value"]) for field in data.fault_fields(faults))
    assert data.parse_fault_form(list(fields.values()), shown) == {
        "latency": 0.25, "late_answer": {"/api/render/task/stopTask": [2.0, None]}}


def test_a_thousand_tasks_are_paged(farm):
    user_id, _ = farm.create_user("monitor-many")
    user = farm.user(user_id)
    now = time.time()
    with farm.store.transaction() as store:
        for number in range(1000):
            store.execute(
                "INSERT INTO tasks (user_id, status, submitted, labels, task_user_level, "
                "created, submit_date, scene_name, cg_id) VALUES (?, ?, 1, '[]', 50, ?, ?, "
                "?, 2000)", (user["id"], c.FINISHED if number % 3 else c.FAILED, now, now,
                             "scene_{0:04d}.ma".format(number)))
    session = signed_in(farm, user_id)
    first = session.get(farm.url + "/monitor/tasks", timeout=10).text
    assert first.count("<tr data-key=") == data.PAGE_SIZE
    assert "page 1 of 20 &middot; 1000 tasks" in first
    assert "scene_0999.ma" in first and "scene_0949.ma" not in first
    last = session.get(farm.url + "/monitor/tasks", params={"page": 20}, timeout=10).text
    assert "scene_0000.ma" in last
    failed = session.get(farm.url + "/monitor/tasks", params={"status": "failed"},
                         timeout=10).text
    assert "334 tasks" in failed


def test_slates_tell_frames_and_layers_apart():
    lines = ("TASK 19001  shot.ma", "LAYER fg", "CAMERA cam", "FRAME 3  640x360")
    one = png.slate_image(320, 180, 3, lines)
    two = png.slate_image(320, 180, 4, lines[:3] + ("FRAME 4  640x360",))
    assert one != two and png.read_png_size(one) == (320, 180)
    assert png.slate_image(80, 45, 3, lines) != png.slate_image(80, 45, 4, lines)


def test_cli_prints_monitor_and_one_time_links(farm, tmp_path):
    args = cli.build_parser().parse_args(["create-user", "--data-dir", str(tmp_path), "ann"])
    cli.create_user(args, io.StringIO())
    out = io.StringIO()
    args = cli.build_parser().parse_args(["monitor-link", "--data-dir", str(tmp_path),
                                          "--user", "ann", "--url", "http://h:1/"])
    assert cli.monitor_link(args, out) == 0
    assert re.match(r"^http://h:1/monitor/link/[A-Za-z0-9_-]{40,}\n$", out.getvalue())
    args = cli.build_parser().parse_args(["monitor-link", "--data-dir", str(tmp_path),
                                          "--user", "nobody"])
    with pytest.raises(cli.CommandError, match="no user named 'nobody'"):
        cli.monitor_link(args, io.StringIO())
    # a data dir that holds no farm is refused, not created
    assert cli.main(["monitor-link", "--data-dir", str(tmp_path / "typo")]) == 2
    assert not os.path.exists(str(tmp_path / "typo"))


def test_serve_prints_the_monitor_and_a_link_that_signs_in(tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "rayvision_sandbox.cli", "serve", "--data-dir", str(tmp_path),
         "--port", "0", "--access-log"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, universal_newlines=True)
    try:
        lines = {}
        for _ in range(7):
            key, _, value = process.stdout.readline().partition(":")
            lines[key.strip()] = value.strip()
        monitor = lines["monitor"]
        link = lines["sign in"].split()[0]
        assert re.match(r"^http://127\.0\.0\.1:\d+/monitor/$", monitor)
        assert link.startswith(monitor + "link/")
        session = requests.Session()
        page = session.get(link, timeout=10)
        assert page.url.endswith("/monitor/tasks") and "Sign out" in page.text
        assert lines["access_key"] not in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    token = link.rsplit("/", 1)[1]
    assert "/monitor/link/..." in err and token not in err


def test_frames_of_a_long_task_are_paged(farm, api, submit, maya_json):
    task_id = submit(maya_json(frames="1-450[1]"))
    api.task.stop_task([task_id])
    session = signed_in(farm)
    first = session.get(farm.url + "/monitor/tasks/{0}".format(task_id), timeout=10).text
    assert first.count('<a class="cell ') == data.FRAME_PAGE_SIZE
    assert "frames 1-200 of 450" in first
    last = session.get(farm.url + "/monitor/tasks/{0}".format(task_id),
                       params={"fpage": 3, "partial": 1}, timeout=10).json()["regions"]
    assert last["frames"].count('<a class="cell ') == 50
    assert "frames 401-450 of 450" in last["frame-pager"]
    assert "fpage=3" in last["frames"]


def test_long_json_files_are_cut_on_the_page(farm, api, storage, finished_task):
    bid = api.user_info["config_bid"]
    assets = [{"local": "D:/proj/tex/{0:05d}.tx".format(n), "server": "/D/proj/tex/{0:05d}.tx"
               .format(n)} for n in range(4000)]
    storage.upload(bid, "/{0}/cfg/upload.json".format(finished_task),
                   json.dumps({"asset": assets}).encode())
    page = signed_in(farm).get(farm.url + "/monitor/tasks/{0}".format(finished_task),
                               timeout=10).text
    assert "more characters (the whole file is in the config storage)" in page
    assert "D:/proj/tex/00010.tx" in page and "D:/proj/tex/03999.tx" not in page


@pytest.mark.parametrize("field, text", [("latency", "NaN"), ("latency", "Infinity"),
                                         ("latency", "1e999"), ("clock_skew", "NaN"),
                                         ("late_answer", '{"/x": NaN}')])
def test_a_farm_form_value_that_is_not_a_finite_number_is_not_applied(farm, api, field, text):
    # Latency NaN from the form was taken: every API and storage answer was then HTTP 500
    # (the farm could not sleep NaN seconds), and a NaN clock accepted any signature time.
    session = signed_in(farm)
    token = csrf_of(session, farm.url + "/monitor/farm")
    answer = session.post(farm.url + "/monitor/farm", data={
        "csrf": token, "do": "apply", field: text}, timeout=10)
    assert "Not applied: {0}".format(field) in answer.text
    assert farm.faults.as_dict() == Faults().as_dict()
    assert api.user.query_user_profile()["userId"] == api.user_info["user_id"]


def test_an_id_too_large_for_the_farm_is_not_found(farm):
    # A task or frame id past 64 bits in the address answered 500 "The monitor failed".
    session = signed_in(farm)
    huge = "9" * 25
    for path in ("/monitor/tasks/" + huge, "/monitor/frames/{0}/image/0".format(huge)):
        assert session.get(farm.url + path, timeout=10).status_code == 404


@pytest.mark.parametrize("text, frames", [("37", {"37"}), ('"37"', {"37"}), ("3,7", {"3", "7"}),
                                          ('"3, 7"', {"3", "7"}), ("[3, 7]", {"3", "7"})])
def test_failing_frames_typed_in_the_farm_form(farm, text, frames):
    # "37" made frames 3 and 7 fail (the text was taken character by character) or was
    # refused with "'int' object is not iterable"; "3,7" with "invalid literal for int()".
    session = signed_in(farm)
    token = csrf_of(session, farm.url + "/monitor/farm")
    session.post(farm.url + "/monitor/farm", data={
        "csrf": token, "do": "apply", "failing_frames": text}, timeout=10)
    assert farm.faults.failing_frames == frozenset(frames)


def test_failing_frames_that_are_not_numbers_are_refused_by_name():
    with pytest.raises(ValueError, match="failing_frames"):
        Faults().set(failing_frames="3,x")


@pytest.mark.parametrize("keyword", ["CaseProbe_Été", "caseprobe_été", "CASEPROBE_ÉTÉ",
                                     "probe_é"])
def test_task_list_search_ignores_case_in_the_api_as_in_the_monitor(api, submit, maya_json,
                                                                    farm, keyword):
    # getTaskList's searchKeyword matched case-sensitively while the monitor's search box
    # ignored case (and the monitor ignored it for ASCII letters only).
    task_id = submit(maya_json(frames="1", scene="D:/proj/CaseProbe_Été.ma"))
    listed = api.query.get_task_list(1, 1000, search_keyword=keyword)["items"]
    assert task_id in [item["id"] for item in listed]
    found = signed_in(farm).get(farm.url + "/monitor/tasks", params={"q": keyword},
                                timeout=10)
    assert 'data-key="{0}"'.format(task_id) in found.text
