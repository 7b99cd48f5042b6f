"""The reference-type database (``rayvision_houdini.HfsSql``, documented module name).

The implementation lives in ``dcc/HfsSql.py`` because the in-hython script uses it too.
"""

from rayvision_houdini.dcc.HfsSql import (  # noqa: F401
    BASE_TABLE,
    connectsl,
    createtable_plug,
    getTableInfo,
    getTableInfo_typs,
    insertToTable,
    record_reference_types,
)

__all__ = ["BASE_TABLE", "connectsl", "createtable_plug", "getTableInfo", "getTableInfo_typs",
           "insertToTable", "record_reference_types"]
