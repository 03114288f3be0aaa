"""Static-assets mode (examples/wrangler.assets.toml): the site's build directory, tagged at
deploy time by tools/site/inject.mjs into a copy, served as Workers Static Assets by the local
runtime. Pages, assets, 404s, HEAD and 304s are answered without the Worker running (counted
by GET /__stats); only /_ff/* runs it. The opt-in `run_worker_first = true` sends every
request through the Worker: HTML navigations become server-side hits (404s included), each
asset costs an invocation, and the Worker adds no second tag."""

import hashlib
import os
import re
import subprocess

import pytest

from support.http import Visitor, new_uuid, request
from support.processes import NPX, ROOT, start_worker, wait_until
from support.static_site import (
    HEAVY_ASSETS,
    NO_HEAD_END,
    OTHER_FILES,
    PAGES,
    TAGGED,
    build_site,
    runtime_stats,
    tagged,
    tagged_copy,
)

CONFIG = "examples/wrangler.assets.toml"
NAVIGATE = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate"}
HEAD_END_PAGES = [p for p in PAGES if p not in (*TAGGED, NO_HEAD_END)]
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"


def tree(root) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_site(tmp_path_factory.mktemp("static-site"))


@pytest.fixture(scope="module")
def deployed(site, tmp_path_factory):
    """What the config's [build] step uploads: a tagged copy of the build directory."""
    before = tree(site)
    copy = tagged_copy(site, tmp_path_factory.mktemp("deploy") / "assets")
    assert tree(site) == before  # the build itself is only read
    return copy


@pytest.fixture(scope="module")
def assets_mode(state, deployed):
    proc, url = start_worker(state, {}, config=CONFIG, extra_args=("--assets", str(deployed)))
    yield url
    proc.stop()


@pytest.fixture(scope="module")
def worker_first(state, deployed):
    """The opt-in: run_worker_first = true."""
    proc, url = start_worker(
        state, {}, config=CONFIG, extra_args=("--assets", str(deployed), "--run-worker-first", "true")
    )
    yield url
    proc.stop()


def file_of(root, path: str):
    name = PAGES.get(path, path.lstrip("/"))
    return root / name


def url_of(path: str) -> str:
    """Where the assets serve a file with status 200: `/a/b.html` answers 307 to `/a/b`
    (html_handling auto-trailing-slash)."""
    return path.removesuffix(".html")


# --- the deploy step ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", HEAD_END_PAGES)
def test_the_deploy_copy_has_the_tag_before_head_end_and_every_other_byte(site, deployed, path):
    assert file_of(deployed, path).read_bytes() == tagged(file_of(site, path).read_bytes())


def test_the_deploy_copy_keeps_tagged_pages_and_other_files_as_they_are(site, deployed):
    for path in TAGGED + HEAVY_ASSETS + OTHER_FILES:
        assert file_of(deployed, path).read_bytes() == file_of(site, path).read_bytes(), path


def test_the_deploy_copy_tags_a_page_whose_head_has_no_end_tag(site, deployed):
    assert b"/_ff/script.js" in file_of(deployed, NO_HEAD_END).read_bytes()


def test_the_example_config_builds_the_tagged_copy_and_uploads_it(tmp_path):
    """`wrangler deploy --dry-run -c examples/wrangler.assets.toml`: the [build] step tags a copy of
    the build directory (examples/site) into the [assets] directory, which wrangler reads."""
    source = ROOT / "examples" / "site"
    before = tree(source)
    out = subprocess.run(
        [*NPX, "wrangler", "deploy", "--dry-run", "--outdir", str(tmp_path), "-c", CONFIG],
        cwd=ROOT,
        env={**os.environ, "FOOTFALL_ALLOW_PLACEHOLDER_IDS": "1"},  # the example's ids are placeholders
        capture_output=True,
        text=True,
        timeout=180,
    )
    said = out.stdout + out.stderr
    assert out.returncode == 0, said[-2000:]
    assert re.search(r"inject: tagged \d+ of \d+ HTML pages", said)
    assert re.search(r"Read \d+ files from the assets directory \S*/\.wrangler/assets", said)
    assert "env.ASSETS" in said
    assert tree(source) == before
    copy = ROOT / ".wrangler" / "assets"
    assert b"/_ff/script.js" in (copy / "index.html").read_bytes()


# --- static assets: the Worker runs for /_ff/* only ---------------------------------------------


@pytest.mark.parametrize(
    "method,path,headers",
    [("GET", url_of(p), NAVIGATE) for p in PAGES]
    + [("GET", p, {}) for p in HEAVY_ASSETS + OTHER_FILES]
    + [
        ("GET", "/no/such/page", NAVIGATE),
        ("GET", "/no/such/image.png", {"Sec-Fetch-Dest": "image"}),
        ("HEAD", "/about/", NAVIGATE),
        ("GET", "/about", NAVIGATE),
    ],
)
def test_pages_assets_404s_and_redirects_are_answered_without_the_worker(assets_mode, deployed, method, path, headers):
    before = runtime_stats(assets_mode)
    reply = request(assets_mode, method, path, headers=headers)
    after = runtime_stats(assets_mode)
    assert after["invocations"] == before["invocations"]
    assert after["assets_served"] == before["assets_served"] + 1
    page = next((p for p in PAGES if url_of(p) == path), path)
    if reply.status == 200 and method == "GET":
        assert reply.body == file_of(deployed, page).read_bytes()


def test_a_missing_page_is_the_sites_404_page_with_status_404(assets_mode, deployed):
    reply = request(assets_mode, "GET", "/no/such/page", headers=NAVIGATE)
    assert reply.status == 404 and reply.body == (deployed / "404.html").read_bytes()


