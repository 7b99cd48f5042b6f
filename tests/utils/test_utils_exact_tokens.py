"""Sequence tokens match the numbers their DCC writes for them, no others (a neighbouring
sequence of another padding, non-UDIM numbers), and never miss one a DCC would read."""

import os

import pytest

from rayvision_utils import paths


@pytest.mark.parametrize("pattern, good, bad", [
    # Padded to four digits: a longer number has no leading zero (frame 12345).
    ("t.####.exr", ["t.0001.exr", "t.1234.exr", "t.12345.exr", "t.-0001.exr"],
     ["t.01234.exr", "t.00001.exr", "t.001.exr", "t.1.exr"]),
    ("t.@@@.exr", ["t.001.exr", "t.1000.exr"], ["t.0001.exr", "t.01.exr"]),
    ("t.%04d.exr", ["t.0001.exr", "t.10000.exr", "t.-001.exr"],
     ["t.01234.exr", "t.001.exr", "t.1.exr"]),
    ("t.%4d.exr", ["t.0001.exr"], ["t.1.exr", "t.00010.exr"]),
    ("t.%d.exr", ["t.7.exr", "t.0.exr", "t.10.exr", "t.-3.exr"], ["t.07.exr", "t.0007.exr"]),
    ("t.%01d.exr", ["t.7.exr"], ["t.07.exr"]),
    ("g.$F4.bgeo", ["g.0001.bgeo", "g.-001.bgeo", "g.10000.bgeo"],
     ["g.1.bgeo", "g.01.bgeo", "g.00001.bgeo"]),
    ("g.${F3}.bgeo", ["g.001.bgeo"], ["g.1.bgeo", "g.0001.bgeo"]),
    ("i.$4F.exr", ["i.0001.exr", "i.12345.exr"], ["i.1.exr", "i.001.exr", "i.01234.exr"]),
    ("i.${2F}.exr", ["i.01.exr", "i.100.exr"], ["i.1.exr", "i.001.exr"]),
    ("r.<f4>.exr", ["r.0001.exr", "r.12345.exr"], ["r.1.exr", "r.00001.exr"]),
    # UDIM tiles are 1001 + u + 10 * v, u in 0-9: 1001 to 9999.
    ("t.<UDIM>.tx", ["t.1001.tx", "t.1010.tx", "t.1011.tx", "t.1999.tx", "t.9999.tx"],
     ["t.1000.tx", "t.0999.tx", "t.0001.tx", "t.0000.tx", "t.10001.tx"]),
    ("t.<udim:1001>.tx", ["t.1002.tx"], ["t.1000.tx"]),
    ("t.%(UDIM)d.rat", ["t.1001.rat", "t.2020.rat"], ["t.1000.rat", "t.0123.rat"]),
    ("t.%(UDIM)05d.rat", ["t.01001.rat"], ["t.01000.rat", "t.11001.rat"]),
    ("t.<tile>.tx", ["t.1001.tx", "t._u1_v1.tx"], ["t.1000.tx", "t.0042.tx"]),
])
def test_tokens_match_exactly(pattern, good, bad):
    for ignore_case in (False, True):
        regex = paths.sequence_regex(pattern, ignore_case=ignore_case)
        for name in good:
            assert regex.match(name), (pattern, name)
        for name in bad:
            assert not regex.match(name), (pattern, name)


@pytest.mark.parametrize("pattern", ["t.#.exr", "t.@.exr", "t.<f>.exr", "t.$F.exr",
                                     "t.<frame>.exr"])
def test_tokens_of_uncertain_padding_take_any_number(pattern):
    # A lone ``#`` is four digits for some DCCs and one for others; $F, <f> and <frame> are
    # read padded or not depending on the DCC: none of the files may be missed.
    regex = paths.sequence_regex(pattern, ignore_case=False)
    for name in ("t.1.exr", "t.0001.exr", "t.12345.exr", "t.-1.exr"):
        assert regex.match(name), (pattern, name)


def _touch(folder, names):
    os.makedirs(folder, exist_ok=True)
    for name in names:
        with open(os.path.join(folder, name), "wb") as handle:
            handle.write(b"x")


@pytest.mark.parametrize("written", ["tex\\a.####.exr", "tex/a.####.exr", "{root}/tex/a.####.exr",
                                     "{root}\\tex\\a.####.exr"])
def test_a_neighbouring_sequence_is_not_uploaded(tmp_path, written):
    # Two sequences of one name in one folder, padded to 4 and 5 digits: Windows-style and
    # POSIX paths, relative and absolute, find the four-digit one only.
    root = str(tmp_path).replace("\\", "/")
    _touch(os.path.join(root, "tex"), ["a.0001.exr", "a.0002.exr", "a.12345.exr",
                                       "a.00001.exr", "a.00002.exr", "a.1.exr"])
    files, _ = paths.resolve_files(written.format(root=root), ["D:/missing", root],
                                   environ={}, cache=paths.DirectoryCache(ignore_case=False))
    assert [os.path.basename(path) for path in files] == ["a.0001.exr", "a.0002.exr",
                                                          "a.12345.exr"]
    assert all(path.startswith(root + "/tex/") for path in files)


def test_udim_tiles_only(tmp_path):
    root = str(tmp_path).replace("\\", "/")
    _touch(os.path.join(root, "tex"), ["c.1001.tx", "c.1002.tx", "c.1011.tx", "c.1000.tx",
                                       "c.0100.tx", "C.1003.TX"])
    for ignore_case, expected in ((False, ["c.1001.tx", "c.1002.tx", "c.1011.tx"]),
                                  (True, ["C.1003.TX", "c.1001.tx", "c.1002.tx",
                                          "c.1011.tx"])):
        for written in ("tex\\c.<UDIM>.tx", root + "/tex/c.<UDIM>.tx"):
            files, _ = paths.resolve_files(written, [root], environ={},
                                           cache=paths.DirectoryCache(ignore_case))
            assert [os.path.basename(path) for path in files] == expected, written
