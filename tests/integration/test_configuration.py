"""A broken configuration gives a clear error naming the variable, on the request and in the log."""

import pytest

from support.http import request
from support.processes import start_worker, wait_until


@pytest.mark.parametrize("variable,value", [
    ("ORIGIN_URL", "user.github.io"),
    ("ORIGIN_TIMEOUT_MS", "soon"),
])
def test_a_bad_proxy_variable_is_named_in_the_response_and_the_log(state, variable, value):
    proc, url = start_worker(state, {variable: value})
    try:
        reply = request(url, "GET", "/")
        assert reply.status == 500
        data = reply.json()
        assert data["error"] == "misconfigured" and variable in data["message"]
        assert value not in data["message"]
        assert wait_until(lambda: "configuration error" in proc.output() and variable in proc.output())
    finally:
        proc.stop()


@pytest.mark.parametrize("variable,value,path", [
    ("FOOTFALL_PATH", "no-leading-slash", "/_ff/init"),
    ("DASHBOARD_TOKEN", "short", "/_ff/dashboard"),
    ("RETENTION_DAYS", "forever", "/_ff/init"),
])
def test_a_bad_analytics_variable_leaves_the_site_working_and_footfall_names_it(state, origin, variable, value, path):
    proc, url = start_worker(state, {"ORIGIN_URL": origin, variable: value})
    try:
        assert request(url, "GET", "/").status == 200  # the site behind the proxy
        reply = request(url, "POST" if path.endswith("init") else "GET", path, b"{}",
                        {"Content-Type": "application/json"})
        assert reply.status == 500 and variable in reply.json()["message"] and value not in reply.json()["message"]
        assert wait_until(lambda: "configuration error" in proc.output())
    finally:
        proc.stop()
