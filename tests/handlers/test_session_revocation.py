"""A logout revokes (issue 14, item 5): before, the session cookie was only cleared from the
browser, and a copy of it kept working for 7 days. Now a logout moves the deployment's
session generation on (D1, migrations/0008), so every earlier session cookie stops working."""

import pytest

from support.owner import BEARER, DASHBOARD_TOKEN

FORM = {"content-type": "application/x-www-form-urlencoded", "origin": "https://example.com"}


def log_in(app) -> str:
    reply = app.post("/_ff/login", f"token={DASHBOARD_TOKEN}", headers=FORM)
    assert reply.status == 303
    return reply.headers.get("set-cookie").split(";", 1)[0]


def owner_status(app, cookie: str) -> int:
    """200 for the owner, 401 for anyone else (the export is the owner's only)."""
    return app.get("/_ff/api/v1/export", headers={"cookie": cookie}).status


def test_a_copied_cookie_stops_working_after_logout(app):
    session = log_in(app)
    copy = session  # taken from the browser before the owner logged out
    assert owner_status(app, copy) == 200
    assert app.post("/_ff/logout", headers={**FORM, "cookie": session}).status == 303
    assert owner_status(app, copy) == 401
    assert app.get("/_ff/dashboard", headers={"cookie": copy}).status == 303


def test_logout_ends_the_sessions_of_every_device(app):
    laptop, phone = log_in(app), log_in(app)
    app.post("/_ff/logout", headers={**FORM, "cookie": laptop})
    assert owner_status(app, phone) == 401


def test_logging_in_again_after_logout_works(app):
    app.post("/_ff/logout", headers={**FORM, "cookie": log_in(app)})
    assert owner_status(app, log_in(app)) == 200


def test_a_strangers_logout_does_not_log_the_owner_out(app):
    session = log_in(app)
    for headers in ({}, {"cookie": "footfall_session=1.0.forged"}, {"authorization": "Bearer wrong-token-1234567"}):
        assert app.post("/_ff/logout", headers={**FORM, **headers}).status == 303
    assert owner_status(app, session) == 200


def test_a_logout_with_the_bearer_token_revokes_every_session(app):
    session = log_in(app)
    app.post("/_ff/logout", headers={**FORM, **BEARER})
    assert owner_status(app, session) == 401
    assert app.get("/_ff/api/v1/export", headers=BEARER).status == 200  # the token itself still works


def test_a_cookie_of_the_old_format_is_a_stranger(app):
    assert owner_status(app, "footfall_session=99999999999999.abc") == 401


@pytest.mark.parametrize("path, status", [("/_ff/dashboard", 503), ("/_ff/api/v1/export", 503)])
def test_storage_down_while_checking_a_session_is_a_503(app, path, status):
    session = log_in(app)
    app.store.fail = True
    reply = app.get(path, headers={"cookie": session})
    assert reply.status == status and reply.headers.get("retry-after")


def test_a_strangers_cookie_costs_no_storage_read(app):
    app.store.statements.clear()
    app.get("/_ff/dashboard", headers={"cookie": "footfall_session=1.0.forged"})
    assert "read_session_generation" not in app.store.statements
