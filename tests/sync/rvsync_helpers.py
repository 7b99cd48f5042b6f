"""Helpers shared by the rayvision_sync tests (files, upload.json, the stand-in transmitter)."""

import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
STANDIN = os.path.join(HERE, "standin_transmitter.py")


def write_upload_json(folder, pairs):
    """Write upload.json with the ``asset`` list of ``(local, server)`` pairs."""
    os.makedirs(str(folder), exist_ok=True)
    path = os.path.join(str(folder), "upload.json")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"asset": [{"local": local, "server": server} for local, server in pairs]},
                  handle, ensure_ascii=False)
    return path


def make_file(path, size, seed=0):
    """A file of ``size`` pseudo-random bytes."""
    rng = random.Random(seed)
    os.makedirs(os.path.dirname(str(path)), exist_ok=True)
    with open(str(path), "wb") as handle:
        remaining = size
        while remaining:
            block = min(remaining, 1 << 20)
            handle.write(rng.getrandbits(8 * block).to_bytes(block, "little"))
            remaining -= block
    return str(path)


def read(path):
    with open(str(path), "rb") as handle:
        return handle.read()


def standin_executable(folder):
    """An executable wrapper of the stand-in transmitter (a shebang script)."""
    path = os.path.join(str(folder), "rayvision_transmitter")
    with open(path, "w") as handle:
        handle.write("#!{0}\n".format(sys.executable))
        with open(STANDIN) as source:
            handle.write(source.read())
    os.chmod(path, 0o755)
    return path


def record_worker(kind, target, proc, files, batch, start_event, queue):
    """One of several processes hammering one record database (sqlite file or redis)."""
    from rayvision_sync.records import RedisRecordStore, SqliteRecordStore, record_value

    try:
        store = SqliteRecordStore(target) if kind == "sqlite" else RedisRecordStore(**target)
        start_event.wait(30)
        scope = "127.0.0.1:1|shared_input"
        for first in range(0, files, batch):
            values = dict(("/proc{0}/f{1}.exr".format(proc, index),
                           record_value(index, proc * 1000000 + index, "ab" * 32))
                          for index in range(first, min(files, first + batch)))
            store.save(scope, values)
            found = store.lookup(scope, list(values))
            if found != values:
                queue.put((proc, "lost records right after saving"))
                return
            # Readers and writers interleave: look at a neighbour's files too.
            store.lookup(scope, ["/proc{0}/f{1}.exr".format((proc + 1) % 8, index)
                                 for index in range(first, first + batch)])
        store.delete(scope, ["/proc{0}/f0.exr".format(proc)])
        store.close()
        queue.put((proc, None))
    except Exception as exc:  # reported to the parent, which fails the test
        queue.put((proc, "{0}: {1}".format(type(exc).__name__, exc)))


class ScriptedQuery(object):
    """Answers queryTaskInfo from a script: {task_id: [item, item, ...]} one per call."""

    def __init__(self, script):
        self.script = dict((key, list(value)) for key, value in script.items())
        self.calls = []

    def task_info(self, task_ids_list):
        self.calls.append(list(task_ids_list))
        items = []
        for task_id in task_ids_list:
            answers = self.script.get(task_id) or []
            if answers:
                item = answers.pop(0) if len(answers) > 1 else answers[0]
                if item is not None:
                    items.append(item)
        return {"items": items}