def test_a_revalidated_page_is_a_304_without_the_worker(assets_mode):
    first = request(assets_mode, "GET", "/docs/guide/", headers=NAVIGATE)
    before = runtime_stats(assets_mode)["invocations"]
    again = request(assets_mode, "GET", "/docs/guide/", headers={**NAVIGATE, "If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.body == b""
    assert runtime_stats(assets_mode)["invocations"] == before


def test_only_the_prefix_runs_the_worker_and_the_view_is_stored(assets_mode, db):
    visitor = Visitor(assets_mode, "assets-mode.test", {"User-Agent": CHROME})
    before = runtime_stats(assets_mode)["invocations"]
    uuid = new_uuid()
    assert visitor.get("/docs/guide/", headers=NAVIGATE).status == 200
    for asset in HEAVY_ASSETS:
        assert visitor.get(asset).status == 200
    assert visitor.get("/_ff/script.js").status == 200
    assert visitor.beacon("init", {"uuid": uuid, "page": "/docs/guide/", "referrer": ""}).status == 204
    assert visitor.beacon("heartbeat", {"uuid": uuid, "total": 1}).status == 204
    assert runtime_stats(assets_mode)["invocations"] - before == 3
    rows = wait_until(lambda: db.query("SELECT path, site FROM pageviews WHERE uuid = ?", (uuid,)))
    assert rows == [{"path": "/docs/guide/", "site": "assets-mode.test"}]
    assert db.query("SELECT 1 FROM hits WHERE site = ?", ("assets-mode.test",)) == []  # no server-side hits


# --- the opt-in: run_worker_first = true --------------------------------------------------------


def test_opt_in_every_request_runs_the_worker(worker_first):
    before = runtime_stats(worker_first)
    for path in ["/docs/guide/", *HEAVY_ASSETS]:
        assert request(worker_first, "GET", path).status == 200
    after = runtime_stats(worker_first)
    assert after["invocations"] - before["invocations"] == 17
    assert after["assets_served"] == before["assets_served"]


@pytest.mark.parametrize("path", [p for p in PAGES if p not in (NO_HEAD_END, "/tagged-in-body/")])
def test_opt_in_pages_come_through_the_worker_with_no_second_tag(worker_first, deployed, path):
    reply = request(worker_first, "GET", url_of(path), headers=NAVIGATE)
    assert reply.status == 200 and reply.body == file_of(deployed, path).read_bytes()


def test_opt_in_a_page_that_loads_the_tracker_in_its_body_gets_a_second_tag_in_head(worker_first, deployed):
    """The Worker streams: at </head> it cannot know that the body loads the tracker, so the
    page carries two tags and the tracker must not count a view twice (see the browser test)."""
    reply = request(worker_first, "GET", "/tagged-in-body/", headers=NAVIGATE)
    source = file_of(deployed, "/tagged-in-body/").read_bytes()
    assert reply.status == 200 and reply.body == tagged(source)


def test_opt_in_a_page_the_deploy_step_missed_gets_the_tag_from_the_worker(worker_first, deployed):
    source = file_of(deployed, NO_HEAD_END).read_bytes()
    reply = request(worker_first, "GET", url_of(NO_HEAD_END), headers=NAVIGATE)
    assert reply.status == 200 and reply.body.count(b"/_ff/script.js") == 1
    assert reply.body.startswith(source)


def test_opt_in_html_navigations_are_hits_404s_included(worker_first, db):
    site = "assets-worker-first.test"
    for path in ["/", "/docs/guide/", "/no/such/page", "/css/site.css"]:
        request(worker_first, "GET", path, headers={**NAVIGATE, "Host": site})
    query = "SELECT path, status FROM hits WHERE site = ? ORDER BY path"
    wait_until(lambda: len(db.query(query, (site,))) >= 3)
    rows = [(r["path"], r["status"]) for r in db.query(query, (site,))]
    assert rows == [("/", 200), ("/docs/guide/", 200), ("/no/such/page", 404)]


@pytest.mark.parametrize("method,headers", [("HEAD", NAVIGATE), ("GET", {"Sec-Fetch-Dest": "iframe"})])
def test_opt_in_head_and_non_document_loads_are_untouched(worker_first, assets_mode, method, headers):
    via = request(worker_first, method, "/about/", headers=headers)
    plain = request(assets_mode, method, "/about/", headers=headers)
    assert (via.status, via.body) == (plain.status, plain.body)


def test_opt_in_a_revalidated_page_is_a_304_through_the_worker(worker_first):
    first = request(worker_first, "GET", "/docs/guide/", headers=NAVIGATE)
    again = request(worker_first, "GET", "/docs/guide/", headers={**NAVIGATE, "If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.body == b""


@pytest.mark.parametrize("path", ["/blog", "/about/index.html", "/blog/2024/notes.html", "/docs/guide/index.html"])
def test_opt_in_the_assets_redirects_are_handed_back_not_followed(worker_first, assets_mode, path):
    """`/blog` must answer 307 to `/blog/` through the Worker as it does without it: served as
    200 under `/blog`, the page's relative links (`notes.html`) point to the wrong folder."""
    via = request(worker_first, "GET", path, headers=NAVIGATE)
    plain = request(assets_mode, "GET", path, headers=NAVIGATE)
    assert plain.status == 307
    assert (via.status, via.headers.get("location")) == (plain.status, plain.headers["location"])


def test_the_not_found_page_is_copied_untagged_so_a_missing_page_is_no_page_view(site, deployed):
    # Served for every missing path (not_found_handling = "404-page"): with the tag, the tracker
    # would count each 404 as a page view, and without the proxy nobody could flag it.
    assert (deployed / "404.html").read_bytes() == (site / "404.html").read_bytes()
