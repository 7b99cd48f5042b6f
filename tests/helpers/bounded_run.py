"""Run a scene reader in a child process under a memory limit and a timeout.

The child is a small script that prints one JSON object on its last output line, including its
own peak resident memory (``resource.getrusage``), so a test can assert both what the reader
found and what it cost. ``RLIMIT_AS`` and ``RLIMIT_CPU`` stop a runaway reader before it can
hurt the machine; the peak RSS is what is checked against the budget.
"""

import json
import resource
import subprocess
import sys

#: Peak resident memory any scene reader may use, whatever its input (issue #12).
MEMORY_BUDGET = 256 * 1024 * 1024
# Address space of the child: the interpreter, its imports and the budget, with room to spare;
# a reader that leaks past it fails with MemoryError instead of swapping the machine.
_ADDRESS_SPACE = 1024 * 1024 * 1024

#: Source of ``peak_rss()`` for a child process: the peak resident memory of the child's own
#: process image. ``getrusage(RUSAGE_SELF).ru_maxrss`` will not do on Linux: it keeps the
#: high-water mark of the process before ``exec``, i.e. of the forked copy of the test
#: runner, so a child of a 300 MB pytest reports 300 MB whatever it used. ``VmHWM`` is
#: reset by ``exec``.
PEAK_RSS_SOURCE = """
def peak_rss():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (IOError, OSError):
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
"""

#: Run at the start of every child: its peak RSS in bytes, printed with its result.
CHILD_PRELUDE = PEAK_RSS_SOURCE + """
import json, os, resource, sys

def drop_privileges():
    # As root, permission bits do not apply: read as an unprivileged user instead.
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)

def mutate(base, rng, inserts):
    # One fuzz case: 1-4 edits (random bytes, deletions, or one of ``inserts``) of ``base``.
    data = bytearray(base)
    for _ in range(rng.randint(1, 4)):
        where = rng.randrange(len(data))
        action = rng.random()
        if action < 0.4:
            data[where:where + rng.randint(0, 8)] = bytes(rng.randrange(256)
                                                         for _ in range(rng.randint(0, 8)))
        elif action < 0.7:
            del data[where:where + rng.randint(1, 64)]
        else:
            data[where:where] = rng.choice(inserts)
    return bytes(data)

def report(**result):
    result["peak_rss"] = peak_rss()
    sys.stdout.write(json.dumps(result) + "\\n")
"""


def run_bounded(code, timeout=120, cpu_seconds=120, env=None):
    """Run ``code`` (Python source, after :data:`CHILD_PRELUDE`) in a limited child.

    Args:
        code (str): Source that ends by calling ``report(...)``.
        timeout (float): Wall-clock seconds before the child is killed (the test fails).
        cpu_seconds (int): CPU-time limit of the child.
        env (dict, optional): Environment of the child.

    Returns:
        dict: The reported JSON object, with ``peak_rss``.
    """
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE, _ADDRESS_SPACE))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    process = subprocess.run([sys.executable, "-c", CHILD_PRELUDE + code],
                             capture_output=True, timeout=timeout, preexec_fn=limit,
                             env=env)
    lines = process.stdout.decode("utf-8", "replace").strip().splitlines()
    if process.returncode != 0 or not lines:
        raise AssertionError("bounded child failed (exit {0}):\n{1}".format(
            process.returncode, process.stderr.decode("utf-8", "replace")[-3000:]))
    return json.loads(lines[-1])
