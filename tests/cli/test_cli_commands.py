"""Every ``rayvision`` command end to end against a sandbox farm, with its exit code."""

import configparser
import json
import os
import re
import stat

import pytest
from cli_helpers import MAYA_SCENE, submit

from rayvision_cli import exit_codes
from rayvision_sandbox import Sandbox


def test_config_create_list_show_delete_never_show_the_key(cli, farm, sandbox_profile):
    mode = stat.S_IMODE(os.stat(cli.config_file).st_mode)
    assert mode == 0o600
    stored = configparser.ConfigParser(interpolation=None)
    stored.read(cli.config_file)
    assert stored["sandbox"]["access_key"] == farm.access_key
    listing = cli("config", "list")
    assert listing.code == 0 and "sandbox" in listing.out and farm.domain in listing.out
    shown = cli("config", "show", "sandbox")
    assert shown.code == 0 and "access_key = ****" in shown.out
    assert farm.access_key not in shown.out + shown.err
    assert cli("config", "path").out.strip() == cli.config_file
    as_json = cli("--json", "config", "show", "sandbox").events()
    result = [e for e in as_json if e["event"] == "result"][0]
    assert result["settings"]["access_key"] == "****"
    assert cli("config", "delete", "sandbox").code == 0
    missing = cli("config", "show", "sandbox")
    assert missing.code == exit_codes.CONFIG
    assert len(missing.err.strip().splitlines()) == 1 and "no profile 'sandbox'" in missing.err


def test_analyse_prints_the_summary(cli, sandbox_profile):
    result = cli("analyse", MAYA_SCENE)
    assert result.code == 0, result
    assert "layer:      background  frames 1-5[1]" in result.out
    assert "(maya, static reader)" in result.out
    found = [e for e in cli("--json", "analyse", MAYA_SCENE).events() if e["event"] == "result"]
    assert found[0]["dcc"] == "maya" and found[0]["assets"] > 0
    assert os.path.isfile(found[0]["task_json"])


def test_analyse_of_an_unknown_scene_type_is_one_line(cli, tmp_path):
    scene = tmp_path / "scene.blend"
    scene.write_text("x")
    result = cli("analyse", str(scene))
    assert result.code == exit_codes.CONFIG
    assert result.err.strip().count("\n") == 0 and "unknown scene type '.blend'" in result.err


def test_submit_status_wait_download(cli, farm, sandbox_profile, tmp_path):
    task_id = submit(cli)
    assert task_id.isdigit()
    waited = cli("--profile", "sandbox", "wait", task_id, "--interval", "0.2")
    assert waited.code == exit_codes.OK, waited
    assert waited.out.strip() == "{0} Done".format(task_id)
    status = cli("--profile", "sandbox", "status", task_id)
    line = [row for row in status.out.splitlines() if row.startswith(task_id)][0]
    assert "Done" in line and "3/3" in line and "muti_layer_test.ma" in line
    listing = cli("--profile", "sandbox", "tasks", "--status", "done")
    assert task_id in listing.out
    dest = tmp_path / "frames"
    downloaded = cli("--profile", "sandbox", "download", task_id, "--dest", str(dest))
    assert downloaded.code == 0, downloaded
    frames = sorted(name for _, _, names in os.walk(str(dest)) for name in names)
    assert frames.count("muti_layer_test.0001.png") == 2  # frame and its thumbnail
    assert len(frames) == 6


def _submit_to_slow_farm(cli, slow_farm):
    """Save ``slow_farm`` as profile ``slow`` and submit a 50-frame task to it; its id."""
    created = cli("--domain", slow_farm.domain, "--platform", slow_farm.platform,
                  "--protocol", "http", "--access-id", slow_farm.access_id,
                  "--access-key", slow_farm.access_key, "config", "create", "slow")
    assert created.code == 0, created
    return cli("--profile", "slow", "-q", "submit", MAYA_SCENE, "--frames", "1-50",
               "--layers", "background").out.strip()


