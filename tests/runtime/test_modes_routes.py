"""Routes-only mode: a site already behind Cloudflare, the Worker on the route
`example.com/_ff/*` alone, INJECT_TAG off, the tag added to the templates by the owner.

How it is played locally: on Cloudflare the zone matches routes at the edge, before the origin,
so one host serves both and the tracker is same-origin. Here the site's own server plays the
zone (tests/support/static_site.py `--route /_ff/=WORKER`): it is the only thing listening on
the site's host and port, passes requests under /_ff/ to the Worker over HTTP with their Host,
method, headers and body, and answers everything else itself. (Loading the tracker from the
Worker's own host with CORS_ORIGINS would test another deployment, a separate analytics host,
not this one.) The site's files are the owner's: a copy of the build with the tag in each page.

What the tests show: pages, assets, 404s and revalidations never run the Worker; the tracker,
/init and /heartbeat do, and the view is stored; no server-side hit exists for any page (no
404s, no coverage)."""

import time

import pytest

from support.http import Visitor, new_uuid, request
from support.processes import start_worker, wait_until
from support.static_site import (
    HEAVY_ASSETS,
    NO_HEAD_END,
    OTHER_FILES,
    PAGES,
    build_site,
    origin_log,
    runtime_stats,
    start_static_origin,
    tagged_copy,
)

NAVIGATE = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"}
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


@pytest.fixture(scope="module")
def owner_site(tmp_path_factory):
    """The site as its owner publishes it: every page's template carries the tag."""
    root = tmp_path_factory.mktemp("routes")
    return tagged_copy(build_site(root / "build"), root / "published")


@pytest.fixture(scope="module")
def worker(state):
    # Module-scoped, on the session's D1: a Worker of this module's own, with no ORIGIN_URL.
    proc, url = start_worker(state, {"INJECT_TAG": "false"})
    yield url
    proc.stop()


@pytest.fixture(scope="module")
def zone(owner_site, worker):
    proc, url = start_static_origin(owner_site, route_to=worker)
    yield url
    proc.stop()


def file_of(root, path: str):
    return root / PAGES.get(path, path.lstrip("/"))


@pytest.mark.parametrize(
    "method,path,headers",
    [("GET", p, NAVIGATE) for p in PAGES]
    + [("GET", p, {}) for p in HEAVY_ASSETS + OTHER_FILES]
    + [("GET", "/no/such/page", NAVIGATE), ("HEAD", "/about/", NAVIGATE), ("GET", "/about", NAVIGATE)],
)
def test_pages_assets_and_404s_never_reach_the_worker(zone, worker, owner_site, method, path, headers):
    before = runtime_stats(worker)["invocations"]
    origin_log(zone, reset=True)
    reply = request(zone, method, path, headers=headers)
    assert runtime_stats(worker)["invocations"] == before
    assert [entry["routed"] for entry in origin_log(zone)] == [False]
    if reply.status == 200 and method == "GET":
        assert reply.body == file_of(owner_site, path).read_bytes()


def test_a_revalidated_page_never_reaches_the_worker(zone, worker):
    first = request(zone, "GET", "/docs/guide/", headers=NAVIGATE)
    before = runtime_stats(worker)["invocations"]
    again = request(zone, "GET", "/docs/guide/", headers={**NAVIGATE, "If-None-Match": first.headers["etag"]})
    assert again.status == 304 and runtime_stats(worker)["invocations"] == before


def test_the_owners_tag_is_the_only_one(zone):
    for path in PAGES:
        if path == NO_HEAD_END:
            continue  # inject.mjs misses it (tests/runtime/test_modes_assets.py); an owner would not
        body = request(zone, "GET", path, headers=NAVIGATE).body
        assert body.count(b'src="/_ff/script.js"') == 1, path


def test_the_prefix_reaches_the_worker_on_the_sites_host_and_the_view_is_stored(zone, worker, db):
    site = "routes-only.test"
    visitor = Visitor(zone, site, {"User-Agent": CHROME})
    tracker = request(worker, "GET", "/_ff/script.js").body
    before = runtime_stats(worker)["invocations"]
    origin_log(zone, reset=True)
    uuid = new_uuid()
    assert visitor.get("/docs/guide/", headers=NAVIGATE).status == 200
    for asset in HEAVY_ASSETS:
        assert visitor.get(asset).status == 200
    script = visitor.get("/_ff/script.js")
    assert script.status == 200 and script.body == tracker
    now = int(time.time() * 1000)  # the per-request clock passes the zone like any header
    assert visitor.beacon("init", {"uuid": uuid, "page": "/docs/guide/", "referrer": ""}, now_ms=now).status == 204
    assert visitor.beacon("heartbeat", {"uuid": uuid, "total": 4}, now_ms=now + 5000).status == 204
    assert runtime_stats(worker)["invocations"] - before == 3
    assert [e["path"] for e in origin_log(zone) if e["routed"]] == ["/_ff/script.js", "/_ff/init", "/_ff/heartbeat"]
    rows = wait_until(lambda: db.query("SELECT path, site, seconds FROM pageviews WHERE uuid = ?", (uuid,)))
    assert rows == [{"path": "/docs/guide/", "site": site, "seconds": 4}]


def test_no_page_leaves_a_server_side_hit_404s_included(zone, db):
    site = "routes-only-hits.test"
    for path in ["/", "/docs/guide/", "/no/such/page"]:
        request(zone, "GET", path, headers={**NAVIGATE, "Host": site})
    request(zone, "GET", "/_ff/script.js", headers={"Host": site})  # a request the Worker did see
    assert db.query("SELECT 1 FROM hits WHERE site = ?", (site,)) == []
