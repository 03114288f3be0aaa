"""Python Durable Objects in the local runtime (tools/local-runtime/durable-objects.mjs and
do-storage.mjs), on the fixture Worker tests/fixtures/local-runtime-durable-objects: one
instance per id, calls to one object one at a time, SQLite storage in files any reader can
open, alarms, deleteAll, and errors that stay with their call.

Every test uses object names of its own, so the tests share one runtime (alarms run only
through GET /__alarms there); the restart and the alarm timer get runtimes of their own."""

import json
import sqlite3
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest

from support.http import request
from support.processes import ROOT, start_worker, wait_until

CONFIG = str(ROOT / "tests" / "fixtures" / "local-runtime-durable-objects" / "wrangler.toml")
# <persist-to>/v3/do/<Worker name>-<class name>/<id>.sqlite, as Miniflare lays out its objects.
OBJECT_DIR = Path("v3") / "do" / "local-runtime-do-Counter"
HOUR_MS = 3_600_000


def start(persist: Path, *flags: str):
    return start_worker(persist, {}, config=CONFIG, extra_args=("--durable-object", "OTHER:Counter", *flags))


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    persist = tmp_path_factory.mktemp("durable-objects")
    proc, url = start(persist, "--alarms", "manual")
    yield url, persist
    proc.stop()


def name() -> str:
    return f"o{uuid.uuid4().hex[:10]}"


def call(url: str, obj: str, method: str, *args, binding: str = "do"):
    """The Worker calls `method(*args)` on the object named `obj`; (status, answer)."""
    reply = request(url, "GET", f"/{binding}/{obj}/{method}?args={quote(json.dumps(list(args)))}")
    return reply.status, reply.json()


def result(url: str, obj: str, method: str, *args):
    status, answer = call(url, obj, method, *args)
    assert status == 200, answer
    return answer["result"]


def object_file(url: str, persist: Path, obj: str) -> Path:
    return persist / OBJECT_DIR / f"{result(url, obj, 'whoami')['id']}.sqlite"


