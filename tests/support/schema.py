"""The real schema (migrations/) in an in-memory SQLite, for unit tests of SQL text."""

import sqlite3

from .processes import ROOT


def memory_database(row_factory=None) -> sqlite3.Connection:
    con = sqlite3.connect(":memory:")
    if row_factory is not None:
        con.row_factory = row_factory
    for migration in sorted((ROOT / "migrations").glob("*.sql")):
        con.executescript(migration.read_text())
    return con
