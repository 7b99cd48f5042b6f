"""What the README and the docs tell a new user to run exists and takes those options."""

import glob
import os
import re
import subprocess
import sys

import pytest

from rayvision_sync import exception as sync_exception
from rayvision_utils.exception import tips_code

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGES = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs",
                                                                          "*.md")))


def read(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def example_commands():
    """``(page, script, [--options])`` of every ``python examples/...`` / ``nox -s demo``."""
    found = []
    for page in PAGES:
        text = read(page).replace("\\\n", " ")
        for line in text.splitlines():
            for match in re.finditer(r"python (examples/[\w/]+\.py)([^`|]*)", line):
                found.append((os.path.basename(page), match.group(1),
                              re.findall(r"(--[a-z][a-z-]*)", match.group(2))))
            for match in re.finditer(r"nox -s demo -- ([^`|]*)", line):
                found.append((os.path.basename(page), "examples/run_demo.py",
                              re.findall(r"(--[a-z][a-z-]*)", match.group(1))))
    return found


COMMANDS = example_commands()


def test_the_docs_show_commands():
    scripts = set(script for _page, script, _options in COMMANDS)
    assert {"examples/maya_demo.py", "examples/run_demo.py", "examples/api_demo.py",
            "examples/scenes/make_sample_files.py"} <= scripts


@pytest.mark.parametrize("page,script,options", COMMANDS,
                         ids=["{0}:{1}".format(c[0], c[1]) for c in COMMANDS])
def test_command_exists_and_takes_its_options(page, script, options, example_env):
    path = os.path.join(ROOT, *script.split("/"))
    assert os.path.isfile(path), "{0} names {1}, which does not exist".format(page, script)
    done = subprocess.run([sys.executable, path, "--help"], capture_output=True, text=True,
                          env=example_env, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    for option in options:
        assert option in done.stdout, "{0}: {1} has no option {2}".format(page, script, option)


def test_example_paths_named_in_the_docs_exist():
    for page in PAGES:
        for path in re.findall(r"`(examples/[\w./-]+)`", read(page)):
            assert os.path.exists(os.path.join(ROOT, path.rstrip("/"))), (page, path)


def heading_anchors(path):
    """The anchors GitHub and MyST give the headings of a page, plus its ``(label)=``."""
    text = read(path)
    anchors = set(re.findall(r"^\((\S+)\)=$", text, re.M))
    for heading in re.findall(r"^#+ (.+)$", re.sub(r"```.*?```", "", text, flags=re.S), re.M):
        anchors.add(re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-"))
    return anchors


def test_links_between_pages_reach_their_page_and_heading():
    for page in PAGES:
        for target in re.findall(r"\]\(([^)\s]+)\)", read(page)):
            if re.match(r"[a-z]+:", target):
                continue
            name, _, anchor = target.partition("#")
            path = os.path.normpath(os.path.join(os.path.dirname(page), name)) if name else page
            assert os.path.exists(path), "{0} links to {1}, which does not exist".format(
                os.path.basename(page), target)
            if anchor and path.endswith(".md"):
                assert anchor in heading_anchors(path), "{0} links to {1}: no such heading".format(
                    os.path.basename(page), target)


def test_tip_code_table_covers_every_constant():
    table = read(os.path.join(ROOT, "docs", "codes.md"))
    section = table[table.index("## Tip codes"):]
    for name in dir(tips_code):
        value = getattr(tips_code, name)
        if name.isupper() and isinstance(value, str) and value.isdigit():
            row = re.search(r"^\| {0} \|([^\n]*)$".format(value), section, re.M)
            assert row, "tip {0} ({1}) is not in docs/codes.md".format(value, name)
            assert "`{0}`".format(name) in row.group(1), (name, value)


def test_error_code_table_covers_the_sync_exceptions():
    table = read(os.path.join(ROOT, "docs", "codes.md"))
    for name in ("UnsupportedDatabaseError", "DbConfigError", "RecordDatabaseError",
                 "TransferError", "TransmitterNotFoundError", "TransferIntegrityError",
                 "UnsafePathError", "StorageAccessError"):
        cls = getattr(sync_exception, name)
        error = cls("x")
        assert re.search(r"^\| {0} \| [^\n]*`{1}`".format(error.error_code, name), table,
                         re.M), (name, error.error_code)


def quickstart_python_blocks():
    text = read(os.path.join(ROOT, "docs", "quickstart.md"))
    return re.findall(r"```python\n(.*?)```", text, re.S)


def on_the_sandbox(block, farm, tmp_path):
    """The block with the farm's credentials and local paths in place of the placeholders."""
    replacements = [
        (r'access_id="x+"', 'access_id="{0}"'.format(farm.access_id)),
        (r'access_key="x+"', 'access_key="{0}"'.format(farm.access_key)),
        (r'domain="task\.renderbus\.com"', 'domain="{0}"'.format(farm.domain)),
        (r'platform="2"', 'platform="2", protocol="http"'),
        (r'cg_file=r"[^"]*muti_layer_test\.ma"', "cg_file={0!r}".format(
            os.path.join(ROOT, "examples", "scenes", "maya", "scenes", "muti_layer_test.ma"))),
        (r'workspace="c:/workspace"', "workspace={0!r}".format(str(tmp_path / "ws"))),
    ]
    for pattern, value in replacements:
        block = re.sub(pattern, lambda _match, value=value: value, block)
    assert "xxx" not in block and "task.renderbus.com" not in block, block
    return block


def test_quickstart_python_blocks_run_on_a_sandbox(rayvision_sandbox, example_env, tmp_path):
    blocks = quickstart_python_blocks()
    assert len(blocks) == 2
    for block in blocks:
        script = on_the_sandbox(block, rayvision_sandbox, tmp_path)
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              env=example_env, cwd=str(tmp_path), timeout=120)
        assert done.returncode == 0, (block, done.stderr)
