"""upload_demo, download_demo and the API tour, run as scripts."""

import re

from rayvision_api import RayvisionAPI
from rayvision_api.operations import OPERATIONS


def result_line(run, prefix):
    lines = [line for line in run.stdout.splitlines() if line.startswith(prefix)]
    assert lines, "no line {0!r} in:\n{1}".format(prefix, run.stdout)
    return lines[-1]


def counts(line):
    return dict((key, int(value)) for key, value in re.findall(r"(\w+)=(\d+)", line))


def test_upload_demo_both_methods_and_the_record_database(run_example, tmp_path):
    run = run_example("upload_demo.py", "--workspace", tmp_path / "ws").check()
    first = counts(result_line(run, "1. upload():"))
    assert (first["files_total"], first["files_transferred"], first["failures"]) == (8, 8, 0)
    forced = counts(result_line(run, "2. upload_asset(is_db=False):"))
    assert (forced["files_transferred"], forced["files_skipped"]) == (8, 0)
    assert "2. upload_config(): 3 json files in /" in run.stdout
    fresh = counts(result_line(run, "3. first upload_asset():"))
    assert (fresh["files_transferred"], fresh["files_skipped"]) == (8, 0)
    again = counts(result_line(run, "3. again, nothing changed:"))
    assert (again["files_transferred"], again["files_skipped"],
            again["bytes_transferred"]) == (0, 8, 0)
    # The progress callback saw the json files and every asset arrive.
    assert run.stdout.count("file_done") == 12
    # One record file per user, domain and storage, whatever folder upload.json is in.
    assert len(list((tmp_path / "ws" / "upload_records" / "records").glob("*_input.db"))) == 1


def test_download_demo_three_ways(run_example, tmp_path, listing):
    downloads = tmp_path / "dl"
    run = run_example("download_demo.py", "--download-path", downloads, "--workspace",
                      tmp_path / "ws").check()
    task_id = int(re.search(r"submitted the sample Maya scene as task (\d+)",
                            run.stdout).group(1))
    frames = ["{0}/muti_layer_test.{1:04d}.png".format(layer, n)
              for layer, last in (("background", 5), ("characters", 3))
              for n in range(1, last + 1)]
    with_thumbnails = sorted(frames + ["thumbnail/" + name for name in frames])
    # download_filename_format="false": only the part below the task folder.
    assert listing(downloads / "auto_download") == with_thumbnails
    assert listing(downloads / "after_task_completed") == with_thumbnails
    # "true": the task folder is kept.
    top = "{0}_muti_layer_test/".format(task_id)
    assert listing(downloads / "download") == [top + name for name in with_thumbnails]
    assert listing(downloads / "one_layer") == [top + name for name in frames
                                                if name.startswith("background/")]


def test_download_demo_needs_a_task_on_a_real_farm(rayvision_sandbox, run_example):
    farm = rayvision_sandbox
    run = run_example("download_demo.py", "--domain", farm.domain, "--access-id",
                      farm.access_id, "--access-key", farm.access_key, "--protocol", "http")
    assert run.returncode == 2
    assert "--task-id is needed on a real farm" in run.stderr


def test_api_tour_calls_every_documented_operation(run_example, tmp_path):
    run = run_example("api_demo.py", "--workspace", tmp_path / "ws").check()
    total = len(OPERATIONS)
    assert "{0} of the {0} documented operations called\n".format(total) in run.stdout
    assert "-> error" not in run.stdout
    assert "values not shown" in run.stdout


def test_api_tour_is_read_only_on_a_named_farm(rayvision_sandbox, run_example, tmp_path):
    farm = rayvision_sandbox
    api = RayvisionAPI(**farm.api_kwargs())
    before = (api.tag.get_project_list(), api.env.get_render_env("maya"),
              api.query.get_task_list(page_num=1, page_size=100)["total"],
              api.user.query_user_setting()["taskOverTime"])
    run = run_example("api_demo.py", "--domain", farm.domain, "--access-id", farm.access_id,
                      "--access-key", farm.access_key, "--protocol", "http").check()
    assert "not called (read-only run): " in run.stdout
    for name in ("add_label", "create_task", "add_render_env", "update_user_settings"):
        assert name in result_line(run, "")
    after = (api.tag.get_project_list(), api.env.get_render_env("maya"),
             api.query.get_task_list(page_num=1, page_size=100)["total"],
             api.user.query_user_setting()["taskOverTime"])
    assert after == before
    assert farm.access_key not in run.output
