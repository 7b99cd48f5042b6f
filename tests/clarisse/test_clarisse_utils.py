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
    assert utils.bytes_to_str(text.encode("utf-8")) == text
    assert utils.bytes_to_str(text.encode("gbk"), str_decode="gbk") == text
    assert utils.bytes_to_str(b"\xff\xfe", str_decode="nope-codec") == b"\xff\xfe".decode(
        utils.get_encode(b"\xff\xfe"))
    assert utils.bytes_to_str(text) == text
    assert utils.to_gbk(text) == text.encode("gbk")
    assert utils.unicode_to_str(text, str_encode="utf-8") == text.encode("utf-8")
    assert utils.unicode_to_str(b"raw") == b"raw"
    assert utils.unicode_to_str(u"\u20ac", str_encode="ascii", r_type="ascii") == b"?"
