"""The mutant list of ``nox -s mutants`` (docs/dev) stays in step with the sources.

A mutant whose original snippet no longer occurs exactly once cannot be applied, so the
mutation run would stop on it; checked here, where every change runs, instead.
"""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import mutants  # noqa: E402

sys.path.remove(os.path.join(ROOT, "tools"))


def test_every_original_snippet_occurs_once_in_its_file():
    _, listed = mutants.load(mutants.DEFAULT_DATA)
    assert listed
    mutants.check_sources(listed)


def test_a_stale_snippet_is_named(tmp_path):
    _, listed = mutants.load(mutants.DEFAULT_DATA)
    stale = dict(listed[0], original=listed[0]["original"] + "  # no longer in the file")
    with pytest.raises(mutants.MutantError) as caught:
        mutants.check_sources([stale])
    assert stale["id"] in str(caught.value)
