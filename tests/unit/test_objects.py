"""The Durable Objects store's pure parts (footfall/database/objects.py): the JSON that crosses the RPC
boundary, which migrations an object still needs, when its alarm rings, which failures are
worth another try; and the generated migrations module (src/assets/schema.py) equal to
migrations/."""

import asyncio
import sqlite3

import pytest

from footfall.database.objects import (
    ObjectStore,
    decode_results,
    decode_statements,
    encode_failure,
    encode_results,
    encode_statements,
    next_alarm_ms,
    pending,
    storage_error,
)
from footfall.database.store import Result, Statement, StorageError
from footfall.settings import parse_settings
from support.objects import file_migrations, split_statements

HOUR = 3_600_000
# 2026-11-20 12:00:00 UTC
NOON = 1_795_176_000_000


def test_statements_cross_as_json_with_their_values_intact():
    statements = [
        Statement("init", "INSERT INTO t VALUES (?, ?, ?, ?)", ("a'b\u00e9", 12, None, 1.5)),
        Statement("read", "SELECT 1", ()),
    ]
    assert decode_statements(encode_statements(statements)) == statements


def test_results_cross_as_json_with_rows_and_counts():
    results = [Result(1, [{"a": None, "b": "x"}], 3, 8192, 2), Result(0, [], 0, 8192, 0)]
    assert decode_results(encode_results(results)) == results


@pytest.mark.parametrize("transient", [True, False])
def test_a_failure_inside_the_object_comes_back_as_the_storage_error_it_was(transient):
    with pytest.raises(StorageError, match="init failed: boom") as caught:
        decode_results(encode_failure(StorageError("init failed: boom", transient=transient)))
    assert caught.value.transient is transient


@pytest.mark.parametrize(
    "message,transient",
    [
        ("SQLITE_FULL: database or disk is full", False),
        ("database or disk is full", False),
        ("SQLITE_ERROR: no such table: nope", True),
        ("Durable Object storage operation exceeded timeout", True),
    ],
)
def test_only_a_full_object_is_not_worth_another_try(message, transient):
    assert storage_error("init", RuntimeError(message)).transient is transient


def test_a_call_that_never_reached_the_object_is_a_transient_storage_error():
    async def call(method, payload):
        raise RuntimeError("Network connection lost.")

    with pytest.raises(StorageError, match="did not answer") as caught:
        asyncio.run(ObjectStore(call, "example.com").execute(Statement("init", "SELECT 1", ())))
    assert caught.value.transient


def test_pending_migrations_are_the_missing_ones_in_order():
    migrations = [("0002_b", "B"), ("0001_a", "A"), ("0003_c", "C")]
    assert pending(migrations, ["0002_b"]) == [("0001_a", "A"), ("0003_c", "C")]
    assert pending(migrations, ["0001_a", "0002_b", "0003_c"]) == []


@pytest.mark.parametrize(
    "now,expected",
    [
        (NOON, NOON + 17 * 60_000),
        (NOON + 17 * 60_000 - 1, NOON + 17 * 60_000),
        (NOON + 17 * 60_000, NOON + HOUR + 17 * 60_000),  # strictly after now
        (NOON + 59 * 60_000, NOON + HOUR + 17 * 60_000),
    ],
    ids=["on-the-hour", "just-before", "exactly-at", "late-in-the-hour"],
)
def test_the_alarm_rings_at_17_past_the_next_hour_as_the_cron(now, expected):
    assert next_alarm_ms(now) == expected


@pytest.mark.parametrize("raw,store", [(None, "d1"), ("", "d1"), ("d1", "d1"), ("Durable-Objects", "durable-objects")])
def test_store_setting(raw, store):
    settings = parse_settings({"STORE": raw})
    assert settings.store == store and settings.problem is None


def test_an_unknown_store_is_named_and_d1_kept():
    settings = parse_settings({"STORE": "postgres"})
    assert settings.store == "d1"
    assert settings.problem is not None and settings.problem.setting == "STORE"
    assert "d1 or durable-objects" in str(settings.problem)


def test_the_generated_migrations_module_equals_migrations_dir():
    # make build / wrangler's [build] write it (tools/schema-module.mjs); a stale one would
    # leave every object a migration behind D1.
    from assets.schema import MIGRATIONS

    assert list(MIGRATIONS) == file_migrations()


def test_each_migration_splits_into_statements_sqlite_runs_to_the_same_schema():
    whole, split = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
    for _, sql in file_migrations():
        whole.executescript(sql)
        for statement in split_statements(sql):
            split.execute(statement)
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    assert whole.execute(schema).fetchall() == split.execute(schema).fetchall()
