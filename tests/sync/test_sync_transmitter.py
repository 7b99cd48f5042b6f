"""The rayvision_transmitter wrapper, run against a stand-in executable with the same contract."""

import json
import os
import sys
import threading
import time

import pytest
from rvsync_helpers import make_file, read, standin_executable, write_upload_json

from helpers.cancelling import CANCEL_BOUND, Canceller, wait_gone
from rayvision_api.cancel import CancelToken
from rayvision_api.exception import RayvisionCancelledError
from rayvision_sync import config
from rayvision_sync.exception import (
    OptionValueError,
    TransferError,
    TransmitterExitError,
    TransmitterNotFoundError,
)
from rayvision_sync.progress import ProgressReporter
from rayvision_sync.transfer import RayvisionTransfer
from rayvision_sync.transmitter import (
    TransmitterEngine,
    build_argv,
    check_exit,
    documented_location,
    find_transmitter,
)
from rayvision_sync.upload import RayvisionUpload

TRANSPORT = {"engine_type": "aspera", "server_name": "CTCC", "server_ip": "45.251.92.29",
             "server_port": "10221"}


def make_transfer(**overrides):
    args = dict(config_bid="54251", input_bid="54252", domain="task.renderbus.com",
                platform="2", local_os="windows", user_id="100093088", output_bid="54253")
    args.update(overrides)
    return RayvisionTransfer(**args)


@pytest.fixture
def standin(tmp_path, monkeypatch):
    root = tmp_path / "standin"
    root.mkdir()
    monkeypatch.setenv("STANDIN_ROOT", str(root))
    monkeypatch.setenv("STANDIN_EXIT_PLAN", str(root / "plan.txt"))
    exe = standin_executable(tmp_path)

    class StandIn(object):
        path = exe
        folder = root

        @staticmethod
        def plan(*codes):
            (root / "plan.txt").write_text("\n".join(str(code) for code in codes))

        @staticmethod
        def calls():
            lines = (root / "calls.jsonl").read_text().splitlines()
            return [json.loads(line) for line in lines]

        @staticmethod
        def stored(storage, path):
            return root / storage / path.strip("/")

    return StandIn


def test_parse_transports_json():
    assert make_transfer().transport_info == TRANSPORT
    fox = make_transfer(domain="jop.foxrenderfarm.com", platform="21")
    assert fox.transport_info["server_ip"] == "render-client.raysync.cn"
    assert fox.transport_info["server_port"] == "12121"
    # The API's default platform '4' (absent from the original map) finds renderbus_www4;
    # a platform without any entry uses 'default' instead of raising KeyError.
    assert make_transfer(platform="4").transport_info["server_port"] == "10621"
    assert make_transfer(platform="99").transport_info["server_ip"] == "render-ct1.raysync.cn"
    assert make_transfer(domain="jop.foxrenderfarm.com", platform="6").transport_info[
        "server_ip"] == "render-ct1.raysync.cn"
    assert make_transfer().parse_transports_json(platform="3")["server_port"] == "10321"


def test_create_argv_documented_order():
    transfer = make_transfer(transmitter_exe="/opt/rv/rayvision_transmitter")
    argv = transfer.create_argv(["upload_files", "D:/work/demo_scenc.mb",
                                 "/D/work/demo_scenc.mb", "1048576", "false", "input_bid"])
    assert argv == ["/opt/rv/rayvision_transmitter", "aspera", "CTCC", "45.251.92.29", "10221",
                    "54252", "100093088", "upload_files", "D:/work/demo_scenc.mb",
                    "/D/work/demo_scenc.mb", "1", "false", "1048576"]
    with_db = transfer.create_argv(["download_files", "/l", "/s", None, "true", "output_bid"],
                                   "/db/db_ini/x.ini")
    assert with_db[5] == "54253" and with_db[-2:] == ["1048576", "/db/db_ini/x.ini"]


def test_create_cmd_has_the_original_form():
    transfer = make_transfer(transmitter_exe="/opt/rv/rayvision_transmitter")
    cmd = transfer.create_cmd(["upload_files", "D:/work/demo_scenc.mb", "/D/work/demo_scenc.mb",
                               "1048576", "false", "input_bid"])
    assert cmd == ('echo y|"/opt/rv/rayvision_transmitter" "aspera" "CTCC" "45.251.92.29" '
                   '"10221" "54252" "100093088" "upload_files" "D:/work/demo_scenc.mb" '
                   '"/D/work/demo_scenc.mb" "1" "false" "1048576" "None" ')
    with_db = transfer.create_cmd(["download_files", "D:/out", "6419169_demo_scenc/layer",
                                   None, "true", "output_bid"], "/db/db_ini/x.ini")
    assert with_db.endswith('"6419169_demo_scenc/layer" "1" "true" "1048576" '
                            '"/db/db_ini/x.ini" ')


