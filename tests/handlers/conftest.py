"""The in-process tier: every test gets its own InProcess app (own SQLite with the real
migrations, own pinned clock, own origin), so tests share nothing and need no ports."""

import pytest

from support.inprocess import InProcess
from support.owner import DASHBOARD_TOKEN

VARIABLES = {"EVENT_NAMES": "signup,newsletter", "DASHBOARD_TOKEN": DASHBOARD_TOKEN}


@pytest.fixture
def make_app():
    """An app with the test variables plus `variables` (a value of None removes one)."""

    def make(variables: dict[str, str | None] | None = None, **kw) -> InProcess:
        merged = {**VARIABLES, **(variables or {})}
        return InProcess({k: v for k, v in merged.items() if v is not None}, **kw)

    return make


@pytest.fixture
def app(make_app) -> InProcess:
    return make_app()