def test_wait_exit_codes_follow_the_final_status(cli, farm, sandbox_profile, tmp_path):
    farm.faults.set(failing_frames="all")
    failed = submit(cli, frames="1-2")
    result = cli("--profile", "sandbox", "wait", failed, "--interval", "0.2")
    assert result.code in (exit_codes.TASK_FAILED,), result
    farm.faults.clear()
    with Sandbox(data_dir=str(tmp_path / "slow"), seconds_per_frame=5.0) as slow_farm:
        slow = _submit_to_slow_farm(cli, slow_farm)
        timed_out = cli("--profile", "slow", "wait", slow, "--interval", "0.2",
                        "--max-wait", "0.5")
        assert timed_out.code == exit_codes.TIMEOUT, timed_out
        assert cli("--profile", "slow", "stop", slow).code == 0
        stopped = cli("--profile", "slow", "wait", slow, "--interval", "0.2")
        assert stopped.code == exit_codes.TASK_STOPPED, stopped
        assert cli("--profile", "slow", "restart", slow).code == 0
        row = cli("--profile", "slow", "status", slow).out.splitlines()[1]
        assert " Stop " not in row
        assert cli("--profile", "slow", "delete", slow).code == 0


def test_doctor_reports_each_check(cli, farm, sandbox_profile, tmp_path):
    result = cli("--profile", "sandbox", "--json", "doctor", "--dest", str(tmp_path))
    checks = dict((e["name"], e) for e in result.events() if e["event"] == "check")
    assert set(checks) >= {"settings", "network", "tls/clock", "credentials", "records",
                           "transmitter", "permissions", "paths"}
    assert checks["credentials"]["state"] == "ok"
    assert checks["tls/clock"]["state"] == "ok" and "speaks http" in checks["tls/clock"]["detail"]
    assert farm.access_key not in result.out + result.err
    farm.faults.set(clock_skew=900)
    skewed = cli("--profile", "sandbox", "doctor", "--dest", str(tmp_path))
    assert skewed.code == exit_codes.CHECK_FAILED
    clock = [line for line in skewed.out.splitlines() if line.startswith("FAIL  tls/clock")]
    assert clock and "fix the clock" in clock[0], skewed.out
    assert 895 <= int(re.search(r"farm clock \+(\d+) s", clock[0]).group(1)) <= 905, clock[0]
    # the client corrects its signatures by the farm's Date header, so the key still works
    assert [line for line in skewed.out.splitlines() if line.startswith("OK    credentials")], \
        skewed.out


def test_protocol_mismatch_is_one_line_saying_which_to_use(cli, farm, sandbox_profile):
    result = cli("--profile", "sandbox", "--protocol", "https", "status", timeout=120)
    assert result.code == exit_codes.UNREACHABLE
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result
    assert "answers plain http, not https" in lines[0] and "--protocol http" in lines[0]
    assert "Traceback" not in result.err


def test_wrong_port_and_wrong_key(cli, farm, sandbox_profile):
    refused = cli("--profile", "sandbox", "--domain", "127.0.0.1:9", "status")
    assert refused.code == exit_codes.UNREACHABLE
    assert refused.err.strip().count("\n") == 0 and "connection refused" in refused.err
    bad_key = cli("--profile", "sandbox", "--access-key", "0" * 32, "status")
    assert bad_key.code == exit_codes.CONFIG
    assert bad_key.err.strip().count("\n") == 0 and "access_key" in bad_key.err


def test_debug_shows_the_traceback(cli, farm, sandbox_profile):
    result = cli("--profile", "sandbox", "--domain", "127.0.0.1:9", "--debug", "status")
    assert result.code == exit_codes.UNREACHABLE
    assert "Traceback (most recent call last)" in result.err


def test_usage_errors_exit_2_and_help_shows_defaults(cli):
    assert cli("wait").code == exit_codes.USAGE
    assert cli().code == exit_codes.USAGE
    helped = cli("sync-output", "--help")
    assert helped.code == 0 and "(default: 10.0)" in helped.out


def test_environment_beats_profile_and_argument_beats_environment(cli, farm, sandbox_profile):
    cli.env["RAYVISION_DOMAIN"] = "127.0.0.1:9"
    assert cli("--profile", "sandbox", "status").code == exit_codes.UNREACHABLE
    assert cli("--profile", "sandbox", "--domain", farm.domain, "status").code == 0
    del cli.env["RAYVISION_DOMAIN"]
    cli.env["RAYVISION_PROFILE"] = "sandbox"
    assert cli("status").code == 0


def _submitted_task_ids(farm):
    """The farm's task list: submitted tasks only, as the real farm lists them."""
    items = (_api(farm).query.get_task_list(page_num=1, page_size=100) or {}).get("items")
    return set(str(item["id"]) for item in items or [])


def _api(farm):
    from rayvision_api import RayvisionAPI

    return RayvisionAPI(**farm.api_kwargs())


