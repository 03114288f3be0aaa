"""The proxy keeps the owner's credentials to itself and refuses to proxy to itself (issue 14,
items 10 and 11): no Bearer token or footfall session cookie reaches the origin, and a request
that comes back to the Worker it left (ORIGIN_URL naming the Worker, or an empty ORIGIN_URL
and a Host naming it) is answered 508 after one hop instead of looping."""

from urllib.parse import urlsplit

import pytest

from app.http import Headers, Request, Response
from support.inprocess import InProcess
from support.owner import DASHBOARD_TOKEN

PAGES = {"/": (200, {"content-type": "text/html"}, b"<html><head></head></html>")}


def sent_headers(app: InProcess) -> dict[str, str]:
    [(_, _, headers, _)] = app.origin.sent
    return headers


# "/_ff/../" arrives as "/" (the runtime's URL parser normalises it): a site path.
@pytest.mark.parametrize("path", ["/", "/blog/post.html", "/_ffx/"])
@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {DASHBOARD_TOKEN}", "bearer some-other-token", "  Bearer x"],
    ids=["the-token", "lower-case-scheme", "leading-space"],
)
def test_a_bearer_token_never_reaches_the_origin(app, path, authorization):
    app.origin.pages.update(PAGES)
    app.get(path, headers={"authorization": authorization})
    assert "authorization" not in sent_headers(app)
    assert DASHBOARD_TOKEN not in repr(app.origin.sent)


def test_basic_credentials_for_a_password_protected_origin_still_pass(app):
    app.get("/", headers={"authorization": "Basic dXNlcjpwYXNz"})
    assert sent_headers(app)["authorization"] == "Basic dXNlcjpwYXNz"


@pytest.mark.parametrize(
    "cookie, forwarded",
    [
        ("footfall_session=123.abc", None),
        ("theme=dark; footfall_session=123.abc; lang=de", "theme=dark; lang=de"),
        ("footfall_session=123.abc;footfall_session=456.def", None),
        ("theme=dark", "theme=dark"),
        ("not_footfall_session=1", "not_footfall_session=1"),
    ],
    ids=["only-the-session", "among-others", "twice", "none-of-ours", "look-alike-name"],
)
def test_footfalls_session_cookie_never_reaches_the_origin(app, cookie, forwarded):
    app.get("/", headers={"cookie": cookie})
    assert sent_headers(app).get("cookie") == forwarded


def test_a_logged_in_owners_real_session_cookie_is_not_forwarded(app):
    login = app.post(
        "/_ff/login", f"token={DASHBOARD_TOKEN}", headers={"content-type": "application/x-www-form-urlencoded"}
    )
    session = login.headers.get("set-cookie").split(";", 1)[0]
    app.get("/", headers={"cookie": f"{session}; theme=dark"})
    assert sent_headers(app)["cookie"] == "theme=dark"


class WorkerAsOrigin:
    """An origin that is the Worker itself: each fetch is served again by the same app, as
    when ORIGIN_URL names the Worker's own host. Counts how deep the requests went."""

    def __init__(self, app: InProcess):
        self.app = app
        self.depth = 0
        self.sent: list[tuple] = []

    async def fetch(self, request: Request, target: str, headers: dict[str, str], timeout_ms: int) -> Response:
        self.sent.append((request.method, target, headers, None))
        self.depth += 1
        if self.depth > 50:
            raise AssertionError("the proxy looped")
        parts = urlsplit(target)
        again = Request("GET", target, parts.path or "/", parts.query, {**headers, "host": parts.netloc})
        answer = await self.app._serve(again)
        return Response(answer.status, Headers(answer.headers.pairs), answer.body)


@pytest.mark.parametrize(
    "variables, host",
    [
        ({"ORIGIN_URL": "https://example.com"}, "example.com"),
        ({"ORIGIN_URL": None}, "example.com"),
        ({"ORIGIN_URL": "https://footfall.owner.workers.dev"}, "example.com"),
    ],
    ids=["origin-url-names-the-worker", "empty-origin-url-host-names-the-worker", "via-a-second-host"],
)
def test_a_request_that_comes_back_to_the_worker_is_refused_not_followed(make_app, variables, host):
    app = make_app(variables)
    app.origin = WorkerAsOrigin(app)
    reply = app.get("/", host=host)
    assert reply.status == 508
    assert "ORIGIN_URL" in reply.text()
    assert app.origin.depth <= 2  # one hop per host it went through, then refused


def test_the_loop_header_carries_this_site_to_the_origin(app):
    app.get("/", headers={"x-footfall-via": "other.example"})
    assert sent_headers(app)["x-footfall-via"] == "other.example, example.com"


def test_a_request_through_another_footfall_site_is_still_served(app):
    app.origin.pages.update(PAGES)
    assert app.get("/", headers={"x-footfall-via": "blog.other.example"}).status == 200
