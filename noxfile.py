"""Developer sessions for the rayvision SDK monorepo.

``nox -s demo``   the Maya demo end to end against a local sandbox farm.
``nox -s tests``  installs every package editable and runs pytest over ``tests/``.
``nox -s lint``   ruff over the whole tree, vermin for the minimum Python versions, mypy.
``nox -s docs``   builds the Sphinx documentation with warnings as errors.
``nox -s bench``  runs the scripts in ``benchmarks/``, then one table of every goal, met or not
                 (a report, not pass/fail).
``nox -s screenshots``  headless Chromium shots of the sandbox monitor into docs/_static/.
``nox -s wheels`` builds every wheel and installs them into fresh Python 3.7 and 3.13 venvs.
``nox -s mutants`` mutation testing of the core rules (slow; not a default session).
"""

import glob
import hashlib
import os

import nox

ROOT = os.path.dirname(os.path.abspath(__file__))

# Bottom of the layering first, so that pip resolves our own packages from the checkout.
PACKAGE_ORDER = [
    "rayvision_log",
    "rayvision_api",
    "rayvision_utils",
    "rayvision_sync",
    "rayvision_sandbox",
    "rayvision_maya",
    "rayvision_houdini",
    "rayvision_clarisse",
    "rayvision_cli",
]

nox.options.sessions = ["tests", "lint"]
nox.options.reuse_existing_virtualenvs = True


def packages():
    """Package folders of the monorepo that are installable, in layering order."""
    found = [name for name in PACKAGE_ORDER
             if os.path.isfile(os.path.join(ROOT, name, "pyproject.toml"))]
    return found


def _packaging_fingerprint():
    """Digest of every package's pyproject.toml: editable installs follow the sources, so
    only a change here (dependencies, entry points) needs a new install."""
    digest = hashlib.sha256()
    for name in packages():
        digest.update(name.encode())
        with open(os.path.join(ROOT, name, "pyproject.toml"), "rb") as handle:
            digest.update(handle.read())
    return digest.hexdigest()


def install_packages(session):
    """Install every package of the checkout in editable mode (skipped when the session's
    environment already has them for the same pyproject files: a second run is quick)."""
    location = getattr(session.virtualenv, "location", None)
    marker = os.path.join(location, ".rayvision-editable") if location else None
    fingerprint = _packaging_fingerprint()
    if marker and os.path.isfile(marker):
        with open(marker) as handle:
            if handle.read().strip() == fingerprint:
                session.log("editable installs of the checkout are up to date")
                return
    args = []
    for name in packages():
        args += ["-e", os.path.join(ROOT, name)]
    session.install(*args)
    if marker:
        with open(marker, "w") as handle:
            handle.write(fingerprint)


def dcc_sources():
    """Modules that run inside a DCC interpreter (mayapy, hython, Clarisse) or a render
    manager's (integrations/: Deadline, Qube, Maya, Houdini, Clarisse): Python 2.7 too."""
    found = glob.glob(os.path.join(ROOT, "rayvision_*", "src", "*", "dcc", "**", "*.py"),
                      recursive=True)
    found += glob.glob(os.path.join(ROOT, "integrations", "**", "*.py"), recursive=True)
    return sorted(found)


@nox.session
def tests(session):
    """Run the whole test suite against editable installs of every package."""
    install_packages(session)
    session.install("-r", os.path.join(ROOT, "tests", "requirements.txt"))
    session.run("pytest", *(session.posargs or [os.path.join(ROOT, "tests")]))


#: The type checker and the stubs of third-party modules that ship none (nox -s lint).
TYPING_REQUIREMENTS = ["mypy==2.4.1", "types-requests", "types-tqdm", "types-appdirs",
                       "redis>=3.5", "pytest>=6"]


