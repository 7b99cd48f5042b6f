import configparser
import os

import pytest

from rayvision_api.exception import RayvisionError
from rayvision_sync import config
from rayvision_sync.exception import DbConfigError, UnsupportedDatabaseError

INI = """[TRANSFER_LOG_PATH]
transfer_log_path = {log}

[DATABASE_CONFIG]
on = {on}
type = {type}
db_path = {db}

[REDIS]
host = 10.0.0.5
port = {port}
password = s3cret
table_index = 2
timeout = 3000

[SQLITE]
temporary = true
"""


def write_ini(tmp_path, **values):
    fields = dict(log="", on="true", type="sqlite", db="", port="6380")
    fields.update(values)
    path = tmp_path / "db_config.ini"
    path.write_text(INI.format(**fields), encoding="utf-8")
    return str(path)


def test_packaged_defaults():
    log, redis_config, sqlite_config, database_config = config.load_db_config()
    assert log == ""
    assert database_config == {"on": "true", "type": "sqlite", "db_path": ""}
    assert redis_config == {"host": "127.0.0.1", "port": 6379, "password": "",
                            "table_index": "0", "timeout": "5000"}
    assert sqlite_config == {"temporary": "false"}


def test_missing_path_falls_back_to_packaged(tmp_path):
    assert config.load_db_config(str(tmp_path / "nope.ini")) == config.load_db_config(None)


def test_custom_file(tmp_path):
    path = write_ini(tmp_path, type="Redis ", log="/var/log/x", db="/data/db")
    log, redis_config, sqlite_config, database_config = config.load_db_config(path)
    assert log == "/var/log/x"
    assert redis_config["port"] == 6380 and redis_config["table_index"] == "2"
    assert database_config["db_path"] == "/data/db"
    assert config.database_type(database_config) == "redis"
    assert sqlite_config == {"temporary": "true"}


def test_missing_option_is_named(tmp_path):
    path = tmp_path / "db_config.ini"
    path.write_text(INI.format(log="", on="true", type="sqlite", db="", port="1")
                    .replace("timeout = 3000\n", ""), encoding="utf-8")
    with pytest.raises(DbConfigError) as info:
        config.load_db_config(str(path))
    assert "timeout" in str(info.value) and "REDIS" in str(info.value)
    assert isinstance(info.value, RayvisionError)


def test_missing_section_is_named(tmp_path):
    path = tmp_path / "db_config.ini"
    path.write_text("[TRANSFER_LOG_PATH]\ntransfer_log_path =\n", encoding="utf-8")
    with pytest.raises(DbConfigError, match=r"\[DATABASE_CONFIG\]"):
        config.load_db_config(str(path))


def test_bad_port_names_value(tmp_path):
    with pytest.raises(DbConfigError, match="port.*'abc'"):
        config.load_db_config(write_ini(tmp_path, port="abc"))


def test_not_an_ini(tmp_path):
    path = tmp_path / "db_config.ini"
    path.write_text("this is not ini\n", encoding="utf-8")
    with pytest.raises(DbConfigError, match="not a valid ini"):
        config.load_db_config(str(path))


def test_unsupported_database():
    with pytest.raises(UnsupportedDatabaseError) as info:
        config.database_type({"type": "mysql"})
    assert str(info.value.error) == ("mysql is not a supported database, only support "
                                     "'redis' or 'sqlite'")
    assert config.database_type({"type": ""}) == "sqlite"


@pytest.mark.parametrize("value,expected", [("true", True), ("False", False), ("", False),
                                            (" yes ", True)])
def test_parse_bool(value, expected):
    assert config.parse_bool(value, "f", "S", "o") is expected


def test_an_empty_switch_means_its_documented_default():
    assert config.parse_bool("", "f", "DATABASE_CONFIG", "on") is True
    assert config.parse_bool(" ", "f", "SQLITE", "temporary") is False
    assert config.parse_bool("", "f", "S", "o", default=True) is True


def test_parse_bool_rejects():
    with pytest.raises(DbConfigError, match=r"\[SQLITE\] temporary"):
        config.parse_bool("maybe", "db_config.ini", "SQLITE", "temporary")


def exists_in(*paths):
    return lambda path: path in paths


def test_db_dir_priority_ini_first():
    env = {"RAYVISION_DB": "/env/db", "HOME": "/home/u"}
    assert config.resolve_db_dir("/ini/db", "linux", env, exists_in("/ini/db", "/env/db")) \
        == "/ini/db"


def test_db_dir_ini_must_exist():
    env = {"RAYVISION_DB": "/env/db", "HOME": "/home/u"}
    assert config.resolve_db_dir("/ini/db", "linux", env, exists_in("/env/db")) == "/env/db"


def test_db_dir_env_must_exist():
    env = {"RAYVISION_DB": "/env/db", "HOME": "/home/u"}
    assert config.resolve_db_dir("", "linux", env, exists_in()) == "/home/u/renderfarm_sdk"


def test_db_dir_uses_rayvision_db_not_rayvision_log():
    env = {"RAYVISION_LOG": "/env/log", "HOME": "/home/u"}
    assert config.resolve_db_dir("", "linux", env, exists_in("/env/log")) \
        == "/home/u/renderfarm_sdk"


