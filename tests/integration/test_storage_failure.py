"""When D1 fails or is not bound, collection answers 503 and the site is not affected."""

import pytest

from support.http import new_uuid, post_json, request
from support.processes import ROOT, start_worker

PREFIX = "/_ff"


@pytest.fixture(scope="module")
def workers_without_storage(tmp_path_factory, origin):
    # 1. A database whose migrations were never applied: every statement fails in D1.
    broken_state = tmp_path_factory.mktemp("unmigrated")
    broken, broken_url = start_worker(broken_state, {"ORIGIN_URL": origin})
    # 2. No D1 binding at all.
    unbound, unbound_url = start_worker(tmp_path_factory.mktemp("unbound"), {"ORIGIN_URL": origin},
                                        config=str(ROOT / "tests" / "fixtures" / "wrangler.no-d1.toml"))
    yield {"erroring": (broken, broken_url), "unbound": (unbound, unbound_url)}
    broken.stop()
    unbound.stop()


@pytest.mark.parametrize("kind", ["erroring", "unbound"])
@pytest.mark.parametrize("endpoint,payload", [
    ("init", {"page": "/"}),
    ("heartbeat", {"delta": 5}),
    ("event", {"type": "scroll", "name": "25", "page": "/"}),
])
def test_collection_answers_503_and_logs_it(workers_without_storage, kind, endpoint, payload):
    proc, url = workers_without_storage[kind]
    reply = post_json(url, f"{PREFIX}/{endpoint}", {"uuid": new_uuid(), **payload})
    assert reply.status == 503
    assert reply.json() == {"error": "storage_unavailable",
                            "message": "analytics storage is unavailable; try again later"}
    assert "analytics storage failed" in proc.output()


@pytest.mark.parametrize("kind", ["erroring", "unbound"])
def test_the_site_keeps_working_without_storage(workers_without_storage, kind):
    _, url = workers_without_storage[kind]
    for path in ("/", "/blog/hello.html", "/logo.png"):
        assert request(url, "GET", path).status == 200, path