@nox.session
def lint(session):
    """ruff over the tree; vermin: the SDK needs no newer than 3.7, DCC code runs on 2.7;
    mypy over every package's src/ (mypy.ini: the dcc/ folders and integrations/ excluded)."""
    session.install("ruff", "vermin")
    session.run("ruff", "check", ROOT)
    sdk_sources = [os.path.join(ROOT, name, "src") for name in packages()]
    session.run("vermin", "--no-tips", "--violations", "--eval-annotations",
                "--target=3.7-", "--exclude-regex", r"/dcc/", *sdk_sources)
    dcc = dcc_sources()
    if dcc:
        session.run("vermin", "--no-tips", "--violations", "--target=2.7-", "--target=3.7-",
                    *dcc)
    install_packages(session)
    session.install(*TYPING_REQUIREMENTS)
    typed = []
    for name in packages():
        typed += ["-p", name]
    session.run("mypy", "--config-file", os.path.join(ROOT, "mypy.ini"), *typed)


#: Interpreters the wheels are installed into (oldest and newest supported).
WHEEL_PYTHONS = [
    os.environ.get("RAYVISION_PYTHON37") or (glob.glob("/root/.pyenv/versions/3.7.*/bin/python")
                                             or ["/root/.pyenv/versions/3.7/bin/python"])[0],
    os.environ.get("RAYVISION_PYTHON313") or (
        glob.glob("/root/.pyenv/versions/3.13.*/bin/python")
        or ["/root/.pyenv/versions/3.13/bin/python"])[0],
]


@nox.session
def wheels(session):
    """Build every wheel; install them into fresh 3.7 and 3.13 venvs without the checkout,
    and import each package there (a missing interpreter fails the session)."""
    session.install("pip>=21.3", "setuptools>=61", "wheel")
    args = []
    for python in WHEEL_PYTHONS:
        args += ["--python", python]
    session.run("python", os.path.join(ROOT, "tools", "check_wheels.py"), *args, *packages())


@nox.session
def demo(session):
    """The Maya demo end to end against a local sandbox farm (examples/run_demo.py).

    Run it twice: the second upload skips every unchanged file. ``nox -s demo -- --fresh``
    starts over; ``nox -s demo -- --help`` lists the options.
    """
    install_packages(session)
    session.run("python", os.path.join(ROOT, "examples", "run_demo.py"), *session.posargs)


@nox.session
def docs(session):
    """Build the Sphinx documentation; any warning is an error."""
    install_packages(session)
    session.install("-r", os.path.join(ROOT, "docs", "requirements.txt"))
    session.run("sphinx-build", "-W", "--keep-going", "-b", "html",
                os.path.join(ROOT, "docs"), os.path.join(ROOT, "docs", "_build", "html"))


@nox.session
def bench(session):
    """Run every benchmark script, then print one table of every goal and whether it is met.

    Each script prints its figures and appends a row per goal to the results file named by
    ``RAYVISION_BENCH_RESULTS`` (docs/dev/benchmarks.md); arguments go to every script
    (``nox -s bench -- --rounds 5``).
    """
    install_packages(session)
    session.install("-r", os.path.join(ROOT, "benchmarks", "requirements.txt"))
    results = os.path.join(session.create_tmp(), "bench-results.jsonl")
    if os.path.exists(results):
        os.remove(results)
    env = {"RAYVISION_BENCH_RESULTS": results}
    for script in sorted(glob.glob(os.path.join(ROOT, "benchmarks", "bench_*.py"))):
        session.run("python", script, *session.posargs, env=env)
    session.run("python", os.path.join(ROOT, "benchmarks", "timing.py"), "--table", results)


@nox.session
def screenshots(session):
    """Screenshots of each page of the sandbox farm's web monitor, for docs/sandbox.md.

    Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them).
    """
    install_packages(session)
    session.install("selenium>=4.11")
    session.run("python", os.path.join(ROOT, "docs", "monitor_screenshots.py"),
                os.path.join(ROOT, "docs", "_static"), *session.posargs)


@nox.session
def mutants(session):
    """Mutation testing of the core rules (docs/dev/mutation-testing.md); slow: not a default.

    Applies each mutant of ``tests/mutants/mutants.json`` in turn, runs its area's tests and
    fails when an area lets more than 10 % of its mutants survive. Arguments go to
    ``tools/mutants.py`` (``nox -s mutants -- --area signing``, ``-- --list``).
    """
    install_packages(session)
    session.install("-r", os.path.join(ROOT, "tests", "requirements.txt"))
    session.run("python", os.path.join(ROOT, "tools", "mutants.py"), *session.posargs)