def test_bad_cmd_params():
    transfer = make_transfer()
    with pytest.raises(TypeError):
        transfer.create_argv(["upload_files", "a"])
    with pytest.raises(TypeError, match="bid_key|storage id"):
        transfer.create_argv(["upload_files", "a", "b", "1", "false", "secret_bid"])


def test_init_transmitter_locations(tmp_path):
    assert RayvisionTransfer.init_transmitter("/pkg", "windows") == os.path.join(
        "/pkg", "transmission", "windows", "rayvision_transmitter.exe")
    assert RayvisionTransfer.init_transmitter("/pkg", "linux") == os.path.join(
        "/pkg", "transmission", "linux", "rayvision_transmitter")


def test_find_transmitter_priority(tmp_path):
    pkg = tmp_path / "pkg"
    centos = pkg / "transmission" / "centos"
    centos.mkdir(parents=True)
    exe = centos / "rayvision_transmitter"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    # The 1.1.4 layout (centos/) is found when linux/ is empty.
    assert find_transmitter(None, {}, str(pkg), "linux") == str(exe)
    env_exe = tmp_path / "env_tx"
    env_exe.write_text("#!/bin/sh\n")
    env_exe.chmod(0o755)
    env = {"RAYVISION_TRANSMITTER": str(env_exe)}
    assert find_transmitter(None, env, str(pkg), "linux") == str(env_exe)
    assert find_transmitter(str(exe), env, str(pkg), "linux") == str(exe)


def test_missing_transmitter_says_what_to_install(tmp_path):
    with pytest.raises(TransmitterNotFoundError) as info:
        find_transmitter(None, {"RAYVISION_TRANSMITTER": str(tmp_path / "nope")},
                         str(tmp_path), "linux")
    message = str(info.value)
    assert "not installed" in message and "RAYVISION_TRANSMITTER" in message
    assert str(tmp_path / "nope") in message
    assert documented_location(str(tmp_path), "linux") in message


@pytest.mark.parametrize("code,error_code,meaning", [
    (9, 200023, "domain name resolution"), (10, 200022, "retryable"),
    (11, 200025, "cannot be uploaded"), (3, 200024, "argument format"),
    (77, 200020, "unexpected")])
def test_exit_codes_are_typed(code, error_code, meaning):
    with pytest.raises(TransmitterExitError) as info:
        check_exit(code, ["upload file fail: x"], "upload of x")
    assert info.value.returncode == code and info.value.error_code == error_code
    assert meaning in str(info.value) and info.value.messages == ["upload file fail: x"]
    assert isinstance(info.value, TransferError)
    check_exit(0, [], "fine")


def test_engine_runs_standin_and_streams_output(standin, tmp_path, sync_log):
    transfer = make_transfer(transmitter_exe=standin.path)
    engine = TransmitterEngine(transfer, log_dir=str(tmp_path))
    local = make_file(tmp_path / "D" / "a b.png", 100)
    engine.upload_file("config_bid", local, "/123/cfg/a b.png")
    assert read(standin.stored("54251", "/123/cfg/a b.png")) == read(local)
    call = standin.calls()[-1]
    assert call["argv"][:7] == ["aspera", "CTCC", "45.251.92.29", "10221", "54251",
                                "100093088", "upload_files"]
    assert call["stdin"] == "y\n" and call["log"] == str(tmp_path)
    assert "upload {0} ok".format(local) in sync_log.text


def test_engine_download_keep_path(standin, tmp_path):
    target = standin.stored("54253", "/19001_shot/l1/shot.0001.png")
    target.parent.mkdir(parents=True)
    target.write_bytes(b"png")
    engine = TransmitterEngine(make_transfer(transmitter_exe=standin.path))
    engine.download("output_bid", "/19001_shot", str(tmp_path / "keep"), keep_path=True)
    assert (tmp_path / "keep" / "19001_shot" / "l1" / "shot.0001.png").read_bytes() == b"png"
    engine.download("output_bid", "/19001_shot", str(tmp_path / "flat"), keep_path=False)
    assert (tmp_path / "flat" / "l1" / "shot.0001.png").read_bytes() == b"png"