def test_submit_killed_during_upload_is_finished_with_task_id_and_never_twice(
        cli, farm, sandbox_profile):
    before = _submitted_task_ids(farm)
    farm.faults.set(latency=0.3)
    process = cli.popen("--profile", "sandbox", "--json", "submit", MAYA_SCENE,
                        "--frames", "1-2", "--layers", "background")
    task_id = None
    for line in process.stdout:
        event = json.loads(line)
        if event["event"] == "phase" and event["phase"] == "upload":
            task_id = event["task_id"]
            process.kill()  # the Worker dies with the task created, nothing submitted
            break
    process.communicate()
    farm.faults.clear()
    (created,) = _api(farm).query.task_info([int(task_id)])["items"]
    assert created.get("submitDate") is None

    resumed = cli("--profile", "sandbox", "--json", "submit", MAYA_SCENE, "--frames", "1-2",
                  "--layers", "background", "--task-id", task_id)
    assert resumed.code == exit_codes.OK, resumed
    (result,) = [e for e in resumed.events() if e["event"] == "result"]
    assert (result["task_id"], result["resumed"]) == (task_id, True)
    again = cli("--profile", "sandbox", "--json", "submit", MAYA_SCENE, "--task-id", task_id)
    assert again.code == exit_codes.OK, again
    assert [e["phase"] for e in again.events() if e["event"] == "phase"] == []
    assert _submitted_task_ids(farm) - before == {task_id}


def test_submit_with_an_unknown_task_id_is_one_line(cli, farm, sandbox_profile):
    result = cli("--profile", "sandbox", "submit", MAYA_SCENE, "--task-id", "99999999")
    assert result.code == exit_codes.ERROR, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "task 99999999 not found" in lines[0], result


def test_passwords_in_the_profiles_urls_are_never_shown(cli, farm, tmp_path):
    # record_store and proxy are URLs that may carry a password (docs/configuration.md).
    created = cli("--domain", farm.domain, "--platform", farm.platform, "--protocol", "http",
                  "--access-id", farm.access_id, "--json", "config", "create", "secret",
                  "--access-key-stdin", "--record-store", "redis://:r3dis-pw@127.0.0.1:9/0",
                  "--proxy", "http://studio:pr0xy-pw@127.0.0.1:9", input=farm.access_key + "\n")
    assert created.code == 0, created
    shown = cli("config", "show", "secret")
    as_json = cli("--json", "config", "show", "secret")
    doctor = cli("--profile", "secret", "doctor", "--dest", str(tmp_path))
    for result in (created, shown, as_json, doctor):
        for secret in ("r3dis-pw", "pr0xy-pw", farm.access_key):
            assert secret not in result.out + result.err, result
    assert "record_store = redis://:****@127.0.0.1:9/0" in shown.out
    assert "proxy = http://studio:****@127.0.0.1:9" in shown.out


def test_bad_transfer_settings_of_the_profile_exit_3_before_any_work(cli, farm, tmp_path):
    for name, option, value in (("w", "--workers", "four"), ("s", "--max-speed", "fast")):
        created = cli("--domain", farm.domain, "--platform", farm.platform, "--protocol",
                      "http", "--access-id", farm.access_id, "config", "create", name,
                      "--access-key-stdin", option, value, input=farm.access_key + "\n")
        assert created.code == 0, created
        setting = option[2:].replace("-", "_")
        runs = (("download", "1", "--dest", str(tmp_path / "d")),
                ("sync-output", "1", "--dest", str(tmp_path / "s"), "--interval", "0.1"),
                ("submit", MAYA_SCENE, "--frames", "1-2"))
        for command in runs:
            result = cli("--profile", name, "--json", *command, timeout=60)
            assert result.code == exit_codes.CONFIG, result
            lines = result.err.strip().splitlines()
            assert len(lines) == 1 and setting in lines[0] and repr(value) in lines[0], result
            # Refused before anything was analysed, created or sent.
            assert [e for e in result.events() if e["event"] == "phase"] == [], result



def test_download_of_an_unknown_task_is_an_error_not_zero_files(cli, farm, sandbox_profile,
                                                                tmp_path):
    # A mistyped task id in a render-manager job must not pass as "downloaded 0 files".
    result = cli("--profile", "sandbox", "download", "99999999", "--dest", str(tmp_path))
    assert result.code == exit_codes.ERROR, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "task 99999999 not found" in lines[0], result
    assert "downloaded" not in result.out


