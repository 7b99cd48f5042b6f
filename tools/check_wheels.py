r"""Build every package's wheel and install them into fresh venvs of other Pythons.

Used by ``nox -s wheels`` (and CI)::

    python tools/check_wheels.py --python /root/.pyenv/versions/3.7.16/bin/python \\
        --python /root/.pyenv/versions/3.13.0/bin/python

Each venv gets every wheel installed from the wheel folder (siblings are pinned to exact
versions that only the wheel folder has, so none can come from the package index), then each
package is imported in a subprocess whose working directory and ``sys.path`` hold nothing of
the checkout. A missing interpreter is an error, never a skip.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

IMPORT_CHECK = r"""
import importlib, os, sys
root, venv = sys.argv[1], sys.argv[2]
assert not any(p and os.path.abspath(p).startswith(root) for p in sys.path), sys.path
for name in sys.argv[3:]:
    module = importlib.import_module(name)
    where = os.path.abspath(module.__file__)
    assert where.startswith(venv), "%s imported from %s" % (name, where)
    assert os.path.isfile(os.path.join(os.path.dirname(where), "py.typed")), \
        "%s ships no py.typed" % name
    print(name, getattr(module, "__version__", "?"))
"""


def build_wheels(packages, folder):
    """``pip wheel --no-deps`` of each package folder into ``folder``."""
    for name in packages:
        subprocess.check_call([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                               "--disable-pip-version-check", "-w", folder,
                               os.path.join(ROOT, name)])
    wheels = sorted(os.path.join(folder, f) for f in os.listdir(folder) if f.endswith(".whl"))
    if len(wheels) != len(packages):
        raise SystemExit("expected {0} wheels, built {1}".format(len(packages), len(wheels)))
    return wheels


def check_interpreter(python, wheels, wheel_dir, packages, workdir):
    """Fresh venv of ``python``, every wheel installed, every package imported."""
    if not os.path.isfile(python):
        raise SystemExit("interpreter {0} is missing: install it (pyenv install) or pass "
                         "another --python".format(python))
    venv = os.path.join(workdir, "venv-" + os.path.basename(os.path.dirname(
        os.path.dirname(python))))
    subprocess.check_call([python, "-m", "venv", venv])
    venv_python = os.path.join(venv, "Scripts" if os.name == "nt" else "bin", "python")
    clean_env = dict((k, v) for k, v in os.environ.items() if k != "PYTHONPATH")
    subprocess.check_call([venv_python, "-m", "pip", "install", "--quiet",
                           "--disable-pip-version-check", "--find-links", wheel_dir] + wheels,
                          cwd=workdir, env=clean_env)
    modules = [name for name in packages]
    output = subprocess.check_output([venv_python, "-c", IMPORT_CHECK, ROOT,
                                      os.path.realpath(venv)] + modules,
                                     cwd=workdir, env=clean_env).decode()
    print("{0}: {1}".format(python, ", ".join(output.split("\n")).strip(", ")))


def main(argv=None):
    """Build the wheels, then check each interpreter; returns 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--python", action="append", required=True,
                        help="interpreter to test (repeat)")
    parser.add_argument("packages", nargs="+", help="package folders, in layering order")
    args = parser.parse_args(argv)
    workdir = tempfile.mkdtemp(prefix="rayvision-wheels-")
    try:
        wheel_dir = os.path.join(workdir, "wheels")
        os.makedirs(wheel_dir)
        wheels = build_wheels(args.packages, wheel_dir)
        for python in args.python:
            check_interpreter(python, wheels, wheel_dir, args.packages, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
