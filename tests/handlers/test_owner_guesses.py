"""Guessing the owner's token is counted and stopped in the isolate (issue 14, item 5): after
10 wrong tokens or sessions from one network in 10 minutes, the owner's endpoints and the
login answer 429 with Retry-After to any credentials, right or wrong, until the window ends:
a guess then tells nothing. (The WAF rule footfall-owner, waf/rules.py, limits the same paths
before the Worker on paid plans.)"""

import pytest

from app.http import Client
from support.owner import BEARER, DASHBOARD_TOKEN

WRONG = {"authorization": "Bearer wrong-token-0123456789"}
FORM = {"content-type": "application/x-www-form-urlencoded", "origin": "https://example.com"}
ME, NEIGHBOUR = Client(ip="203.0.113.9"), Client(ip="203.0.113.10")


def guess(app, n, client=ME, path="/_ff/api/v1/export"):
    return [app.get(path, headers=WRONG, client=client).status for _ in range(n)]


@pytest.mark.parametrize("path", ["/_ff/api/v1/export", "/_ff/api/v1/query", "/_ff/dashboard", "/_ff/history/a.svg"])
def test_after_ten_wrong_bearer_tokens_every_answer_is_429(app, path):
    assert set(guess(app, 10, path=path)) <= {401, 303}
    reply = app.get(path, headers=WRONG, client=ME)
    assert reply.status == 429 and int(reply.headers.get("retry-after")) > 0
    # The right one too, from that network: a 429 whatever the guess, so it tells nothing.
    assert app.get(path, headers=BEARER, client=ME).status == 429


def test_other_networks_are_not_affected(app):
    guess(app, 11)
    assert app.get("/_ff/api/v1/export", headers=BEARER, client=NEIGHBOUR).status == 200


def test_the_lock_ends_with_its_window(app):
    guess(app, 11)
    app.advance(10 * 60 * 1000)
    assert app.get("/_ff/api/v1/export", headers=BEARER, client=ME).status == 200


def test_an_ipv6_sender_cannot_escape_by_changing_address_within_its_64(app):
    for n in range(10):
        app.get("/_ff/api/v1/export", headers=WRONG, client=Client(ip=f"2001:db8:1:2::{n + 1:x}"))
    assert app.get("/_ff/api/v1/export", headers=WRONG, client=Client(ip="2001:db8:1:2::ffff")).status == 429


def test_wrong_login_tokens_count_too(app):
    statuses = [app.post("/_ff/login", "token=nope", headers=FORM, client=ME).status for _ in range(11)]
    assert statuses == [401] * 10 + [429]
    right = app.post("/_ff/login", f"token={DASHBOARD_TOKEN}", headers=FORM, client=ME)
    assert right.status == 429


def test_forged_session_cookies_count_too(app):
    for n in range(10):
        app.get("/_ff/api/v1/export", headers={"cookie": f"footfall_session=1.0.forged{n}"}, client=ME)
    assert app.get("/_ff/api/v1/export", headers={"cookie": "footfall_session=1.0.x"}, client=ME).status == 429


def test_the_owner_and_public_readers_are_never_counted(make_app):
    app = make_app({"DASHBOARD_PUBLIC": "true", "PUBLIC_SITES": "example.com"})
    for _ in range(30):
        assert app.get("/_ff/api/v1/export", headers=BEARER, client=ME).status == 200
        assert app.get("/_ff/history/a.svg", client=ME).status == 200
    assert app.get("/_ff/api/v1/export", headers=BEARER, client=ME).status == 200


def test_the_owners_own_stale_sessions_are_no_guesses(app):
    # A phone still holding a session that a logout on the laptop revoked, or one that expired,
    # sends it with every same-site request (history badges on the site's pages): signed by the
    # token, it cannot be a guess, and must not lock the owner's network out.
    from footfall import auth

    revoked = auth.new_session(DASHBOARD_TOKEN, app.now_ms, 0)
    logged_in = app.post("/_ff/login", f"token={DASHBOARD_TOKEN}", headers=FORM, client=ME)
    cookie = logged_in.headers.get("set-cookie").split(";")[0]
    assert app.post("/_ff/logout", "", headers={**FORM, "cookie": cookie}, client=ME).status == 303
    expired = auth.new_session(DASHBOARD_TOKEN, app.now_ms - auth.SESSION_MS - 1, 1)
    for value in [cookie.split("=", 1)[1], revoked, expired] * 5:
        reply = app.get("/_ff/api/v1/export", headers={"cookie": f"footfall_session={value}"}, client=ME)
        assert reply.status == 401
    assert app.get("/_ff/api/v1/export", headers=BEARER, client=ME).status == 200