def test_wait_max_wait_is_kept_with_a_long_interval(cli, tmp_path):
    import time

    with Sandbox(data_dir=str(tmp_path / "slow"), seconds_per_frame=5.0) as slow_farm:
        slow = _submit_to_slow_farm(cli, slow_farm)
        started = time.monotonic()
        # A render manager's time limit: the poll interval must not stretch it.
        timed_out = cli("--profile", "slow", "wait", slow, "--interval", "60",
                        "--max-wait", "1")
        elapsed = time.monotonic() - started
        assert timed_out.code == exit_codes.TIMEOUT, timed_out
        assert elapsed < 15, elapsed
        assert cli("--profile", "slow", "delete", slow).code == 0


def test_task_arguments_without_an_id_are_refused_before_asking_the_farm(cli, farm,
                                                                         sandbox_profile,
                                                                         tmp_path):
    # "rayvision stop $IDS" with an empty or comma-only $IDS must not send stopTask.
    for command in (("stop", ","), ("delete", " "), ("restart", ","), ("status", ","),
                    ("download", ",", "--dest", str(tmp_path)), ("wait", ",")):
        result = cli("--profile", "sandbox", *command)
        assert result.code == exit_codes.CONFIG, (command, result)
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and "no task id" in lines[0], (command, result)


def test_a_bad_db_config_ini_is_a_config_error(cli, farm, tmp_path):
    # docs/cli.md: a configuration file at fault exits 3; the profile's record_store names a
    # db_config.ini that lacks its [DATABASE_CONFIG] section (DbConfigError).
    bad = tmp_path / "db_config.ini"
    bad.write_text("[SQLITE]\ntemporary = false\n")
    created = cli("--domain", farm.domain, "--platform", farm.platform, "--protocol", "http",
                  "--access-id", farm.access_id, "config", "create", "sandbox",
                  "--access-key-stdin", "--workspace", os.path.join(cli.home, "ws"),
                  "--record-store", str(bad), input=farm.access_key + "\n")
    assert created.code == 0, created
    result = cli("--profile", "sandbox", "--json", "submit", MAYA_SCENE, "--frames", "1-2",
                 "--layers", "background")
    assert result.code == exit_codes.CONFIG, result
    error = [e for e in result.events() if e["event"] == "error"][-1]
    assert error["code"] == 200031 and error["kind"] == "argument"
    assert str(bad) in error["message"] and "is missing" in error["message"]


def _command_names():
    from rayvision_cli.main import build_parser

    parser = build_parser()
    commands = [action for action in parser._actions if action.dest == "command"][0]
    return sorted(commands.choices)


def test_help_states_each_default_once(cli):
    # A help text that names its own default must not get the formatter's one as well
    # ('(default <dest>/.rayvision-sync) (default: None)').
    cli.env["COLUMNS"] = "400"  # one line per option: each line is one option's help
    for name in _command_names():
        helped = cli(name, "--help")
        assert helped.code == 0, helped
        for line in helped.out.splitlines():
            own, added, _ = line.rpartition("(default: ")
            assert not (added and "default" in own), (name, line)
    assert "(default: 10.0)" in cli("sync-output", "--help").out


def test_a_record_store_neither_redis_nor_ini_exits_3_before_any_work(cli, farm, tmp_path):
    # A sqlite file, a folder, a mistyped URL: each used to be ignored without a word (the
    # records went to the default store instead of the one the profile names).
    values = ((str(tmp_path / "records.db"),) * 2, (str(tmp_path),) * 2,
              ("redis:/:s3cret-pw@127.0.0.1:9/0", "redis:****@127.0.0.1:9/0"))
    for index, (value, shown) in enumerate(values):
        name = "r{0}".format(index)
        created = cli("--domain", farm.domain, "--platform", farm.platform, "--protocol",
                      "http", "--access-id", farm.access_id, "config", "create", name,
                      "--access-key-stdin", "--record-store", value,
                      input=farm.access_key + "\n")
        assert created.code == 0, created
        runs = (("download", "1", "--dest", str(tmp_path / "d")),
                ("sync-output", "1", "--dest", str(tmp_path / "s"), "--interval", "0.1"),
                ("submit", MAYA_SCENE, "--frames", "1-2"))
        for command in runs:
            result = cli("--profile", name, "--json", *command, timeout=60)
            assert result.code == exit_codes.CONFIG, result
            lines = result.err.strip().splitlines()
            assert len(lines) == 1 and "record_store of profile {0!r}".format(name) in lines[0]
            assert repr(shown) in lines[0], result
            assert "s3cret-pw" not in result.out + result.err
            assert [e for e in result.events() if e["event"] == "phase"] == [], result
        doctor = cli("--profile", name, "--json", "doctor", "--dest", str(tmp_path / "d"))
        records = [e for e in doctor.events() if e.get("name") == "records"][0]
        assert records["state"] == "fail" and repr(shown) in records["detail"], doctor
        assert "s3cret-pw" not in doctor.out + doctor.err


