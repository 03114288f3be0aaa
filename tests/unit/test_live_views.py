"""The live views in migrations/ are what footfall/database/live_views.py makes of today's SQL."""

import re
from pathlib import Path

from footfall.database import live_views

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


def newest_view_definitions() -> dict[str, str]:
    """CREATE VIEW statements by view name, the newest migration's wins."""
    views: dict[str, str] = {}
    for migration in sorted(MIGRATIONS.glob("*.sql")):
        text = re.sub(r"^--.*$", "", migration.read_text(), flags=re.M)
        for statement in text.split(";"):
            match = re.search(r"CREATE VIEW (\w+) AS", statement)
            if match:
                views[match.group(1)] = statement.strip() + ";"
            for dropped in re.findall(r"DROP VIEW (?:IF EXISTS )?(\w+)", statement):
                views.pop(dropped, None)
    return views


def test_the_migrations_create_the_live_views_this_code_would():
    expected = {re.search(r"CREATE VIEW (\w+)", sql).group(1): sql for sql in live_views.create_statements()}
    assert newest_view_definitions().keys() >= expected.keys()
    for name, sql in expected.items():
        assert newest_view_definitions()[name] == sql, (
            f"{name} in migrations/ differs from footfall/database/live_views.py: add a migration that drops and "
            "creates the view again with live_views.create_statements()"
        )
