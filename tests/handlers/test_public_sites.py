"""DASHBOARD_PUBLIC opens the sites listed in PUBLIC_SITES and nothing else (issue 14, item 7):
before, `?site=` (dashboard) or `site_id` (API) read any site of the deployment."""

import pytest

from support.inprocess import PERSON_HEADERS
from support.owner import BEARER

PUBLIC = {"DASHBOARD_PUBLIC": "true", "PUBLIC_SITES": "blog.example, Docs.Example"}


@pytest.fixture
def deployment(make_app):
    """One Worker in front of three sites, each with a page view of its own."""
    app = make_app(PUBLIC)
    for n, host in enumerate(["blog.example", "docs.example", "private.example"]):
        uuid = f"0b7e9f1c-3c1a-4b8e-9a51-2f0f7c1d9e4{n}"
        reply = app.post("/_ff/init", {"uuid": uuid, "page": f"/{host}-page"}, headers=PERSON_HEADERS, host=host)
        assert reply.status == 204
    return app


@pytest.mark.parametrize(
    "host, target, status",
    [
        ("blog.example", "/_ff/dashboard", 200),
        ("docs.example", "/_ff/dashboard", 200),
        ("blog.example", "/_ff/dashboard?site=docs.example", 200),
        ("private.example", "/_ff/dashboard", 303),
        ("blog.example", "/_ff/dashboard?site=private.example", 303),
        ("blog.example", "/_ff/dashboard?site=PRIVATE.example", 303),
        ("private.example", "/_ff/dashboard?site=blog.example", 200),
    ],
    ids=[
        "own",
        "other-listed",
        "listed-by-name",
        "unlisted-own",
        "unlisted-by-name",
        "unlisted-upper",
        "listed-from-unlisted",
    ],
)
def test_a_stranger_reads_the_dashboard_of_listed_sites_only(deployment, host, target, status):
    reply = deployment.get(target, host=host)
    assert reply.status == status
    assert "private.example-page" not in reply.text()


@pytest.mark.parametrize(
    "body, status",
    [
        ({}, 200),
        ({"site_id": "docs.example"}, 200),
        ({"site_id": "private.example"}, 401),
        ({"site_id": "PRIVATE.EXAMPLE"}, 401),
    ],
    ids=["own", "listed", "unlisted", "unlisted-upper"],
)
def test_a_stranger_queries_the_api_for_listed_sites_only(deployment, body, status):
    query = {**body, "metrics": ["visitors"], "date_range": "7d"}  # what Plausible's v2 requires
    reply = deployment.post("/_ff/api/v1/query", query, host="blog.example")
    assert reply.status == status
    get = deployment.get(f"/_ff/api/v1/query?site_id={body.get('site_id', '')}", host="blog.example")
    assert get.status == status


def test_the_owner_still_reads_every_site(deployment):
    assert deployment.get("/_ff/dashboard?site=private.example", headers=BEARER, host="blog.example").status == 200
    body = {"site_id": "private.example", "metrics": ["visitors"], "date_range": "7d"}
    reply = deployment.post("/_ff/api/v1/query", body, headers=BEARER, host="blog.example")
    assert reply.status == 200


def test_a_strangers_site_menu_names_only_public_sites(deployment):
    html = deployment.get("/_ff/dashboard", host="blog.example").text()
    assert "docs.example" in html and "private.example" not in html
    owner = deployment.get("/_ff/dashboard", headers=BEARER, host="blog.example").text()
    assert "private.example" in owner


def test_dashboard_public_without_public_sites_opens_nothing(make_app):
    app = make_app({"DASHBOARD_PUBLIC": "true"})
    assert app.get("/_ff/dashboard").status == 303
    assert app.get("/_ff/api/v1/query").status == 401
    assert app.get("/_ff/history/x.svg").status == 401


def test_history_plots_of_unlisted_sites_stay_private_under_dashboard_public(deployment):
    assert deployment.get("/_ff/history/x.svg", host="blog.example").status == 200
    assert deployment.get("/_ff/history/x.svg", host="private.example").status == 401


def test_a_bad_public_sites_value_is_named(make_app):
    reply = make_app({"DASHBOARD_PUBLIC": "true", "PUBLIC_SITES": "https://blog.example/"}).get("/_ff/dashboard")
    assert reply.status == 500 and "PUBLIC_SITES" in reply.text()
