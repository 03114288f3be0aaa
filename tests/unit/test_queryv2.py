"""The v2 query language's refusals (footfall/api/queryv2.py): whatever JSON comes in, a 400 that
names the part, never a 500; regular expressions that could backtrack never run."""

import pytest

from footfall.api import apiv2, queryv2, statsapi
from footfall.errors import Rejection
from footfall.settings import parse_settings

TODAY, NOW = "2024-09-10", 1_725_991_200_000
BASE = {"metrics": ["visitors"], "date_range": "7d"}


def parse(body):
    return queryv2.parse(body, "example.com", TODAY, NOW, 0)


@pytest.mark.parametrize(
    "body,code",
    [
        ({"metrics": [{}], "date_range": "7d"}, "invalid_metrics"),  # was a 500: unhashable
        ({"metrics": [["visitors"]], "date_range": "7d"}, "invalid_metrics"),
        ({"metrics": [None], "date_range": "7d"}, "invalid_metrics"),
        ({**BASE, "dimensions": [{}]}, "invalid_dimensions"),
        ({**BASE, "filters": [["is", {}, ["x"]]]}, "invalid_filter"),
        ({**BASE, "filters": [["is", "event:page", [{}]]]}, "invalid_filter"),
        ({**BASE, "filters": [[{}, "event:page", ["x"]]]}, "invalid_filter"),
        ({**BASE, "order_by": [[{}, "asc"]]}, "invalid_order_by"),
        ({**BASE, "include": {"time_labels": {}}}, "invalid_include"),
        ({**BASE, "pagination": {"limit": {}}}, "invalid_pagination"),
        ({**BASE, "date_range": [{}, {}]}, "invalid_date"),
        ({**BASE, "date_range": ["2024-01-01T10:00:00", "2024-01-01T12:00:00"]}, "invalid_date_range"),
        ({**BASE, "site_id": {}}, "invalid_site"),
        ({**BASE, "unknown": 1}, "invalid_query"),
        ({"metrics": ["visitors"]}, "invalid_date_range"),
        # A date_range that says nothing is refused as a missing one, not read as 7d.
        ({**BASE, "date_range": None}, "invalid_date_range"),
        ({**BASE, "date_range": ""}, "invalid_date_range"),
        ({**BASE, "date_range": 0}, "invalid_date_range"),
        ({**BASE, "date_range": False}, "invalid_date_range"),
        ({**BASE, "date_range": {}}, "invalid_date_range"),
        ({"metrics": [], "date_range": "7d"}, "invalid_metrics"),
        # `$` matches before a final newline: a property name is matched whole.
        ({**BASE, "dimensions": ["event:props:plan\n"]}, "invalid_dimensions"),
        ({**BASE, "filters": [["is", "event:props:plan\n", ["free"]]]}, "invalid_filter"),
        # A goal under or/not has no conversion rate (its base would be itself): refused, as
        # Plausible refuses it (the answer was 100 %).
        (
            {**BASE, "filters": [["or", [["is", "event:goal", ["Signup"]], ["is", "event:page", ["/"]]]]]},
            "invalid_filter",
        ),
        ({**BASE, "filters": [["not", ["is", "event:goal", ["Signup"]]]]}, "invalid_filter"),
    ],
)
def test_crafted_bodies_are_refused_by_name(body, code):
    with pytest.raises(Rejection) as caught:
        parse(body)
    assert caught.value.status == 400 and caught.value.code == code


@pytest.mark.parametrize(
    "pattern,runs",
    [
        (r"^/user/\d+$", True),
        (r"^/(blog|docs)/[a-z-]+/?$", True),
        (r"(a|b)*c", True),
        (r"(a+)+$", False),  # nested quantifiers backtrack exponentially
        (r"(a*)*b", False),
        (r"(\w+\s?)*$", False),
        (r"(a)\1", False),  # back-reference
        (r"(?=a)a", False),  # look-around
        (r"a" * 257, False),  # too long
        (r"[", False),  # not a pattern
        (r"^/blog/.*", True),
        (r"(a|a)*b", False),  # alternation inside a repeat: exponential (2.8 s on 25 characters)
        (r"(ab|cd)*x", False),
        (r"a+a+x", False),  # two long repeats take what the other gives back: 1 s on 2 KB
        (r".*foo.*bar.*baz", False),  # a power of the length per repeat (64 s on a 2 KB path)
        (r"a{0,1000}a{0,1000}x", False),
        (r"^/p/\d{1,6}/[a-z]+$", True),
    ],
)
def test_only_patterns_that_run_in_linear_time_are_matched(pattern, runs):
    body = {**BASE, "filters": [["matches", "event:page", [pattern]]]}
    if runs:
        assert parse(body).filters
    else:
        with pytest.raises(Rejection) as caught:
            parse(body)
        assert caught.value.code in ("unsupported_pattern", "invalid_filter")


def test_the_short_get_form_keeps_its_default_range_when_date_range_is_left_empty():
    assert apiv2.from_parameters({"date_range": ""})["date_range"] == "7d"
    assert parse(apiv2.from_parameters({"date_range": ""})).day_from == "2024-09-04"


def test_the_first_stats_language_takes_a_property_name_only_whole():
    settings = parse_settings({"ORIGIN_URL": "https://origin.example"})
    body = {"metrics": ["visitors"], "date_range": "7d", "dimensions": ["event:props:plan"]}
    assert statsapi.parse_query(body, settings, "example.com", NOW)[2] == "event:props:plan"
    with pytest.raises(Rejection) as caught:
        statsapi.parse_query({**body, "dimensions": ["event:props:plan\n"]}, settings, "example.com", NOW)
    assert caught.value.code == "invalid_dimensions"


def test_a_goal_is_filtered_at_the_top_level_under_and_or_in_has_done():
    for filters in (
        [["is", "event:goal", ["Signup"]]],
        [["and", [["is", "event:goal", ["Signup"]], ["is", "event:page", ["/"]]]]],
        [["has_done", ["is", "event:goal", ["Signup"]]]],
    ):
        assert parse({**BASE, "filters": filters}).filters
