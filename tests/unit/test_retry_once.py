"""A statement that failed is tried once more (footfall.database.store.RetryOnce): a database busy for a
moment costs no page view; one that stays down is a 503; an unbound one is not retried."""

import uuid

import pytest

from footfall.database.store import Result, RetryOnce, Statement, StorageError
from support.inprocess import InProcess, run_sync

STATEMENT = Statement("s", "SELECT 1", ())


class Flaky:
    def __init__(self, failures: int, transient: bool = True):
        self.failures, self.transient, self.calls = failures, transient, 0

    async def execute(self, statement):
        self.calls += 1
        if self.calls <= self.failures:
            raise StorageError("busy (test)", transient=self.transient)
        return Result(0, [], 0)

    async def batch(self, statements):
        return [await self.execute(s) for s in statements]


@pytest.mark.parametrize(
    "failures,transient,calls,ok",
    [(0, True, 1, True), (1, True, 2, True), (2, True, 2, False), (1, False, 1, False)],
    ids=["fine", "busy-once", "down", "unbound"],
)
def test_one_more_try_for_a_transient_failure_only(failures, transient, calls, ok):
    store = Flaky(failures, transient)
    try:
        run_sync(RetryOnce(store, pause_s=0).execute(STATEMENT))
        assert ok
    except StorageError:
        assert not ok
    assert store.calls == calls


def test_a_page_load_survives_a_database_busy_for_a_moment():
    app = InProcess()
    real = app.store.execute
    calls = []

    async def busy_once(statement):
        calls.append(statement.name)
        if statement.name == "insert_page_load" and calls.count("insert_page_load") == 1:
            raise StorageError("insert_page_load failed: database is locked (test)")
        return await real(statement)

    app.store.execute = busy_once
    assert app.beacon("init", {"uuid": str(uuid.uuid4()), "page": "/", "referrer": ""}).status == 204
    assert app.count("pageviews") == 1 and calls.count("insert_page_load") == 2
