"""Profiles: where the file lives, how it is written, the credential chain, the network
settings reaching the storage sessions."""

import os
import stat
import sys

import pytest

from rayvision_api import RayvisionAPI, profiles
from rayvision_api.exception import RayvisionArgumentError


@pytest.fixture
def config_file(tmp_path, monkeypatch):
    path = str(tmp_path / "cfg" / "config.ini")
    monkeypatch.setenv(profiles.ENV_CONFIG_FILE, path)
    for name in list(os.environ):
        if name.startswith("RAYVISION_") and name not in (profiles.ENV_CONFIG_FILE,
                                                          "RAYVISION_LOG_ROOT"):
            monkeypatch.delenv(name)
    return path


def test_config_dir_honours_xdg_appdata_and_macos():
    assert profiles.config_dir({"HOME": "/h"}, "linux") == "/h/.config/rayvision"
    assert profiles.config_dir({"HOME": "/h", "XDG_CONFIG_HOME": "/x"}, "linux") == \
        "/x/rayvision"
    assert profiles.config_dir({"APPDATA": "C:\\Users\\u\\AppData\\Roaming"}, "win32") == \
        os.path.join("C:\\Users\\u\\AppData\\Roaming", "rayvision")
    assert profiles.config_dir({"HOME": "/Users/u"}, "darwin") == \
        "/Users/u/Library/Application Support/rayvision"
    assert profiles.config_path({"RAYVISION_CONFIG_FILE": "/c.ini"}) == "/c.ini"


@pytest.mark.skipif(sys.platform.startswith("win"), reason="POSIX file modes")
def test_file_is_written_0600_atomically_and_keeps_other_profiles(config_file):
    profiles.save_profile("a", {"domain": "a.example", "access_key": "k%1"})
    profiles.save_profile("b", {"domain": "b.example"})
    profiles.save_profile("a", {"platform": "2"})
    assert stat.S_IMODE(os.stat(config_file).st_mode) == 0o600
    stored = profiles.load_profiles()
    assert stored["a"] == {"domain": "a.example", "access_key": "k%1", "platform": "2"}
    assert stored["b"] == {"domain": "b.example"}
    assert [name for name in os.listdir(os.path.dirname(config_file))] == ["config.ini"]
    assert profiles.redacted(stored["a"])["access_key"] == "****"
    profiles.delete_profile("b")
    assert sorted(profiles.load_profiles()) == ["a"]


def test_bad_input_is_named(config_file):
    with pytest.raises(RayvisionArgumentError) as unknown:
        profiles.save_profile("a", {"colour": "red"})
    assert "colour" in str(unknown.value)
    with pytest.raises(RayvisionArgumentError) as missing:
        profiles.get_profile("nope")
    assert "nope" in str(missing.value) and config_file in str(missing.value)
    os.makedirs(os.path.dirname(config_file), exist_ok=True)
    with open(config_file, "w") as handle:
        handle.write("not ini at all\n")
    with pytest.raises(RayvisionArgumentError) as broken:
        profiles.load_profiles()
    assert config_file in str(broken.value)


def test_chain_argument_over_environment_over_profile(config_file, monkeypatch):
    profiles.save_profile("p", {"domain": "profile.example", "platform": "9",
                                "access_id": "pid", "access_key": "pkey"})
    defaults = {"domain": "task.renderbus.com", "platform": "4", "protocol": "https"}
    given = {"domain": "task.renderbus.com", "platform": "4", "protocol": "https",
             "access_id": None, "access_key": None}
    chosen = profiles.resolve(given, "p", defaults)
    assert (chosen["domain"], chosen["platform"], chosen["access_id"]) == (
        "profile.example", "9", "pid")
    monkeypatch.setenv("RAYVISION_DOMAIN", "env.example")
    monkeypatch.setenv("RAYVISION_ACCESS_ID", "eid")
    chosen = profiles.resolve(given, "p", defaults)
    assert (chosen["domain"], chosen["access_id"], chosen["access_key"]) == (
        "env.example", "eid", "pkey")
    chosen = profiles.resolve(dict(given, domain="arg.example"), "p", defaults)
    assert chosen["domain"] == "arg.example"
    monkeypatch.setenv("RAYVISION_PROFILE", "p")
    assert profiles.resolve(given, None, defaults)["platform"] == "9"
    assert profiles.resolve(given, False, defaults)["platform"] == "4"


def test_key_from_command_never_in_the_message(config_file):
    command = "{0} -c \"print('from-vault')\"".format(sys.executable)
    profiles.save_profile("v", {"domain": "d", "access_id": "i", "access_key_command": command})
    assert profiles.resolve({"access_key": None}, "v")["access_key"] == "from-vault"
    failing = "{0} -c \"import sys; print('secret'); sys.exit(3)\"".format(sys.executable)
    profiles.save_profile("f", {"access_key_command": failing})
    with pytest.raises(RayvisionArgumentError) as info:
        profiles.resolve({"access_key": None}, "f")
    assert "exited with code 3" in str(info.value) and "secret" not in str(info.value)


def test_build_session_carries_proxy_and_ca_bundle(tmp_path):
    assert profiles.build_session({"domain": "d"}) is None
    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    session = profiles.build_session({"proxy": "http://proxy:3128", "ca_bundle": str(bundle)})
    assert session.proxies == {"http": "http://proxy:3128", "https": "http://proxy:3128"}
    assert session.verify == str(bundle)
    with pytest.raises(RayvisionArgumentError) as info:
        profiles.build_session({"ca_bundle": str(tmp_path / "missing.pem")})
    assert "missing.pem" in str(info.value)


def test_rayvision_api_profile_settings_reach_the_storage_sessions(config_file,
                                                                    rayvision_sandbox,
                                                                    tmp_path):
    from rayvision_sync.engine import select_engine
    from rayvision_sync.transfer import RayvisionTransfer
    from rayvision_sync.utils import create_transfer_params

    bundle = tmp_path / "ca.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n")
    profiles.save_profile("sandbox", dict(rayvision_sandbox.api_kwargs(),
                                          ca_bundle=str(bundle)))
    api = RayvisionAPI(profile="sandbox", backoff_factor=0.01)
    assert api.user_info["user_name"]  # logged in with the profile's farm and key
    assert api.connect.session.verify == str(bundle)
    transfer = RayvisionTransfer(**create_transfer_params(api))
    engine = select_engine(api, transfer, "http")
    # A proxy set on the API's session (by a profile, or by the caller) is the storage's too.
    api.connect.session.proxies.update({"http": "http://proxy.example:3128"})
    storage_session = engine.client.session()
    assert storage_session.verify == str(bundle)
    assert storage_session.proxies["http"] == "http://proxy.example:3128"