def test_windows_default_dir():
    env = {"USERPROFILE": "C:\\Users\\bob", "HOME": "/home/bob"}
    assert config.resolve_db_dir("", "windows", env, exists_in()) \
        == "C:\\Users\\bob\\renderfarm_sdk"


def test_windows_claim_without_userprofile_uses_home():
    # RayvisionAPI says local_os='windows' by default even on Linux.
    assert config.default_sdk_dir("windows", {"HOME": "/home/bob"}) \
        == "/home/bob/renderfarm_sdk"


def test_windows_ini_path_kept():
    env = {"USERPROFILE": "C:\\Users\\bob"}
    assert config.resolve_db_dir("D:\\rv\\db", "windows", env, exists_in("D:\\rv\\db")) \
        == "D:\\rv\\db"
    assert config.shared_sqlite_file("D:\\rv\\db", "task.renderbus.com", 100093088, 12345,
                                     "db") == "D:\\rv\\db\\db\\100093088_task.renderbus.com" \
                                              "_12345.db"


def test_transfer_log_priority():
    env = {"RAYVISION_LOG": "/env/log", "HOME": "/home/u"}
    assert config.resolve_transfer_log_path("/ini/log", "linux", env,
                                            exists_in("/ini/log", "/env/log")) == "/ini/log"
    assert config.resolve_transfer_log_path("/ini/log", "linux", env,
                                            exists_in("/env/log")) == "/env/log"
    assert config.resolve_transfer_log_path("", "linux", env, exists_in()) \
        == "/home/u/renderfarm_sdk"
    env = {"USERPROFILE": "C:\\Users\\bob"}
    assert config.resolve_transfer_log_path("", "windows", env, exists_in()) \
        == "C:\\Users\\bob\\renderfarm_sdk"


def test_time_temp_of_windows_and_posix():
    assert config.time_temp_of("C:\\workspace\\1586932339\\upload.json") == "1586932339"
    assert config.time_temp_of("/tmp/work/1586932339/upload.json") == "1586932339"
    assert config.db_ini_file_name("sqlite", "/a/b/upload.json") == "b.ini"
    assert config.db_ini_file_name("redis", "/a/b/upload.json") == "db_redis.ini"


def test_render_db_ini_format():
    text = config.render_db_ini({"on": "true", "type": "sqlite"},
                                {"host": "h", "port": 1, "password": "", "table_index": "0",
                                 "timeout": "5000"},
                                {"temporary": "false"}, "2", "/db/db/x.db")
    assert text == ("[database]\non = true\nplatform_id = 2\ntype = sqlite\n\n"
                    "[redis]\nhost = h\nport = 1\npassword = \ntable_index = 0\n"
                    "timeout = 5000\n\n[sqlite]\ndb_path = /db/db/x.db\ntemporary = false\n")
    parser = configparser.ConfigParser()
    parser.read_string(text)
    assert parser.get("sqlite", "db_path") == "/db/db/x.db"


def test_atomic_write_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "b.ini"
    config.atomic_write_text(str(target), u"x = 1\n")
    config.atomic_write_text(str(target), u"x = 2\n")
    assert target.read_text() == "x = 2\n"
    assert os.listdir(str(tmp_path / "a")) == ["b.ini"]


def test_private_files_are_owner_only(tmp_path):
    target = tmp_path / "db_redis.ini"
    config.atomic_write_text(str(target), u"password = x\n", private=True)
    assert (os.stat(str(target)).st_mode & 0o777) == 0o600


def test_redis_config_from_url():
    redis_config_from_url = config.redis_config_from_url
    assert redis_config_from_url("redis://cache.studio:6380/2") == {
        "host": "cache.studio", "port": 6380, "password": "", "table_index": "2",
        "timeout": "5000"}
    assert redis_config_from_url("redis://:p%40ss@10.0.0.5")["password"] == "p@ss"
    assert redis_config_from_url("redis://10.0.0.5")["port"] == 6379
    assert redis_config_from_url("redis://10.0.0.5")["table_index"] == "0"


@pytest.mark.parametrize("url", ["http://host:6379/0", "redis://host:port/0",
                                 "redis://host:6379/zero", "redis://:secret@host:x/1",
                                 "redis:///0"])
def test_redis_url_refused_by_name_without_its_password(url):
    with pytest.raises(DbConfigError) as info:
        config.redis_config_from_url(url)
    assert "record store" in str(info.value) and "secret" not in str(info.value)


@pytest.mark.parametrize("section,option,text", [("DATABASE_CONFIG", "on", "on = flase"),
                                                 ("SQLITE", "temporary", "temporary = ture")])
def test_misspelt_switch_is_refused_when_read(tmp_path, section, option, text):
    # A typo must not silently keep the record database on, nor fail only after the upload.
    path = tmp_path / "db_config.ini"
    original = "on = true" if option == "on" else "temporary = true"
    path.write_text(INI.format(log="", on="true", type="sqlite", db="", port="1")
                    .replace(original, text), encoding="utf-8")
    with pytest.raises(DbConfigError) as info:
        config.load_db_config(str(path))
    message = str(info.value)
    assert str(path) in message and "[{0}] {1}".format(section, option) in message
    assert repr(text.split(" = ")[1]) in message


@pytest.mark.parametrize("value", ["true", "false", "", "0", " Yes ", "off"])
def test_switch_values_that_are_read(tmp_path, value):
    assert config.load_db_config(write_ini(tmp_path, on=value))[3]["on"] == value.strip()
