"""json_save's indented writer gives exactly json.dumps(indent=...)'s text."""

import collections
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rayvision_api import utils
from rayvision_api.json_text import dumps_indented

SCALARS = (st.none() | st.booleans() | st.integers() | st.text()
           | st.floats(allow_nan=True, allow_infinity=True))
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=6)
    | st.dictionaries(st.text(max_size=8), children, max_size=6)
    | st.tuples(children, children),
    max_leaves=40)


@settings(max_examples=300, deadline=None)
@given(DOCUMENTS, st.booleans(), st.sampled_from([0, 1, 2, 4, "\t"]))
def test_same_text_as_json_dumps(document, ensure_ascii, indent):
    assert dumps_indented(document, ensure_ascii, indent) == json.dumps(
        document, ensure_ascii=ensure_ascii, indent=indent)


class Label(str):
    pass


@pytest.mark.parametrize("document", [
    {1: "int key", None: "none key", 2.5: "float key", False: "bool key"},
    {"s": Label("subclass")},
    collections.OrderedDict([("b", [1, 2]), ("a", {"x": []})]),
    [float("nan"), -math.inf, 1e300, -0.0, 10 ** 30],
    {"nested": [[[["deep"]]], {}, [], ""]},
    {"ctl": "tab\t nul\x00 cjk \u4e2d \U0001f600 quote\" back\\slash"},
])
def test_unusual_documents(document):
    for ensure_ascii in (True, False):
        assert dumps_indented(document, ensure_ascii) == json.dumps(
            document, ensure_ascii=ensure_ascii, indent=2)


def test_errors_are_json_dumps_errors():
    loop = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented(loop)
    with pytest.raises(TypeError, match="not JSON serializable"):
        dumps_indented({"a": object()})
    assert dumps_indented({"a": 1}, indent=None) == json.dumps({"a": 1})


def test_json_save_writes_the_documented_format(tmp_path):
    path = str(tmp_path / "asset.json")
    data = {"asset": [{"node": "file1", "path": ["D:/tex/a.png"]}], "n": 2}
    utils.json_save(path, data, ensure_ascii=False)
    with open(path, encoding="utf-8") as handle:
        assert handle.read() == json.dumps(data, indent=2, ensure_ascii=False)
