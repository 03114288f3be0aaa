"""The local runtime's own contract (tools/local-runtime): what it promises to behave like
workerd in, checked on a probe Worker."""

import json

import pytest

from support.http import request
from support.processes import ROOT, start_worker, wait_until

CONFIG = str(ROOT / "tests" / "fixtures" / "runtime-probe" / "wrangler.toml")


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    proc, url = start_worker(tmp_path_factory.mktemp("probe"), {"EXTRA": "1"}, config=CONFIG, trust_client_ip=False)
    yield proc, url
    proc.stop()


@pytest.fixture(scope="module")
def trusting_probe(tmp_path_factory):
    proc, url = start_worker(tmp_path_factory.mktemp("probe2"), {"GREETING": "from --var"}, config=CONFIG)
    yield proc, url
    proc.stop()


def state(url):
    return json.loads(request(url, "GET", "/state").body)["finished"]


def test_python_exception_gives_500_and_a_traceback_on_the_console(probe):
    proc, url = probe
    reply = request(url, "GET", "/raise")
    assert reply.status == 500 and b"probe exception" not in reply.body
    assert wait_until(lambda: "ValueError: probe exception" in proc.output())
    assert "Traceback" in proc.output()


def test_wait_until_work_finishes_after_the_response(probe):
    _, url = probe
    reply = request(url, "GET", "/wait")
    assert reply.body == b"scheduled"
    assert "wait" not in state(url)  # the response did not wait for it
    assert wait_until(lambda: "wait" in state(url), timeout=5)


def test_scheduled_trigger_like_wrangler_test_scheduled(probe):
    _, url = probe
    reply = request(url, "GET", "/__scheduled?cron=0+3+*+*+*")
    assert reply.status == 200
    assert "cron:0 3 * * *" in state(url)


def test_cf_connecting_ip_comes_from_the_socket_unless_trusted(probe, trusting_probe):
    spoof = {"CF-Connecting-IP": "203.0.113.9"}
    untrusted = json.loads(request(probe[1], "GET", "/info", headers=spoof).body)
    trusted = json.loads(request(trusting_probe[1], "GET", "/info", headers=spoof).body)
    assert untrusted["ip"] == "127.0.0.1" and trusted["ip"] == "203.0.113.9"
    assert untrusted["has_cf"] is True


def test_vars_come_from_wrangler_toml_and_var_overrides_them(probe, trusting_probe):
    assert json.loads(request(probe[1], "GET", "/info").body)["greeting"] == "from wrangler.toml"
    assert json.loads(request(trusting_probe[1], "GET", "/info").body)["greeting"] == "from --var"
