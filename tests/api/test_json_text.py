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


# Strings that stress the C string encoders: escapes, controls, quotes, non-ASCII, astral.
ODD_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | \
    st.sampled_from(["", "\x00", "\t\n\r\b\f", '"', "\\", "D:\\proj\\tex.png",
                     "\\\\server\\share\\a b", "\u4e2d\u6587/\u8d34\u56fe.exr",
                     "\U0001f600", "\u2028\u2029", "\x7f\x80\xff"])
LEAVES = (st.none() | st.booleans() | st.integers() | ODD_TEXT
          | st.floats(allow_nan=True, allow_infinity=True))
STRING_LISTS = st.lists(ODD_TEXT, max_size=4) | st.tuples(ODD_TEXT, ODD_TEXT)
# What the fast paths write as one piece: [str, [str, ...]] pairs (asset tables), lists of
# strings, and lists of records (dicts of leaves and string lists); then things that look
# like them but are not and must take the general path.
PAIRS = st.tuples(ODD_TEXT, STRING_LISTS).map(list)
NEAR_PAIRS = st.tuples(ODD_TEXT, st.lists(LEAVES, max_size=3)).map(list) | \
    st.tuples(ODD_TEXT, st.dictionaries(ODD_TEXT, LEAVES, max_size=2)).map(list) | \
    st.tuples(LEAVES, STRING_LISTS).map(list)
FIELDS = st.sampled_from(["path", "exists", "chain", "local", "server", "hash", "\u00e9", '"'])
RECORD_VALUES = LEAVES | STRING_LISTS | PAIRS | NEAR_PAIRS | st.just({}) | \
    st.dictionaries(ODD_TEXT, LEAVES, max_size=2)
RECORDS = st.lists(
    st.dictionaries(FIELDS, RECORD_VALUES, max_size=4)
    | st.dictionaries(FIELDS, LEAVES | STRING_LISTS, min_size=1, max_size=4).map(
        lambda record: collections.OrderedDict(sorted(record.items())))
    | LEAVES | STRING_LISTS,
    max_size=5)
ANALYSIS_DOCUMENTS = st.dictionaries(
    ODD_TEXT, st.dictionaries(ODD_TEXT, PAIRS | NEAR_PAIRS, max_size=4) | RECORDS
    | STRING_LISTS | PAIRS | LEAVES, max_size=5)


@settings(max_examples=400, deadline=None)
@given(ANALYSIS_DOCUMENTS | RECORDS, st.booleans(), st.sampled_from([2, 0, 3, "\t", ""]))
def test_fast_paths_give_json_dumps_text(document, ensure_ascii, indent):
    assert dumps_indented(document, ensure_ascii, indent) == json.dumps(
        document, ensure_ascii=ensure_ascii, indent=indent)


@pytest.mark.parametrize("document", [
    # asset.json's shapes: pairs with one, several and no files; records of one key order
    {"Normal": {"a.filename": ["$PDIR/a.abc", ["/p/a.abc"]],
                "t.filename": ["t.<UDIM>.tx", ["/p/t.1001.tx", "/p/t.1002.tx"]],
                "e.filename": ["e.exr", []]},
     "dependency_chains": [{"path": "/p/a.abc", "exists": True,
                            "chain": ["/p/s.project", "a.filename", "/p/a.abc"]},
                           {"path": "/p/m.abc", "exists": False, "chain": []}]},
    # upload.json: OrderedDict and dict records, a record with an int and None
    {"scene": [collections.OrderedDict([("local", "D:/p/s.ma"), ("server", "/D/p/s.ma"),
                                        ("hash", "d41d8cd98f00b204e9800998ecf8427e")])],
     "asset": [{"local": "//server/share/a.png", "server": "/server/share/a.png"},
               {"local": "x", "size": 3, "mtime": None, "ratio": 0.5}]},
    # records mixed with strings, lists, empty dicts and dicts holding dicts
    [{"a": "x"}, "plain", ["s"], {}, {"a": {"b": ["c"]}}, {"a": ["x", 1]}, [], {"b": []}],
    # look like pairs but are not: a non-string first item, non-strings in the file list
    [[1, ["a"]], ["a", [1]], ["a", ["b", None]], ["a", [["b"]]], ("a", ("b", "c"))],
    # records whose leaves come before a container (task.json's image nodes and layers)
    {"image_node": [{"frames": "1-120[1]", "renderable": "0", "layers": [
        {"frames": "1-120[1]", "name": "img.beauty"}], "name": "img", "n": {"x": None}}]},
    # str subclasses inside string lists and pairs are written as their text
    {"k": [Label("x"), "y"], "p": [Label("raw"), [Label("f")]], "r": [{"v": [Label("z")]}]},
])
def test_fast_path_documents(document):
    for ensure_ascii in (True, False):
        for indent in (2, 4, "\t"):
            assert dumps_indented(document, ensure_ascii, indent) == json.dumps(
                document, ensure_ascii=ensure_ascii, indent=indent)


def _records_loop():
    records = [{"path": "a", "chain": ["x"]}]
    records[0]["back"] = records
    return records


def _pair_loop():
    pair = ["raw", None]
    pair[1] = pair
    return pair


def _record_in_itself():
    record = {"path": "a"}
    record["self"] = [record]
    return record


@pytest.mark.parametrize("make", [_records_loop, _pair_loop, _record_in_itself])
def test_circular_records_and_pairs_raise_as_json_dumps(make):
    with pytest.raises(ValueError, match="Circular reference"):
        json.dumps(make(), indent=2)
    with pytest.raises(ValueError, match="Circular reference"):
        dumps_indented(make())


def test_shared_leaves_are_not_circular():
    # The same list twice (not inside itself) is written twice, as json.dumps does.
    chain = ["/p/s.project", "a.filename", "/p/a.abc"]
    files = ["/p/a.abc"]
    document = {"records": [{"chain": chain}, {"chain": chain}],
                "Normal": {"a": ["raw", files], "b": ["raw", files]}, "again": [files, files]}
    assert dumps_indented(document, False) == json.dumps(document, indent=2, ensure_ascii=False)
