"""Region and city (#20): Cloudflare's request.cf facts stored with the page view as text fit
to show (ISO 3166-2 region, names without controls, capped), never more precise, and answered
by the stats API as Plausible's visit:region, visit:region_name and visit:city_name."""

import uuid

import pytest

from app.http import Client
from footfall.collect import profile
from support.inprocess import InProcess
from support.owner import BEARER, DASHBOARD_TOKEN


def load(app, client: Client) -> dict:
    page_load = str(uuid.uuid4())
    assert app.beacon("init", {"uuid": page_load, "page": "/", "referrer": ""}, client=client).status == 204
    return app.rows("SELECT country, region, region_name, city FROM pageviews WHERE uuid = ?", (page_load,))[0]


@pytest.mark.parametrize(
    "client,stored",
    [
        (
            Client(ip="198.51.100.1", country="US", region="MD", region_name="Maryland", city="Baltimore"),
            {"country": "US", "region": "US-MD", "region_name": "Maryland", "city": "Baltimore"},
        ),
        (Client(ip="198.51.100.2", country="DE"), {"country": "DE", "region": None, "region_name": None, "city": None}),
        # No country, no region code; a code that is no code is dropped.
        (
            Client(ip="198.51.100.3", region="BE", city="Berlin"),
            {"country": None, "region": None, "region_name": None, "city": "Berlin"},
        ),
        (
            Client(ip="198.51.100.4", country="EE", region="37<script>", city="Tal\x1blinn\u0085"),
            {"country": "EE", "region": None, "region_name": None, "city": "Tal linn"},
        ),
        (
            Client(ip="198.51.100.5", country="FR", city="x" * 300),
            {"country": "FR", "region": None, "region_name": None, "city": "x" * profile.MAX_PLACE},
        ),
    ],
    ids=["all", "country-only", "no-country", "controls", "long"],
)
def test_region_and_city_are_stored_as_cloudflare_says_them_cleaned(client, stored):
    assert load(InProcess(), client) == stored


def test_the_api_answers_regions_and_cities_in_plausibles_names():
    app = InProcess({"DASHBOARD_TOKEN": DASHBOARD_TOKEN})
    for n, (country, region, name, city) in enumerate(
        [("DE", "BE", "Berlin", "Berlin"), ("DE", "BE", "Berlin", "Berlin"), ("EE", "37", "Harju", "Tallinn")]
    ):
        load(app, Client(ip=f"198.51.100.{n + 10}", country=country, region=region, region_name=name, city=city))
    body = {
        "date_range": "day",
        "metrics": ["visitors"],
        "dimensions": ["visit:country_name", "visit:region", "visit:region_name", "visit:city_name"],
    }
    reply = app.post("/_ff/api/v1/query", body, headers=BEARER)
    assert reply.status == 200, reply.text()
    assert reply.json()["results"] == [
        {"dimensions": ["Germany", "DE-BE", "Berlin", "Berlin"], "metrics": [2]},
        {"dimensions": ["Estonia", "EE-37", "Harju", "Tallinn"], "metrics": [1]},
    ]
    refused = app.post("/_ff/api/v1/query", {**body, "dimensions": ["visit:city"]}, headers=BEARER)
    assert refused.status == 400 and "visit:city_name" in refused.json()["message"]
