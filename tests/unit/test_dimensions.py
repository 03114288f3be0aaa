"""One vocabulary: everything that names dimensions derives from footfall.dimensions."""

from pathlib import Path

import yaml

from footfall import dimensions
from footfall.api import queryv2, statsapi
from footfall.report import queries

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.yaml"


def test_openapi_dimension_enum_is_the_query_languages():
    spec = yaml.safe_load(OPENAPI.read_text())
    enum = spec["components"]["schemas"]["Query"]["properties"]["dimensions"]["items"]["anyOf"][0]["enum"]
    assert enum == [*queryv2.EVENT_DIMENSIONS, *queryv2.VISIT_DIMENSIONS, *queryv2.TIME_DIMENSIONS]
    assert {d.api_name for d in dimensions.REGISTRY} <= set(enum)


def test_every_registry_row_reaches_sql_filters_api_and_rollups():
    for d in dimensions.REGISTRY:
        assert queries.FILTER_COLUMNS[d.filter_key] == d.name
        assert statsapi.FILTER_NAMES[d.api_name] == d.filter_key
        assert (d.name in queries.DIMENSIONS) == d.rolled_up
        assert (d.api_name in statsapi.DIMENSIONS) == d.rolled_up or d.name == "path"


def test_registry_names_are_unique_and_sql_safe():
    for field in ("name", "filter_key", "api_name"):
        values = [getattr(d, field) for d in dimensions.REGISTRY]
        assert len(values) == len(set(values)), field
    assert all(d.name.replace("_", "").isalnum() for d in dimensions.REGISTRY)  # spliced into SQL


def test_pageviews_has_a_column_for_every_dimension():
    from support.inprocess import migrated_sqlite

    columns = {row[1] for row in migrated_sqlite().execute("PRAGMA table_info(pageviews)")}
    assert {d.name for d in dimensions.REGISTRY} <= columns