def test_upload_through_transmitter_with_db_ini(api, standin, sync_env, sync_log):
    work = sync_env / "work" / "1586932339"
    files = [make_file(work / "t{0}.png".format(i), 10 + i) for i in range(3)]
    upload_json = write_upload_json(work, [(path, "/D/proj/t{0}.png".format(i))
                                           for i, path in enumerate(files)])
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path)
    upload.retry_delays = (0, 0, 0)
    assert upload.upload_asset(upload_json) is True
    input_bid = api.user_info["input_bid"]
    assert read(standin.stored(input_bid, "/D/proj/t1.png")) == read(files[1])
    call = standin.calls()[-1]
    db_ini = sync_env / "db" / "db_ini" / "1586932339.ini"
    assert call["argv"][6:] == ["upload_file_pairs", upload_json, "/", "1", "false",
                                "1048576", str(db_ini)]
    # The generated ini points the transmitter at this storage's records ...
    records = config.shared_sqlite_file(upload.db_path, upload.trans.domain,
                                        upload.trans.user_id, input_bid, "db")
    assert os.path.dirname(records) == str(sync_env / "db" / "db")
    assert "db_path = {0}".format(records) in db_ini.read_text()
    # ... which it uses to skip unchanged files on the next run, from any analysis folder.
    pairs = [(path, "/D/proj/t{0}.png".format(i)) for i, path in enumerate(files)]
    again = write_upload_json(sync_env / "work" / "1586999999", pairs)
    upload.upload_asset(again)
    assert os.path.exists(records)
    assert "skip unchanged {0}".format(files[2]) in sync_log.text

    upload.upload_asset(upload_json, is_db=False)
    assert len(standin.calls()[-1]["argv"]) == 12  # no database path at all


def test_retryable_code_is_retried_a_bounded_number_of_times(api, standin, sync_env):
    work = sync_env / "w" / "r1"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 5), "/a.png")])
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path)
    upload.retry_delays = (0, 0, 0)
    standin.plan(10, 10)
    assert upload.upload_asset(upload_json)
    assert len(standin.calls()) == 3
    standin.plan(10, 10, 10, 10, 10)
    with pytest.raises(TransmitterExitError) as info:
        upload.upload_asset(upload_json)
    assert info.value.returncode == 10 and len(standin.calls()) == 3 + 4


@pytest.mark.parametrize("code", [9, 11, 2])
def test_final_codes_are_not_retried(api, standin, sync_env, code):
    work = sync_env / "w" / "f1"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 5), "/a.png")])
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path)
    upload.retry_delays = (0, 0, 0)
    standin.plan(code)
    with pytest.raises(TransmitterExitError) as info:
        upload.upload_asset(upload_json)
    assert info.value.returncode == code and len(standin.calls()) == 1


def test_upload_config_through_transmitter(api, standin, sync_env):
    task_json = sync_env / "task.json"
    task_json.write_text("{}")
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path)
    standin.plan(10)
    assert upload.upload_config("19005", [str(task_json)])
    assert read(standin.stored(api.user_info["config_bid"], "/19005/cfg/task.json")) == b"{}"
    standin.plan(*([10] * 10))
    with pytest.raises(TransferError) as info:
        upload.upload_config("19005", [str(task_json)])
    assert info.value.error_code == 20004 and "upload failed" in str(info.value)


def test_transmitter_engine_without_binary_is_clear(api, sync_env, monkeypatch):
    upload = RayvisionUpload(api, engine="transmitter")
    task_json = sync_env / "task.json"
    task_json.write_text("{}")
    with pytest.raises(TransmitterNotFoundError, match="RAYVISION_TRANSMITTER"):
        upload.upload_config("1", [str(task_json)])


def test_create_db_ini_files(api, sync_env, tmp_path, redis_db):
    upload = RayvisionUpload(api)
    path = upload.create_db_ini(r"C:\workspace\1586932339\upload.json")
    assert path == str(sync_env / "db" / "db_ini" / "1586932339.ini")
    text = open(path).read()
    assert "[database]\non = true\nplatform_id = 2\ntype = sqlite\n" in text
    # Every analysis folder's ini names the same records of this user's storage: a scene
    # re-analysed into a new folder still skips its unchanged files.
    other = open(upload.create_db_ini(r"C:\workspace\1586999999\upload.json")).read()
    database = [line for line in text.splitlines() if line.startswith("db_path = ")]
    assert database and database == [line for line in other.splitlines()
                                      if line.startswith("db_path = ")]
    assert database[0].startswith("db_path = {0}".format(sync_env / "db" / "db"))
    from rayvision_sync.config import PACKAGED_DB_CONFIG

    ini = tmp_path / "r.ini"
    ini.write_text(open(PACKAGED_DB_CONFIG).read().replace("type = sqlite", "type = redis"))
    assert RayvisionUpload(api, db_config_path=str(ini)).create_db_ini(
        "/w/1/upload.json").endswith("db_redis.ini")
    ini.write_text(open(PACKAGED_DB_CONFIG).read().replace("type = sqlite", "type = mysql"))
    from rayvision_sync.exception import UnsupportedDatabaseError

    with pytest.raises(UnsupportedDatabaseError):
        RayvisionUpload(api, db_config_path=str(ini)).create_db_ini("/w/1/upload.json")


