"""Stand-in for rayvision_transmitter: honours its positional argument contract.

argv: engine_type server_name server_ip server_port storage_id user_id transmit_type
local_path remote_path [max_connect_failure_count] [keep_path] [max_speed] [db_config_path]

"Storage" is the folder ``$STANDIN_ROOT/<storage_id>``. Each run appends its argv, stdin and
RAYVISION_LOG as one JSON line to ``$STANDIN_ROOT/calls.jsonl``. ``$STANDIN_EXIT_PLAN`` names
a file of exit codes, one per line, consumed one per run (then 0). With a db ini of type
sqlite, uploads record ``size:mtime_ns`` per server path and skip unchanged files.
"""

import configparser
import json
import os
import shutil
import sqlite3
import sys

ENGINES = ("tcp", "rayvision", "aspera", "typhoon")
TYPES = ("upload_files", "download_files", "upload_file_list", "download_file_list",
         "upload_file_pairs")


def planned_exit():
    plan = os.environ.get("STANDIN_EXIT_PLAN")
    if not plan or not os.path.exists(plan):
        return 0
    with open(plan) as handle:
        lines = [line.strip() for line in handle if line.strip()]
    if not lines:
        return 0
    with open(plan, "w") as handle:
        handle.write("\n".join(lines[1:]))
    return int(lines[0])


def storage_file(root, storage, remote):
    return os.path.join(root, storage, *[p for p in remote.replace("\\", "/").split("/") if p])


class Records(object):
    def __init__(self, ini_path):
        self.conn = None
        if not ini_path:
            return
        parser = configparser.ConfigParser()
        parser.read(ini_path, encoding="utf-8")
        if parser.get("database", "on") != "true" or parser.get("database", "type") != "sqlite":
            return
        path = parser.get("sqlite", "db_path")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        self.conn = sqlite3.connect(path)
        self.conn.execute("CREATE TABLE IF NOT EXISTS record (r_key CHAR(2048) PRIMARY KEY "
                          "NOT NULL, r_val CHAR(64) NOT NULL, r_time CHAR(20) NOT NULL)")

    def unchanged(self, key, local):
        if self.conn is None:
            return False
        stat = os.stat(local)
        row = self.conn.execute("SELECT r_val FROM record WHERE r_key = ?", (key,)).fetchone()
        return row is not None and row[0] == "{0}:{1}".format(stat.st_size, stat.st_mtime_ns)

    def save(self, key, local):
        if self.conn is None:
            return
        stat = os.stat(local)
        self.conn.execute("INSERT OR REPLACE INTO record VALUES (?, ?, '0')",
                          (key, "{0}:{1}".format(stat.st_size, stat.st_mtime_ns)))
        self.conn.commit()


def copy(local, target):
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copyfile(local, target)


def main(argv):
    root = os.environ["STANDIN_ROOT"]
    answer = sys.stdin.read()
    with open(os.path.join(root, "calls.jsonl"), "a") as handle:
        handle.write(json.dumps({"argv": argv, "stdin": answer,
                                 "log": os.environ.get("RAYVISION_LOG")}) + "\n")
    if len(argv) < 9:
        print("argument format invalid: need at least 9 arguments")
        return 1
    engine, _, _, port, storage, _, kind, local, remote = argv[:9]
    rest = argv[9:]
    keep_path = rest[1] if len(rest) > 1 else "true"
    max_speed = rest[2] if len(rest) > 2 else "1048576"
    db_ini = rest[3] if len(rest) > 3 else None
    if engine not in ENGINES:
        print("argument format invalid: engine_type {0}".format(engine))
        return 2
    if kind not in TYPES:
        print("argument format invalid: transmit_type {0}".format(kind))
        return 3
    if not port.isdigit() or not max_speed.isdigit() or keep_path not in ("true", "false"):
        print("argument format invalid: port/max_speed/keep_path")
        return 4
    code = planned_exit()
    if code:
        print("upload file fail: planned failure {0}".format(code))
        return code
    records = Records(db_ini)
    failed = False
    if kind == "upload_files":
        if not os.path.exists(local):
            print("upload file fail: {0}".format(local))
            return 11
        copy(local, storage_file(root, storage, remote))
        print("upload {0} ok".format(local))
    elif kind == "upload_file_pairs":
        with open(local, encoding="utf-8") as handle:
            pairs = json.load(handle)["asset"]
        for pair in pairs:
            key = "{0}|{1}".format(storage, pair["server"])
            if not os.path.exists(pair["local"]):
                print("upload file fail: {0}".format(pair["local"]))
                failed = True
                continue
            if records.unchanged(key, pair["local"]):
                print("skip unchanged {0}".format(pair["local"]))
                continue
            copy(pair["local"], storage_file(root, storage, pair["server"]))
            records.save(key, pair["local"])
            print("upload {0} ok".format(pair["local"]))
    elif kind == "download_files":
        source = storage_file(root, storage, remote)
        for folder, _, names in os.walk(source):
            for name in names:
                path = os.path.join(folder, name)
                rel = os.path.relpath(path, source)
                if keep_path == "true":
                    rel = os.path.join(remote.strip("/"), rel)
                copy(path, os.path.join(local, rel))
                print("download {0} ok".format(rel))
    return 11 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
