"""Two processes finding the shared sqlite record file unusable at once (docs/sync.md).

Each moves the file aside only if it is still the one it found unusable: a file the other
process has rebuilt, and written its records to, is never moved aside.
"""

import glob
import os
import sqlite3
import subprocess
import sys
import time

from rayvision_sync.records import SqliteRecordStore, record_value

SCOPE = "example.com|1234"
COUNT = 3000

# One process: open the store, say so, wait for the word, then read everything (which
# meets the damaged pages) and record one file of its own.
WORKER = """
import os, sys, time
from rayvision_sync.records import SqliteRecordStore, record_value
path, name, opened, go = sys.argv[1:5]
store = SqliteRecordStore(path)
open(opened, "w").close()
while go != "-" and not os.path.exists(go):
    time.sleep(0.01)
store.lookup({scope!r}, ["/f{{0}}.png".format(i) for i in range({count})])
store.save({scope!r}, {{"/from-" + name: record_value(1, 1, "ab" * 32)}})
store.close()
""".format(scope=SCOPE, count=COUNT)


def _damaged_store(path):
    """A store whose schema reads fine and whose records meet zeroed pages further on."""
    with SqliteRecordStore(path) as store:
        store.save(SCOPE, dict(("/f{0}.png".format(i), record_value(i, i, "ab" * 32))
                               for i in range(COUNT)))
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    for suffix in ("-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    size = os.path.getsize(path)
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\0" * (4096 * 8))
    with open(path, "rb") as handle:
        return handle.read()


def _wait_for(path, process):
    deadline = time.monotonic() + 60
    while not os.path.exists(path):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.01)


def test_a_file_rebuilt_by_one_process_is_never_moved_aside_by_the_other(tmp_path):
    path = str(tmp_path / "records" / "1_example.com_1234.db")
    damaged = _damaged_store(path)
    flags = dict((name, str(tmp_path / name)) for name in ("b-opened", "a-opened", "go"))

    def start(name, go):
        return subprocess.Popen([sys.executable, "-c", WORKER, path, name,
                                 flags[name + "-opened"], go],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    # B opens the damaged file and waits; A opens it too, finds it unusable, moves it aside,
    # rebuilds it and records its file, all within the same second as B's turn.
    second = start("b", flags["go"])
    _wait_for(flags["b-opened"], second)
    first = start("a", "-")
    out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    open(flags["go"], "w").close()  # B now meets the damage on its old connection
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0, err
    with SqliteRecordStore(path) as store:
        found = store.lookup(SCOPE, ["/from-a", "/from-b"])
    assert sorted(found) == ["/from-a", "/from-b"], err
    asides = sorted(glob.glob(path + ".corrupt-*"))
    main_asides = [name for name in asides if not name.endswith(("-wal", "-shm"))]
    assert len(main_asides) == 1, asides
    with open(main_asides[0], "rb") as handle:
        assert handle.read() == damaged