def test_a_store_option_that_is_not_a_redis_url_exits_3(cli, farm, sandbox_profile, tmp_path):
    result = cli("--profile", "sandbox", "sync-output", "1", "--dest", str(tmp_path),
                 "--store", str(tmp_path / "state.ini"))
    assert result.code == exit_codes.CONFIG, result
    assert "--store must be a redis URL" in result.err and "state.ini" in result.err


def _ipv6_loopback_or_skip():
    import socket

    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    probe = socket.socket(socket.AF_INET6)
    try:
        probe.bind(("::1", 0))
    except OSError:
        pytest.skip("no IPv6 loopback on this machine")
    return probe


def _loopback(family):
    """A socket bound on the loopback of ``family`` (``"ipv4"`` or ``"ipv6"``), and its host
    as a URL writes it."""
    import socket

    if family == "ipv6":
        return _ipv6_loopback_or_skip(), "[::1]"
    probe = socket.socket(socket.AF_INET)
    probe.bind(("127.0.0.1", 0))
    return probe, "127.0.0.1"


def _event_time(event):
    import datetime

    return datetime.datetime.strptime(event["time"], "%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.parametrize("family", ["ipv4", "ipv6"])
def test_doctor_redis_check_ends_when_redis_never_answers(cli, farm, tmp_path, family):
    from rayvision_cli.commands.doctor import REDIS_TIMEOUT

    silent, host = _loopback(family)  # accepts connections (backlog), never answers
    silent.listen(4)
    port = silent.getsockname()[1]
    try:
        created = cli("--domain", farm.domain, "--platform", farm.platform, "--protocol",
                      "http", "--access-id", farm.access_id, "config", "create", "silent",
                      "--access-key-stdin", "--record-store",
                      "redis://:pw-of-redis@{0}:{1}/0".format(host, port),
                      input=farm.access_key + "\n")
        assert created.code == 0, created
        result = cli("--profile", "silent", "--json", "doctor", "--dest", str(tmp_path),
                     timeout=60)
    finally:
        silent.close()
    checks = dict((e["name"], e) for e in result.events() if e["event"] == "check")
    records = checks["records"]
    assert records["state"] == "fail", result
    assert "{0}:{1}".format(host, port) in records["detail"], records
    assert "no answer within {0:g} s".format(REDIS_TIMEOUT) in records["detail"], records
    waited = (_event_time(records) - _event_time(checks["credentials"])).total_seconds()
    assert REDIS_TIMEOUT - 0.5 <= waited < REDIS_TIMEOUT + 1.8, waited
    assert "pw-of-redis" not in result.out + result.err
    assert checks["credentials"]["state"] == "ok"


def test_doctor_reaches_a_bracketed_ipv6_domain(cli, farm, tmp_path):
    import http.server
    import socket
    import threading

    _ipv6_loopback_or_skip().close()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)  # with a Date header
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    class Server(http.server.ThreadingHTTPServer):
        address_family = socket.AF_INET6

    server = Server(("::1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    domain = "[::1]:{0}".format(server.server_address[1])
    try:
        result = cli("--domain", domain, "--protocol", "http", "--access-id", "x",
                     "--access-key", "y", "--json", "doctor", "--dest", str(tmp_path),
                     timeout=60)
    finally:
        server.shutdown()
        server.server_close()
    checks = dict((e["name"], e) for e in result.events() if e["event"] == "check")
    assert checks["network"]["state"] == "ok", checks["network"]
    assert checks["network"]["detail"].startswith(domain + " answers"), checks["network"]
    assert checks["tls/clock"]["state"] == "ok", checks["tls/clock"]


@pytest.mark.parametrize("domain,expected", [
    ("task.renderbus.com", ("task.renderbus.com", 443)), ("127.0.0.1:8765", ("127.0.0.1", 8765)),
    ("[::1]:6379", ("::1", 6379)), ("[::1]", ("::1", 443)), ("::1", ("::1", 443)),
    ("[fe80::1%eth0]:80", ("fe80::1%eth0", 80))])
def test_doctor_host_port_forms(domain, expected):
    from rayvision_cli.commands.doctor import _host_port

    assert _host_port(domain, "https") == expected
