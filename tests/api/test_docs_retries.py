"""docs/retries.md holds the retry table of the operation table, row for row."""

import os

from helpers.retry_table import table

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "retries.md")


def test_docs_retry_table_is_the_operation_table():
    with open(DOC, encoding="utf-8") as handle:
        text = handle.read()
    assert table() in text, "regenerate it: python tests/helpers/retry_table.py"
