import logging

import pytest

from rayvision_clarisse import utils


def test_convert_path_windows_unc_posix():
    assert utils.convert_path("D:\\work\\a.jpg") == "/D/work/a.jpg"
    assert utils.convert_path("\\\\server\\share\\a.jpg") == "/server/share/a.jpg"
    assert utils.convert_path("/mnt/x/a.jpg") == "/mnt/x/a.jpg"


def test_encodings():
    text = u"场景/scene"
    assert utils.get_encode(text.encode("utf-8")) == "utf-8"
    assert utils.get_encode(text.encode("gbk")) == "gbk"
    assert utils.get_encode(text) == "unicode"
    assert utils.str_to_unicode(text.encode("gbk")) == text
    assert utils.str_to_unicode(text) == text
    assert utils.str_to_unicode(None) == ""
    assert utils.bytes_to_str(text.encode("utf-8")) == text
    assert utils.bytes_to_str(text.encode("gbk"), str_decode="gbk") == text
    assert utils.bytes_to_str(b"\xff\xfe", str_decode="nope-codec") == b"\xff\xfe".decode(
        utils.get_encode(b"\xff\xfe"))
    assert utils.bytes_to_str(text) == text
    assert utils.to_gbk(text.encode("utf-8")) == text.encode("gbk")
    assert utils.unicode_to_str(b"raw") == b"raw"


# The original SDK's own contracts: every helper takes ``py_version``, positionally where the
# original's signature has it there, and answers "str" of that Python version.
@pytest.mark.parametrize("call,expected", [
    (lambda: utils.get_encode("test to encode", 3), "unicode"),
    (lambda: utils.str_to_unicode("test str to unicode", 3), "test str to unicode"),
    (lambda: utils.unicode_to_str("test unicode to str", py_version=3), "test unicode to str"),
    (lambda: utils.bytes_to_str(b"test unicode to str", py_version=3, str_decode="utf-8"),
     "test unicode to str"),
    (lambda: utils.to_gbk("to gbk", 3), "to gbk"),
    (lambda: utils.bytes_to_str(b"abc", None, "utf-8", 3), "abc"),
    (lambda: utils.unicode_to_str("abc", None, "utf-8", 3), "abc"),
])
def test_original_signatures_with_py_version(call, expected):
    result = call()
    assert isinstance(result, str)
    assert result == expected


def test_py_version_2_means_bytes():
    text = u"场景"
    assert utils.to_gbk(text, 2) == text.encode("gbk")
    assert utils.unicode_to_str(text, str_encode="utf-8", py_version=2) == text.encode("utf-8")
    assert utils.get_encode(text.encode("gbk"), 2) == "gbk"
    assert utils.str_to_unicode(text.encode("utf-8"), 2) == text


def test_unencodable_characters_are_replaced_and_logged(caplog):
    logger = logging.getLogger("clarisse-utils-test")
    with caplog.at_level(logging.WARNING, logger="clarisse-utils-test"):
        result = utils.unicode_to_str(u"\u20ac", logger, "ascii", 3, r_type="ascii")
    assert result == "?"
    assert "cannot encode" in caplog.text
    assert utils.unicode_to_str(u"\u20ac", str_encode="ascii", py_version=2,
                                r_type="ascii") == b"?"
