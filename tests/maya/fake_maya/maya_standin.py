"""Stand-in for a Maya 2018 executable (``maya -batch -command`` / ``mayabatch.exe -command``).

Like Maya it takes a MEL ``-command``; it understands the one form the SDK sends,
``python "<code>"``, unescapes the MEL string and runs the Python code with the fake
``maya.cmds`` importable and Maya 2018's Python 2 builtins (``execfile``, ``reload``) present.
Extra behaviour for tests: ``FAKE_MAYA_EXIT`` makes it exit with that code after running.
"""

import builtins
import importlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def mel_unquote(text):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), text)


def main(argv):
    sys.stdout.write("fake maya started: %r\n" % (argv,))
    if "-command" not in argv:
        sys.stderr.write("no -command\n")
        return 2
    command = argv[argv.index("-command") + 1]
    match = re.match(r'^python "(.*)"$', command, re.S)
    if not match:
        sys.stderr.write("unsupported MEL: %s\n" % command)
        return 3
    code = mel_unquote(match.group(1))
    sys.path.insert(0, HERE)
    # Maya's interpreter has no SDK installed: the in-Maya script must not need it.
    sys.modules["rayvision_maya"] = None

    def execfile(path, namespace=None):
        namespace = namespace if namespace is not None else scope
        with open(path) as handle:
            exec(compile(handle.read(), path, "exec"), namespace)

    builtins.execfile = execfile
    builtins.reload = importlib.reload
    scope = {"__name__": "__main__"}
    exec(compile(code, "<maya -command>", "exec"), scope)
    return int(os.environ.get("FAKE_MAYA_EXIT", "0"))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
