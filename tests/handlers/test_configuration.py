"""A broken configuration gives a clear error naming the variable, on the request and in the
log, and never the value (it may be a secret). A bad proxy variable stops the proxy; a bad
analytics variable stops only footfall's endpoints, and the site keeps working."""

import json

import pytest

from support.logs import log_records

HOME = (200, {"content-type": "text/plain"}, b"home")


def footfall_request(app, path):
    if path.endswith("/init"):
        return app.beacon("init", {"uuid": "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42", "page": "/"})
    return app.get(path)


def assert_names(reply, variable, value):
    assert reply.status == 500
    data = reply.json()
    assert data["error"] == "misconfigured" and variable in data["message"]
    assert value not in data["message"]


@pytest.mark.parametrize(
    "variable,value",
    [
        ("ORIGIN_URL", "user.github.io"),
        ("ORIGIN_URL", "ftp://user.github.io"),
        ("ORIGIN_URL", "https://user:secret-password@user.github.io"),
        ("ORIGIN_TIMEOUT_MS", "soon"),
        ("ORIGIN_TIMEOUT_MS", "99"),
        ("ORIGIN_TIMEOUT_MS", "120001"),
    ],
    ids=[
        "origin-no-scheme",
        "origin-ftp",
        "origin-with-password",
        "timeout-not-a-number",
        "timeout-99",
        "timeout-120001",
    ],
)
@pytest.mark.parametrize("path", ["/", "/_ff/init"], ids=["site", "footfall"])
def test_a_bad_proxy_variable_is_named_in_the_response_and_the_log(make_app, capsys, variable, value, path):
    app = make_app({variable: value})
    app.origin.pages["/"] = HOME
    assert_names(footfall_request(app, path), variable, value)
    assert app.origin.sent == []
    logged = [r for r in log_records(capsys) if r["message"] == "configuration error"]
    assert [r["setting"] for r in logged] == [variable] and value not in json.dumps(logged)


@pytest.mark.parametrize(
    "variable,value,path",
    [
        ("FOOTFALL_PATH", "no-leading-slash", "/_ff/init"),
        ("FOOTFALL_PATH", "/trailing/", "/_ff/dashboard"),
        ("DASHBOARD_TOKEN", "fifteen-chars-x", "/_ff/dashboard"),
        ("RETENTION_DAYS", "forever", "/_ff/init"),
        ("RETENTION_DAYS", "2", "/_ff/api/v1/query"),
        ("RETENTION_DAYS", "3651", "/_ff/init"),
        ("EVENT_NAMES", "signup,<script>", "/_ff/init"),
        ("DAY_UTC_OFFSET", "+15:00", "/_ff/dashboard"),
        ("VISITOR_ID", "fingerprint", "/_ff/init"),
        ("DASHBOARD_PUBLIC", "maybe", "/_ff/login"),
        ("HISTORY_PUBLIC", "maybe", "/_ff/history/a.svg"),
    ],
)
def test_a_bad_analytics_variable_leaves_the_site_working_and_footfall_names_it(
    make_app, capsys, variable, value, path
):
    app = make_app({variable: value})
    app.origin.pages["/"] = HOME
    assert app.get("/").status == 200  # the site behind the proxy
    assert_names(footfall_request(app, path), variable, value)
    assert app.count("pageviews") == 0
    assert [r["setting"] for r in log_records(capsys) if r["message"] == "configuration error"] == [variable]


@pytest.mark.parametrize(
    "variable,value",
    [
        ("ORIGIN_TIMEOUT_MS", "100"),
        ("ORIGIN_TIMEOUT_MS", "120000"),
        ("DASHBOARD_TOKEN", "sixteen-chars-xx"),
        ("RETENTION_DAYS", "3"),
        ("RETENTION_DAYS", "3650"),
        ("DAY_UTC_OFFSET", "+14:00"),
        ("DAY_UTC_OFFSET", "-0530"),
        ("FOOTFALL_PATH", "/_ff"),
        ("EVENT_NAMES", " signup , newsletter "),
    ],
    ids=lambda v: v,
)
def test_the_limits_of_each_variable_are_accepted(make_app, variable, value):
    app = make_app({variable: value})
    assert app.beacon("init", {"uuid": "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42", "page": "/"}).status == 204
    assert app.count("pageviews") == 1


@pytest.mark.parametrize(
    "variable,value",
    [
        ("HONOUR_DNT", "maybe"),
        ("INJECT_TAG", "maybe"),
        ("TAG_ATTRIBUTES", "onload=alert(1)"),
    ],
)
def test_a_bad_tag_or_privacy_variable_is_named(make_app, variable, value):
    app = make_app({variable: value})
    assert_names(app.beacon("init", {"uuid": "0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e42", "page": "/"}), variable, value)


def test_a_closed_dashboard_says_how_to_open_it(make_app):
    app = make_app({"DASHBOARD_TOKEN": None})
    for path in ("/_ff/dashboard", "/_ff/login"):
        reply = app.get(path)
        assert reply.status == 404 and reply.json()["error"] == "dashboard_disabled"
        assert "wrangler secret put DASHBOARD_TOKEN" in reply.json()["message"]
