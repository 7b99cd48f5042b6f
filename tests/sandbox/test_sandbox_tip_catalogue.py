"""Every tip code the analysers can write is known to the sandbox farm and documented.

The codes are collected from the analyser sources themselves (``tips_code.NAME`` uses and
code-like string literals, in-DCC scripts included), so a new code cannot be added to an
analyser without adding it to the catalogue (English and Chinese) and to docs/codes.md.
"""

import ast
import glob
import os
import re

from rayvision_sandbox import catalog
from rayvision_utils.exception import tips_code

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ANALYSER_PACKAGES = ("rayvision_maya", "rayvision_houdini", "rayvision_clarisse",
                     "rayvision_utils")
CODE_LITERAL = re.compile(r"^(?:999|[1-5]\d{4})$")
# The original's placeholder value of CONTAIN_CHINESE / ANALYSE_FAIL: not a code the farm can
# know; the analysis stops with FileNameContainsChineseError when it is written.
PLACEHOLDER = "tips_code todo"
_CJK = re.compile(u"[\u4e00-\u9fff]")


def analyser_sources():
    for package in ANALYSER_PACKAGES:
        pattern = os.path.join(ROOT, package, "src", package, "**", "*.py")
        for path in glob.glob(pattern, recursive=True):
            if os.path.basename(path) != "tips_code.py":
                yield path


def emitted_codes():
    """``{code: [files]}`` of the codes the analyser sources can write."""
    found = {}
    for path in analyser_sources():
        with open(path, encoding="utf-8") as handle:
            tree = ast.parse(handle.read(), path)
        for node in ast.walk(tree):
            code = None
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "tips_code"):
                code = getattr(tips_code, node.attr)
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and CODE_LITERAL.match(node.value)):
                code = node.value
            if code is not None and code != PLACEHOLDER:
                found.setdefault(code, set()).add(os.path.relpath(path, ROOT))
    return found


def documented_codes():
    with open(os.path.join(ROOT, "docs", "codes.md"), encoding="utf-8") as handle:
        return set(re.findall(r"^\| (\d+) \|", handle.read(), re.M))


def test_the_collector_sees_the_analysers():
    codes = emitted_codes()
    # One code from each analyser and from the shared flow, through constants and literals.
    assert {"10012", "50001", "25009", "999", "15036", "50002", "10025"} <= set(codes)


def test_every_emitted_code_is_in_the_catalogue_in_both_languages():
    problems = []
    for code, files in sorted(emitted_codes().items()):
        chinese = catalog.error_details(code, "0")
        english = catalog.error_details(code, "1")
        if not chinese or not english:
            problems.append("{0} (from {1}) is not in the catalogue".format(
                code, ", ".join(sorted(files))))
            continue
        if not _CJK.search(chinese[0]["desDescriptionCn"] + chinese[0]["desSolutionCn"]):
            problems.append("{0} has no Chinese text".format(code))
        text = english[0]["desDescriptionCn"] + english[0]["desSolutionCn"]
        if _CJK.search(text) or not text.strip():
            problems.append("{0} has no English text".format(code))
    assert problems == []


def test_every_emitted_code_is_documented():
    missing = sorted(set(emitted_codes()) - documented_codes())
    assert missing == []


def test_catalogue_ids_are_unique_and_do_not_move_when_codes_are_added():
    ids = [catalog.error_details(code, "1")[0]["id"] for code in catalog.tip_codes()]
    assert len(set(ids)) == len(ids)
    assert catalog.error_details("15013", "1")[0]["id"] == 15013


def test_the_plain_report_has_english_for_every_emitted_code():
    from rayvision_utils.report import MISSING_FILE_CODES, WARNING_TEXTS

    unexplained = sorted(set(emitted_codes()) - set(MISSING_FILE_CODES) - set(WARNING_TEXTS))
    assert unexplained == []
