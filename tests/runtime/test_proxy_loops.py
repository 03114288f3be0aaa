"""The local runtime with an empty ORIGIN_URL never follows a client-chosen Host (issue 14,
item 11): on Cloudflare such a fetch goes to the origin behind the Worker's route; locally
there is none, and the Host is whatever the client wrote. Before, a Host naming another
server made the runtime an open proxy, and a Host naming the runtime itself nested thousands
of requests. The Worker's own loop header (in-process tests in
tests/handlers/test_proxy_credentials_and_loops.py) stops a loop in both runtimes."""

import json
from urllib.parse import urlsplit

import pytest

from support.http import request
from support.processes import start_worker


@pytest.fixture(scope="module")
def unconfigured(tmp_path_factory):
    """A Worker with ORIGIN_URL empty (wrangler.toml's default)."""
    proc, url = start_worker(tmp_path_factory.mktemp("no-origin"), {})
    yield url
    proc.stop()


def invocations(url: str) -> int:
    return json.loads(request(url, "GET", "/__stats").body)["invocations"]


def test_a_host_naming_another_server_is_not_fetched(unconfigured, origin):
    other = urlsplit(origin).netloc  # a real server that would answer 200
    reply = request(unconfigured, "GET", "/", headers={"Host": other, "Sec-Fetch-Dest": "document"})
    assert reply.status == 502
    assert b"could not be reached" in reply.body


def test_a_host_naming_the_runtime_itself_is_one_request_not_a_loop(unconfigured):
    request(unconfigured, "GET", "/__stats?reset")
    reply = request(unconfigured, "GET", "/", headers={"Host": urlsplit(unconfigured).netloc}, timeout=15)
    assert reply.status == 502
    assert invocations(unconfigured) == 1


def test_footfalls_own_endpoints_still_answer_under_any_host(unconfigured):
    assert request(unconfigured, "GET", "/_ff/script.js", headers={"Host": "blog.example"}).status == 200
