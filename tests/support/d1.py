"""Read the local D1 back, two ways.

`wrangler_query` is what a user runs (`wrangler d1 execute DB --local --persist-to ... --json`).
`LocalDatabase` opens the same SQLite file read-only: the same bytes, fast enough to check
after every hostile request that nothing was written.
"""

import json
import sqlite3
import subprocess
from pathlib import Path

from .processes import NPX, ROOT

DATA_TABLES = ("pageviews", "events", "hits", "salts", "daily_pages", "daily_dimensions", "daily_events")


def _wrangler_execute(persist_to: Path, *what: str) -> list[dict]:
    return _wrangler_results(persist_to, *what)[0]


def _wrangler_results(persist_to: Path, *what: str) -> list[list[dict]]:
    """The rows of each statement, in order."""
    out = subprocess.run(
        [*NPX, "wrangler", "d1", "execute", "DB", "--local", "--persist-to", str(persist_to), "--json", *what],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return [statement["results"] for statement in json.loads(out.stdout)]


def wrangler_query(persist_to: Path, sql: str) -> list[dict]:
    return _wrangler_execute(persist_to, "--command", sql)


def wrangler_file(persist_to: Path, file: Path) -> list[dict]:
    return _wrangler_execute(persist_to, "--file", str(file))


def wrangler_file_results(persist_to: Path, file: Path) -> list[list[dict]]:
    """Every statement of a file in one `wrangler d1 execute --file` (one start of wrangler)."""
    return _wrangler_results(persist_to, "--file", str(file))


class LocalDatabase:
    def __init__(self, persist_to: Path):
        self.persist_to = persist_to

    def _file(self) -> Path:
        files = [p for p in (self.persist_to / "v3" / "d1").rglob("*.sqlite") if p.name != "metadata.sqlite"]
        if len(files) != 1:
            raise AssertionError(f"expected one D1 database file under {self.persist_to}, found {files}")
        return files[0]

    def query(self, sql: str, params=()) -> list[dict]:
        con = sqlite3.connect(f"file:{self._file()}?mode=ro", uri=True)
        con.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in con.execute(sql, params)]
        finally:
            con.close()

    def snapshot(self) -> dict:
        """Everything a write could change: each table's rows, as a comparable value."""
        return {t: self.query(f"SELECT * FROM {t} ORDER BY 1") for t in DATA_TABLES}
