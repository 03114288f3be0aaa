"""The one vocabulary of what a page view can be broken down and filtered by.

Each row names a dimension once: its pageviews column, the filter key the dashboard and the
API take, its name in the stats API (Plausible's Stats API v2 names), the dashboard's title,
whether the daily job rolls it up (daily_dimensions) and whether the proxy's hits know it.
SQL building, filter parsing, the dashboard, the API and openapi.yaml's enums derive from
this table (tests/unit/test_dimensions.py holds openapi.yaml to it), so a new dimension is
one row here plus its column in a migration. Column names spliced into SQL come only from
here, never from a request.
"""

from typing import NamedTuple


class Dimension(NamedTuple):
    name: str  # the pageviews column, and the dimension's name in daily_dimensions
    filter_key: str  # ?<key>=value on the dashboard, the filter name in the API's short form
    api_name: str  # the stats API's name
    title: str  # the dashboard's heading
    rolled_up: bool  # kept per day in daily_dimensions (past days need no raw rows)
    on_hits: bool = False  # the proxy's hits carry it too (hits know only path and country)


REGISTRY: tuple[Dimension, ...] = (
    Dimension("path", "page", "event:page", "Pages", rolled_up=False, on_hits=True),
    Dimension("channel", "channel", "visit:channel", "Channels", rolled_up=True),
    Dimension("referrer_host", "referrer", "visit:referrer", "Referrers", rolled_up=True),
    Dimension("utm_source", "utm_source", "visit:utm_source", "UTM sources", rolled_up=True),
    Dimension("utm_medium", "utm_medium", "visit:utm_medium", "UTM media", rolled_up=True),
    Dimension("utm_campaign", "utm_campaign", "visit:utm_campaign", "UTM campaigns", rolled_up=True),
    Dimension("utm_term", "utm_term", "visit:utm_term", "UTM terms", rolled_up=True),
    Dimension("utm_content", "utm_content", "visit:utm_content", "UTM contents", rolled_up=True),
    Dimension("country", "country", "visit:country", "Countries", rolled_up=True, on_hits=True),
    Dimension("browser", "browser", "visit:browser", "Browsers", rolled_up=True),
    Dimension("os", "os", "visit:os", "Operating systems", rolled_up=True),
    Dimension("device", "device", "visit:device", "Devices", rolled_up=True),
)

BY_FILTER_KEY = {d.filter_key: d for d in REGISTRY}
BY_API_NAME = {d.api_name: d for d in REGISTRY}
# Dimensions of people's page views kept per day in daily_dimensions, in the registry's order.
ROLLED_UP = tuple(d.name for d in REGISTRY if d.rolled_up)
# Filter key -> pageviews column.
FILTER_COLUMNS = {d.filter_key: d.name for d in REGISTRY}
# The filters the proxy's hits can honour.
HIT_FILTERS = tuple(d.filter_key for d in REGISTRY if d.on_hits)
