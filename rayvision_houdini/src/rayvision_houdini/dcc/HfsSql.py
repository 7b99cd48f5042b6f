# -*- coding: utf-8 -*-
"""The reference-type database: which parameter names hold file references.

A small sqlite file (``data_tl.db``) that grows with every analysis: table ``ReFerType``
``(TYPES TEXT primary key NOT NULL, INFO TEXT)``, seeded with ``file``. Runs inside hython
(Python 2.7 and 3) and in the SDK (``rayvision_houdini.HfsSql`` re-exports it).

Table and column names cannot be bound as sqlite parameters, so they are checked against an
identifier pattern before they reach a statement.
"""

import os
import re
import sqlite3

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_STRING_TYPES = (str, type(u""))
BASE_TABLE = "ReFerType"
PLUGIN_COLUMNS = ("HFS", "HtoA", "RedShift")


def _identifier(name):
    if not isinstance(name, _STRING_TYPES) or not _IDENTIFIER.match(name):
        raise ValueError("not a valid sqlite table/column name: {0!r}".format(name))
    return name


def connectsl(db_file="", base_table=BASE_TABLE):
    """Open (and create) the database and its reference-type table.

    Args:
        db_file (str): sqlite file path; ``""`` opens an in-memory database.
        base_table (str): Table to create when missing (seeded with ``file``).

    Returns:
        tuple: ``(connection, cursor)``.
    """
    base_table = _identifier(base_table)
    folder = os.path.dirname(db_file) if db_file else ""
    if folder and not os.path.isdir(folder):
        os.makedirs(folder)
    connection = sqlite3.connect(db_file or ":memory:", timeout=30)
    cursor = connection.cursor()
    cursor.execute("CREATE TABLE IF NOT EXISTS {0} (TYPES TEXT PRIMARY KEY NOT NULL, "
                   "INFO TEXT)".format(base_table))
    cursor.execute("SELECT 1 FROM {0} WHERE TYPES = ?".format(base_table), ("file",))
    if cursor.fetchone() is None:
        # Writing (and its disk sync) only when something changes: analyses run it each time.
        cursor.execute("INSERT OR IGNORE INTO {0} (TYPES, INFO) VALUES (?, ?)".format(
            base_table), ("file", "file"))
        connection.commit()
    return connection, cursor


def insertToTable(conn, cur, table, parms, values):
    """``INSERT OR REPLACE`` one row.

    Args:
        conn: sqlite connection.
        cur: Its cursor.
        table (str): Table name.
        parms (list of str): Column names.
        values (list): Values, same length as ``parms``.
    """
    table = _identifier(table)
    columns = [_identifier(column) for column in parms]
    if len(columns) != len(values):
        raise ValueError("{0} columns but {1} values".format(len(columns), len(values)))
    cur.execute("INSERT OR REPLACE INTO {0} ({1}) VALUES ({2})".format(
        table, ", ".join(columns), ", ".join("?" for _ in columns)), tuple(values))
    conn.commit()


def getTableInfo(cur, table):
    """Every row of ``table`` as a list of tuples."""
    cur.execute("SELECT * FROM {0}".format(_identifier(table)))
    return cur.fetchall()


def getTableInfo_typs(cur, table=BASE_TABLE):
    """The ``TYPES`` column of ``table``: the parameter names known to hold file references."""
    cur.execute("SELECT TYPES FROM {0}".format(_identifier(table)))
    return [row[0] for row in cur.fetchall()]


def createtable_plug(conn, cur, table):
    """Create a plugin-version table with columns HFS, HtoA, RedShift."""
    table = _identifier(table)
    cur.execute("CREATE TABLE IF NOT EXISTS {0} (HFS TEXT PRIMARY KEY NOT NULL, HtoA TEXT, "
                "RedShift TEXT)".format(table))
    conn.commit()


def record_reference_types(db_file, parm_types):
    """Add parameter names (name -> node type) to the database, then close it."""
    conn, cur = connectsl(db_file)
    try:
        known = dict(cur.execute("SELECT TYPES, INFO FROM {0}".format(BASE_TABLE)).fetchall())
        changed = [name for name in sorted(parm_types) if known.get(name) != parm_types[name]]
        for name in changed:
            cur.execute("INSERT OR REPLACE INTO {0} (TYPES, INFO) VALUES (?, ?)".format(
                BASE_TABLE), (name, parm_types[name]))
        if changed:
            conn.commit()
    finally:
        conn.close()
