"""Token and variable rules of rayvision_utils.paths that a regression could bend quietly."""

from rayvision_utils import paths


def test_percent_variables_are_expanded_even_when_named_like_frame_tokens():
    # %F% is a Windows environment variable; only $F-style names are frame tokens.
    env = {"F": "/farm", "F4": "/four", "4F": "/nf"}
    assert paths.expand_env("%F%/a.exr", env) == "/farm/a.exr"
    assert paths.expand_env("%F4%/a.$F4.exr", env) == "/four/a.$F4.exr"
    assert paths.expand_env("%4F%/a.$4F.exr", env) == "/nf/a.$4F.exr"


def test_variables_expanding_to_variables_are_followed():
    env = {"A": "$B/x", "B": "${C}/y", "C": "/root"}
    assert paths.expand_env("$A/f.png", env) == "/root/y/x/f.png"


def test_hashes_and_printf_widths_are_the_least_number_of_digits():
    hashes = paths.sequence_regex("a.####.exr", ignore_case=False)
    assert hashes.match("a.0001.exr") and hashes.match("a.12345.exr")
    assert not hashes.match("a.001.exr") and not hashes.match("a.1.exr")
    printf = paths.sequence_regex("a.%04d.exr", ignore_case=False)
    assert printf.match("a.0001.exr") and printf.match("a.10000.exr")
    assert not printf.match("a.001.exr")
    assert paths.sequence_regex("a.%d.exr", ignore_case=False).match("a.7.exr")


def test_udim_is_exactly_four_digits():
    for pattern in ("t.<UDIM>.exr", "t.%(UDIM)d.exr"):
        regex = paths.sequence_regex(pattern, ignore_case=False)
        assert regex.match("t.1001.exr"), pattern
        assert not regex.match("t.10011.exr"), pattern
        assert not regex.match("t.101.exr"), pattern


def test_a_token_in_a_folder_name_is_not_a_sequence():
    assert not paths.has_sequence_token("/shots/sh####/plate.exr")
    assert not paths.has_sequence_token("D:\\tex\\<UDIM>\\albedo.png")
    assert paths.has_sequence_token("/shots/sh010/plate.####.exr")
