"""A broken configuration gives a clear error naming the variable, on the request and in the log."""

import pytest

from support.http import request
from support.processes import start_worker, wait_until


@pytest.mark.parametrize("variable,value", [
    ("FOOTFALL_PATH", "no-leading-slash"),
    ("ORIGIN_URL", "user.github.io"),
    ("ORIGIN_TIMEOUT_MS", "soon"),
])
def test_bad_variable_is_named_in_the_response_and_the_log(state, variable, value):
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