def read_file(path: Path, sql: str) -> list[tuple]:
    """Rows from the object's SQLite file, read by Python's sqlite3 as any reader would."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def tables(path: Path) -> set[str]:
    return {n for (n,) in read_file(path, "SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_one_instance_per_id_and_storage_per_id(runtime):
    url, persist = runtime
    a, b = name(), name()
    first, again, other = (result(url, a, "whoami"), result(url, a, "whoami"), result(url, b, "whoami"))
    assert first == again and first["name"] == a
    assert other["token"] != first["token"] and other["id"] != first["id"]
    result(url, a, "increment", "x", 5)
    assert result(url, a, "counts") == {"x": 5}
    assert result(url, b, "counts") == {}
    assert read_file(object_file(url, persist, a), "SELECT key, n FROM counts") == [("x", 5)]
    assert read_file(object_file(url, persist, b), "SELECT key, n FROM counts") == []


def test_ids_come_from_names_as_64_hex_digits_through_the_sdk_wrapper(runtime):
    url, _ = runtime
    obj = name()
    ids = request(url, "GET", f"/ids/{obj}").json()
    assert len(ids["hex"]) == 64 and int(ids["hex"], 16) >= 0
    assert ids["name"] == obj and ids["same"] and ids["from_string"] and ids["unique_differs"]
    # env.COUNTER reached the Worker as the SDK's namespace wrapper (constructor named
    # DurableObjectNamespace), whose get()/getByName() wrap the stub as a fetcher.
    assert ids["binding"] == "_DurableObjectNamespaceWrapper"
    assert result(url, obj, "whoami")["id"] == ids["hex"]


def test_a_binding_from_the_flag_reaches_the_same_objects_as_the_configs(runtime):
    url, _ = runtime
    obj = name()
    status, answer = call(url, obj, "whoami", binding="other")
    assert status == 200 and answer["result"] == result(url, obj, "whoami")


def test_concurrent_calls_to_one_object_run_one_at_a_time(runtime):
    # increment() reads, yields to the event loop, then writes: calls let in together would
    # read the same value and lose updates.
    url, _ = runtime
    obj = name()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda _: result(url, obj, "increment", "k"), range(16)))
    assert sorted(answers) == list(range(1, 17))
    assert result(url, obj, "counts") == {"k": 16}


def test_sql_exec_cursor_as_in_production(runtime):
    url, _ = runtime
    obj = name()
    result(url, obj, "increment", "a", 1)
    cursor = result(url, obj, "cursor")
    assert cursor["columns"] == ["key", "n"]
    assert cursor["raw"] == [["a", 1]]
    assert cursor["rows_read"] >= 1
    # Two rows into `counts`, each with the index SQLite keeps for its TEXT primary key.
    assert cursor["written"] == 4
    assert cursor["one"] == 3
    assert cursor["size"] > 0 and cursor["size"] % 4096 == 0


def test_rows_written_count_index_entries_as_d1_does(runtime):
    # As the local D1 counts: an insert writes the row and one entry per index, an update one
    # more per index it changes, a delete 1. SQLite's update hook sees no WITHOUT ROWID table.
    url, _ = runtime
    assert result(url, name(), "rows_written") == {
        "insert": 2,
        "update_unindexed": 1,
        "update_indexed": 2,
        "delete": 1,
        "select": 0,
    }


def test_key_value_api_in_the_objects_database(runtime):
    url, persist = runtime
    obj = name()
    assert result(url, obj, "kv") == {
        "one": {"n": 1, "tags": ["x"]},
        "many": {"a": "first", "b:2": 2},
        "missing": None,
        "listed": ["b:1", "b:2"],
        "reversed": ["c", "b:2"],
        "deleted": True,
        "deleted_again": False,
        "deleted_many": 2,
        "left": ["c"],
    }
    assert [k for (k,) in read_file(object_file(url, persist, obj), "SELECT key FROM _cf_KV")] == ["c"]


def test_transaction_sync_writes_all_or_nothing(runtime):
    url, persist = runtime
    obj = name()
    status, answer = call(url, obj, "add_many", ["p", "q", "r"], 2)
    assert status == 500 and "failed half-way" in answer["error"]
    assert result(url, obj, "counts") == {}
    assert read_file(object_file(url, persist, obj), "SELECT key FROM counts") == []
    assert result(url, obj, "add_many", ["p", "q", "r"]) == 3
    assert result(url, obj, "counts") == {"p": 1, "q": 1, "r": 1}


# Both transaction APIs of the local storage, nested and failing, straight on the module.
TRANSACTIONS = """
import { DurableObjectStorage, ObjectStore, loadSqlite } from './tools/local-runtime/do-storage.mjs';
const s = new DurableObjectStorage(new ObjectStore(await loadSqlite(), process.argv[1]));
const add = (x) => s.sql.exec('INSERT INTO t VALUES (?)', x);
const refused = [];
s.sql.exec('CREATE TABLE t (x INTEGER)');
await s.transaction(async () => { add(1); await null; });
await s.transaction(async () => { add(2); await null; throw new Error('2'); }).catch((e) => refused.push(e.message));
try { s.transactionSync(() => { add(3); s.transactionSync(() => add(4)); throw new Error('3'); }); }
catch (e) { refused.push(e.message); }
s.transactionSync(() => {
  add(5);
  try { s.transactionSync(() => { add(6); throw new Error('6'); }); } catch (e) { refused.push(e.message); }
});
try { s.transactionSync(async () => add(7)); } catch (e) { refused.push(e.constructor.name); }
await s.transaction(async () => { add(8); await s.transaction(async () => { add(9); await null; }); });
console.log(JSON.stringify({ kept: s.sql.exec('SELECT x FROM t ORDER BY x').toArray().map((r) => r.x), refused }));
"""


def test_transactions_nest_and_roll_back_what_failed(tmp_path):
    out = subprocess.run(
        ["node", "--input-type=module", "-e", TRANSACTIONS, str(tmp_path / "object.sqlite")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"kept": [1, 5, 8, 9], "refused": ["2", "3", "6", "TypeError"]}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("BEGIN TRANSACTION", "transactionSync"),
        ("savepoint s1", "transactionSync"),
        ("SELECT * FROM _cf_alarm", "SQLITE_AUTH"),
        ("SELECT * FROM no_such_table", "no such table"),
    ],
    ids=["begin", "savepoint", "hidden-table", "sqlite-error"],
)
def test_sql_the_object_may_not_run_raises_in_the_object(runtime, query, message):
    url, _ = runtime
    error = result(url, name(), "sql_error", query)
    assert error and message in error


def test_object_fetch_gets_the_request(runtime):
    url, _ = runtime
    obj = name()
    answer = request(url, "GET", f"/fetch/{obj}").json()
    assert answer["url"] == "https://object.example/hello"
    assert answer["method"] == "POST" and answer["body"] == "ping"
    assert answer["token"] == result(url, obj, "whoami")["token"]


def test_an_exception_in_a_method_rejects_that_call_only(runtime):
    url, _ = runtime
    obj = name()
    result(url, obj, "increment", "k")
    status, answer = call(url, obj, "boom")
    assert status == 500 and "boom from the object" in answer["error"]
    status, answer = call(url, obj, "no_such_method")
    assert status == 500 and "no_such_method" in answer["error"]
    # Same object, same instance, still serving.
    assert result(url, obj, "increment", "k") == 2


def test_an_alarm_run_by_the_hook_runs_once_and_is_gone(runtime):
    url, persist = runtime
    obj = name()
    at = 1_700_000_000_000
    assert result(url, obj, "schedule", at) == at
    path = object_file(url, persist, obj)
    assert read_file(path, "SELECT scheduled_ms FROM _cf_alarm") == [(at,)]
    early = request(url, "GET", f"/__alarms?now_ms={at - 1}").json()
    assert obj not in [r["name"] for r in early["ran"]]
    ran = [r for r in request(url, "GET", f"/__alarms?now_ms={at}").json()["ran"] if r["name"] == obj]
    assert ran == [
        {"class": "Counter", "id": path.stem, "name": obj, "scheduled_ms": at, "retry_count": 0, "outcome": "ok"}
    ]
    again = request(url, "GET", f"/__alarms?now_ms={at + HOUR_MS}").json()
    assert obj not in [r["name"] for r in again["ran"]]
    assert result(url, obj, "alarm_runs") == [0]
    assert result(url, obj, "get_alarm") is None
    assert read_file(path, "SELECT * FROM _cf_alarm") == []


def test_a_failing_alarm_is_retried_with_backoff(runtime):
    url, _ = runtime
    obj = name()
    at = 1_900_000_000_000  # later than any time another test runs alarms at
    result(url, obj, "schedule", at, True)
    first = [r for r in request(url, "GET", f"/__alarms?now_ms={at}").json()["ran"] if r["name"] == obj]
    assert first[0]["outcome"] == "error" and "alarm failed on purpose" in first[0]["error"]
    assert first[0]["retry_ms"] == at + 2000
    assert result(url, obj, "get_alarm") == at + 2000
    second = [r for r in request(url, "GET", f"/__alarms?now_ms={at + 2000}").json()["ran"] if r["name"] == obj]
    assert second[0]["retry_count"] == 1 and second[0]["retry_ms"] == at + 2000 + 4000
    assert result(url, obj, "alarm_runs") == [0, 1]


def test_delete_all_leaves_the_file_without_the_objects_rows_or_alarm(runtime):
    url, persist = runtime
    obj = name()
    result(url, obj, "increment", "secret", 7)
    result(url, obj, "schedule", 1_800_000_000_000)
    path = object_file(url, persist, obj)
    assert read_file(path, "SELECT key FROM counts") == [("secret",)]
    # wipe() calls deleteAll() and then makes its (empty) tables again.
    assert result(url, obj, "wipe") == 0
    assert read_file(path, "SELECT * FROM counts") == []
    assert "_cf_alarm" not in tables(path)
    assert result(url, obj, "get_alarm") is None
    assert b"secret" not in path.read_bytes()


def test_storage_and_alarms_survive_a_restart_and_alarms_follow_the_runtime_clock(tmp_path):
    proc, url = start(tmp_path)
    try:
        obj = name()
        result(url, obj, "increment", "k", 3)
        token = result(url, obj, "whoami")["token"]
        at = int(time.time() * 1000) + HOUR_MS
        result(url, obj, "schedule", at)
    finally:
        proc.stop()
    proc, url = start(tmp_path)
    try:
        assert result(url, obj, "counts") == {"k": 3}
        assert result(url, obj, "whoami")["token"] != token  # a new process, a new instance
        assert result(url, obj, "get_alarm") == at
        assert result(url, obj, "alarm_runs") == []
        # Move the runtime's clock past the alarm: its timer runs it, no hook needed.
        request(url, "GET", f"/__clock?advance_ms={2 * HOUR_MS}")
        assert wait_until(lambda: result(url, obj, "alarm_runs") == [0], timeout=10)
        assert result(url, obj, "get_alarm") is None
        # This runtime is the test's own: its counter holds exactly this one alarm run.
        assert request(url, "GET", "/__stats").json()["alarms_run"] == 1
    finally:
        proc.stop()


def test_a_constructor_that_raises_fails_its_calls_and_alarm_not_the_runtime(tmp_path):
    at = 1_700_000_000_000
    proc, url = start(tmp_path, "--alarms", "manual")
    try:
        obj = name()
        result(url, obj, "schedule", at)
        result(url, obj, "break_constructor")
    finally:
        proc.stop()
    proc, url = start(tmp_path, "--alarms", "manual")
    try:
        status, answer = call(url, obj, "counts")
        assert status == 500 and "constructor broken on purpose" in answer["error"]
        reply = request(url, "GET", f"/__alarms?now_ms={at}")
        assert reply.status == 200
        (ran,) = reply.json()["ran"]
        assert ran["name"] == obj and ran["outcome"] == "error" and ran["retry_ms"] == at + 2000
        assert "constructor broken on purpose" in ran["error"]
        other = name()
        assert result(url, other, "increment", "k") == 1
    finally:
        proc.stop()
