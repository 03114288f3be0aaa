"""The runtime tier: HTTP to the Worker in the local runtime with a real local D1, for what
only the runtime shows. Most tests share the session's Worker (tests/conftest.py) and keep to
a site of their own (a Host nobody else uses) and their own uuids; the few that need other
variables or a database of their own start their own Worker."""

import uuid as uuid_module

import pytest

from support.http import Visitor


@pytest.fixture
def site() -> str:
    """A host of this test's own: every row it writes carries it."""
    return f"t{uuid_module.uuid4().hex[:12]}.test"


@pytest.fixture
def visitor(worker, site) -> Visitor:
    return Visitor(
        worker,
        site,
        {
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Accept-Language": "en",
        },
    )
