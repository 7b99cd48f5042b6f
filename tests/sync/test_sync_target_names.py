"""Download names the target folder's file system would store as another name.

Windows drops trailing dots and spaces and opens devices for CON, NUL, AUX, COM1...; a
case-insensitive file system (Windows, macOS, SMB shares) stores ``A.png`` and ``a.png`` as
one file. The rules are pure text (checked here on any machine); whether a download folder
follows them is found by probing it.
"""

import os
import random

import pytest

from rayvision_sync import paths
from rayvision_sync.exception import ListingError, UnsafePathError
from rayvision_sync.http_engine import HttpTransferEngine
from rayvision_sync.paths import (
    TargetRules,
    check_component,
    local_destination,
    probe_target,
    windows_name_problem,
)
from rayvision_sync.upload import RayvisionUpload


@pytest.mark.parametrize("name", ["CON", "con.png", "Nul.exr", "aux.0001.exr", "COM1",
                                  "lpt9.txt", "CONIN$", "com\u00b9.png", "prn .txt",
                                  "shot.", "shot ", "a.. "])
def test_names_windows_would_alter(name):
    assert windows_name_problem(name)
    with pytest.raises(UnsafePathError, match="dot or space|Windows device"):
        check_component(name, "/out/" + name, windows=True)
    with pytest.raises(UnsafePathError):
        local_destination("/tmp/dl", "/out/" + name + "/f.png", "/out", False, windows=True)


@pytest.mark.parametrize("name", ["console.png", "com10.png", "auxiliary.exr", "nul_pass.exr",
                                  "lpt.txt", ".hidden", "a.b", "con-tact.png"])
def test_names_windows_keeps(name):
    assert windows_name_problem(name) is None
    check_component(name, "/out/" + name, windows=True)


@pytest.mark.skipif(os.name == "nt", reason="the Linux and macOS rules")
def test_without_windows_rules_those_names_are_kept(tmp_path):
    for name in ("aux.0001.exr", "shot.", "shot "):
        assert local_destination(str(tmp_path), "/out/" + name, "/out", False,
                                 windows=False) == str(tmp_path / name)


def test_the_probe_says_what_the_folder_does_and_leaves_nothing(tmp_path):
    (tmp_path / "Mixed").write_bytes(b"x")
    insensitive = os.path.exists(str(tmp_path / "mIXED"))
    (tmp_path / "dot.").write_bytes(b"x")
    drops_dots = os.path.exists(str(tmp_path / "dot"))
    before = sorted(os.listdir(str(tmp_path)))
    rules = probe_target(str(tmp_path / "not" / "yet"))  # probes the nearest folder that is
    assert (rules.case_insensitive, rules.windows_names) == (insensitive,
                                                             drops_dots or os.name == "nt")
    assert sorted(os.listdir(str(tmp_path))) == before


def _farm_folder(farm, names):
    out = "/names_{0}".format(random.getrandbits(40))
    for index, name in enumerate(names):
        target = farm.storage_path(farm.access_id, "output", out + "/" + name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as handle:
            handle.write(os.urandom(100 + index))
    return out


def _case_sensitive_posix(tmp_path):
    rules = probe_target(str(tmp_path))
    if rules.case_insensitive or rules.windows_names:
        pytest.skip("this machine's temporary folder is not a case-sensitive POSIX one")


def test_a_case_sensitive_posix_target_keeps_every_name(api, farm, sync_env, tmp_path):
    _case_sensitive_posix(tmp_path)
    names = ["A.png", "a.png", "aux.0001.exr", "shot /f.png", "Shot/f.png"]
    out = _farm_folder(farm, names)
    engine = RayvisionUpload(api).engine
    assert isinstance(engine, HttpTransferEngine)
    result = engine.download("output_bid", out, str(tmp_path / "dl"), keep_path=False)
    assert result.files_transferred == len(names)
    for name in names:
        assert os.path.isfile(str(tmp_path / "dl" / name))


@pytest.mark.parametrize("names,first,second", [
    (["shots/A.png", "shots/a.png"], "shots/A.png", "shots/a.png"),
    (["Shot/f.png", "shot/g.png"], "Shot/f.png", "shot/g.png"),
    (["l1/B", "l1/b/c.png"], "l1/B", "l1/b/c.png")])
def test_a_case_insensitive_target_refuses_names_differing_by_case(
        api, farm, sync_env, tmp_path, monkeypatch, names, first, second):
    # No case-insensitive file system can be mounted here: the probe's answer is given; the
    # probe itself is checked against the real folder above.
    out = _farm_folder(farm, names)
    monkeypatch.setattr(paths, "probe_target", lambda folder: TargetRules(True, False))
    engine = RayvisionUpload(api).engine
    with pytest.raises(ListingError) as info:
        engine.download("output_bid", out, str(tmp_path / "dl"), keep_path=False)
    message = str(info.value)
    assert out + "/" + first in message and out + "/" + second in message
    assert "case" in message
    assert not (tmp_path / "dl").exists() or not os.listdir(str(tmp_path / "dl"))


@pytest.mark.parametrize("name", ["NUL.png", "aux.0001.exr", "shot./f.png", "take /f.png"])
def test_a_windows_style_target_refuses_names_windows_would_alter(
        api, farm, sync_env, tmp_path, monkeypatch, name):
    out = _farm_folder(farm, ["ok.png", name])
    monkeypatch.setattr(paths, "probe_target", lambda folder: TargetRules(True, True))
    engine = RayvisionUpload(api).engine
    with pytest.raises(UnsafePathError) as info:
        engine.download("output_bid", out, str(tmp_path / "dl"), keep_path=False)
    assert out + "/" + name in str(info.value)
    assert not (tmp_path / "dl").exists() or not os.listdir(str(tmp_path / "dl"))


def test_names_needing_no_rule_are_not_probed(api, farm, sync_env, tmp_path, monkeypatch):
    out = _farm_folder(farm, ["a.png", "b/c.png"])

    def no_probe(folder):
        raise AssertionError("probed for names that need no rule")

    monkeypatch.setattr(paths, "probe_target", no_probe)
    result = RayvisionUpload(api).engine.download("output_bid", out, str(tmp_path / "dl"))
    assert result.files_transferred == 2