def test_transfer_log_path_not_written_to_machine_environment(api, sync_env, monkeypatch):
    monkeypatch.delenv("RAYVISION_LOG")
    upload = RayvisionUpload(api)
    assert upload.transfer_log_path == str(sync_env / "home" / "renderfarm_sdk")
    assert "RAYVISION_LOG" not in os.environ
    assert upload.check_transfer_log_path(str(sync_env / "log")) == str(sync_env / "log")


def test_build_argv_omits_none_db():
    argv = build_argv("x", TRANSPORT, "1", "2", "upload_files", "a", "b")
    assert argv[-1] == "1048576" and "None" not in argv


def test_transmitter_counts_it_cannot_know_are_none_and_events_are_ordered(api, standin,
                                                                            sync_env):
    work = sync_env / "work" / "truth"
    files = [make_file(work / "t{0}.png".format(i), 10 + i) for i in range(3)]
    upload_json = write_upload_json(work, [(path, "/D/truth/t{0}.png".format(i))
                                           for i, path in enumerate(files)])
    events = []
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path,
                             progress_callback=events.append)
    upload.upload_asset(upload_json)
    result = upload.last_result
    # With records the transmitter skips unchanged files without saying which.
    assert result.files_total == 3
    assert (result.files_transferred, result.files_skipped, result.bytes_transferred) == (
        None, None, None)
    assert [event.kind for event in events][-1] == "job_done"
    upload.upload_asset(upload_json, is_db=False)
    assert (upload.last_result.files_transferred, upload.last_result.files_skipped) == (3, 0)


def test_transmitter_single_file_events_arrive_before_done(standin, tmp_path):
    engine = TransmitterEngine(make_transfer(transmitter_exe=standin.path))
    events = []
    from rayvision_sync.progress import ProgressReporter

    local = make_file(tmp_path / "a.png", 100)
    result = engine.upload_file("config_bid", local, "/1/cfg/a.png",
                                progress=ProgressReporter("upload", events.append, False))
    kinds = [event.kind for event in events]
    assert kinds.index("file_done") < kinds.index("job_done") == len(kinds) - 1
    assert (result.files_total, result.files_transferred, result.bytes_transferred) == (
        1, 1, 100)
    download = engine.download("output_bid", "19001_shot", str(tmp_path / "dl"))
    assert download.files_total is None and download.files_transferred is None


def test_transmitter_download_passes_the_remote_path_verbatim(api, standin, sync_env):
    from rayvision_sync.download import RayvisionDownload

    download = RayvisionDownload(api, engine="transmitter", transmitter_exe=standin.path)
    download.download(server_path="6419169_demo_scenc/l_ayer2",
                      local_path=str(sync_env / "dl"))
    assert standin.calls()[-1]["argv"][6:9] == ["download_files", str(sync_env / "dl"),
                                                "6419169_demo_scenc/l_ayer2"]
    assert download.last_result is not None and download.last_result.files_transferred is None


def test_transmitter_failure_lines_become_failures(api, standin, sync_env):
    work = sync_env / "w" / "fails"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 5), "/a.png")])
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path)
    upload.retry_delays = ()
    standin.plan(11)
    events = []
    upload.progress_callback = events.append
    with pytest.raises(TransmitterExitError):
        upload.upload_asset(upload_json)
    kinds = [event.kind for event in events]
    assert "file_failed" in kinds and kinds[-1] == "job_done"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_cancel_kills_the_transmitter_and_its_children(tmp_path):
    pids = tmp_path / "pids.txt"
    exe = tmp_path / "slow_transmitter"
    exe.write_text("#!{0}\n".format(sys.executable) + (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n"
        "open({0!r}, 'w').write('%d %d' % (os.getpid(), child.pid))\n"
        "os.rename({0!r}, {1!r})\n"
        "time.sleep(120)\n").format(str(pids) + ".tmp", str(pids)))
    exe.chmod(0o755)
    engine = TransmitterEngine(make_transfer(transmitter_exe=str(exe)), log_dir=str(tmp_path))
    local = make_file(tmp_path / "a.png", 100)
    token = CancelToken()
    canceller = Canceller(token, pids.exists)
    with pytest.raises(RayvisionCancelledError) as info:
        engine.upload_file("config_bid", local, "/1/cfg/a.png",
                           progress=ProgressReporter("upload", show=False, cancel_token=token))
    assert canceller.seconds_to(time.monotonic()) < CANCEL_BOUND
    assert info.value.what == "upload of {0}".format(local)
    assert wait_gone([int(pid) for pid in pids.read_text().split()]) == []


