import sqlite3

import pytest

from rayvision_houdini import HfsSql


def test_reference_type_table(tmp_path):
    db_file = str(tmp_path / "sub" / "data_tl.db")
    conn, cur = HfsSql.connectsl(db_file)
    assert HfsSql.getTableInfo_typs(cur, "ReFerType") == ["file"]
    HfsSql.insertToTable(conn, cur, "ReFerType", ["TYPES", "INFO"], ["env_map", "envlight"])
    HfsSql.insertToTable(conn, cur, "ReFerType", ["TYPES", "INFO"], ["env_map", "light"])
    assert sorted(HfsSql.getTableInfo(cur, "ReFerType")) == [("env_map", "light"),
                                                             ("file", "file")]
    HfsSql.createtable_plug(conn, cur, "Plugins")
    HfsSql.insertToTable(conn, cur, "Plugins", ["HFS", "HtoA", "RedShift"],
                         ["18.0.5", "5.4", "3.0"])
    assert HfsSql.getTableInfo(cur, "Plugins") == [("18.0.5", "5.4", "3.0")]
    conn.close()
    HfsSql.record_reference_types(db_file, {"fileName": "alembic"})
    conn = sqlite3.connect(db_file)
    assert ("fileName", "alembic") in conn.execute("SELECT * FROM ReFerType").fetchall()
    conn.close()


def test_in_memory_and_injection_refused():
    conn, cur = HfsSql.connectsl("")
    with pytest.raises(ValueError):
        HfsSql.getTableInfo(cur, "ReFerType; DROP TABLE ReFerType")
    with pytest.raises(ValueError):
        HfsSql.insertToTable(conn, cur, "ReFerType", ["TYPES", "INFO) --"], ["a", "b"])
    with pytest.raises(ValueError):
        HfsSql.insertToTable(conn, cur, "ReFerType", ["TYPES"], ["a", "b"])
    with pytest.raises(ValueError):
        HfsSql.connectsl("", base_table="1bad")
    assert HfsSql.getTableInfo_typs(cur) == ["file"]