def test_transmitter_failure_is_the_last_result(api, standin, sync_env):
    # "last_result is set on every path": a failed run leaves its own counts, not the
    # previous run's.
    work = sync_env / "w" / "fails2"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 5), "/a.png")])
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path)
    upload.retry_delays = ()
    upload.upload_asset(upload_json, is_db=False)
    assert upload.last_result.failures == []
    standin.plan(11)
    with pytest.raises(TransmitterExitError):
        upload.upload_asset(upload_json)
    assert upload.last_result.failures and upload.last_result.files_transferred is None


def test_retry_wait_ends_on_a_cancel_token_given_by_position(api, standin, sync_env):
    work = sync_env / "w" / "r2"
    upload_json = write_upload_json(work, [(make_file(work / "a.png", 5), "/a.png")])
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path)
    upload.retry_delays = (30, 30)
    standin.plan(10, 10, 10)
    token = CancelToken()
    threading.Timer(0.5, token.cancel, ("host asked",)).start()
    started = time.monotonic()
    with pytest.raises(RayvisionCancelledError):
        # upload_asset(upload_json_path, max_speed, is_db, verify, cancel_token)
        upload.upload_asset(upload_json, None, True, None, token)
    assert time.monotonic() - started < 10


def test_transmitter_download_refuses_strict(api, standin, sync_env):
    # The transmitter verifies nothing the caller can see (it reports no digests): strict
    # cannot be honoured, and is refused before anything runs.
    from rayvision_api.exception import RayvisionArgumentError
    from rayvision_sync.download import RayvisionDownload

    download = RayvisionDownload(api, engine="transmitter", transmitter_exe=standin.path)
    with pytest.raises(RayvisionArgumentError, match="strict"):
        download.download(server_path="6419169_demo_scenc/l_ayer2",
                          local_path=str(sync_env / "dl"), strict=True)
    assert not (standin.folder / "calls.jsonl").exists()
    download.download(server_path="6419169_demo_scenc/l_ayer2", local_path=str(sync_env / "dl"),
                      strict=False)
    assert standin.calls()[-1]["argv"][6] == "download_files"


@pytest.mark.parametrize("value", ["nan", "inf", "-1"])
def test_a_max_speed_that_is_not_a_finite_rate_never_reaches_the_transmitter(
        api, standin, sync_env, value):
    work = sync_env / "work" / "1586932339"
    upload_json = write_upload_json(work, [(make_file(work / "t.png", 10), "/D/proj/t.png")])
    upload = RayvisionUpload(api, engine="transmitter", transmitter_exe=standin.path)
    upload.retry_delays = (0, 0, 0)
    with pytest.raises(OptionValueError, match="max_speed.*{0}".format(value)):
        upload.upload_asset(upload_json, max_speed=value)
    assert not (standin.folder / "calls.jsonl").exists()


@pytest.mark.parametrize("engine", ["transmitter", "http"])
def test_an_empty_on_means_the_documented_true_for_both_engines(api, standin, sync_env,
                                                                sync_log, engine):
    # docs/sync.md: `on` defaults to true; an empty value is that default, as the HTTP
    # engine's record store always read it (the transmitter's ini said `on = `, off).
    ini = sync_env / "db_config.ini"
    ini.write_text(open(config.PACKAGED_DB_CONFIG, encoding="utf-8").read().replace(
        "on = true", "on ="), encoding="utf-8")
    assert config.load_db_config(str(ini))[3]["on"] == ""
    work = sync_env / "work" / "1586932339"
    files = [make_file(work / "e{0}.png".format(i), 10 + i) for i in range(2)]
    upload_json = write_upload_json(work, [(path, "/D/empty_on/e{0}.png".format(i))
                                           for i, path in enumerate(files)])
    upload = RayvisionUpload(api, db_config_path=str(ini), engine=engine,
                             transmitter_exe=standin.path)
    upload.retry_delays = (0, 0, 0)
    upload.upload_asset(upload_json)
    upload.upload_asset(upload_json)
    if engine == "transmitter":
        assert "on = true" in (sync_env / "db" / "db_ini" / "1586932339.ini").read_text()
        assert "skip unchanged {0}".format(files[1]) in sync_log.text
    else:
        assert upload.last_result.files_skipped == 2
