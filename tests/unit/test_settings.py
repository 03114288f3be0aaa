"""Parsing the Worker's variables (footfall.settings): each error names its variable."""

import pytest

from footfall.errors import ConfigError
from footfall.settings import Origin, parse_settings


def test_defaults():
    s = parse_settings({})
    assert (s.prefix, s.origin, s.origin_timeout_ms, s.event_names) == ("/_ff", None, 10_000, frozenset())


@pytest.mark.parametrize(
    "raw,origin",
    [
        ("https://user.github.io", Origin("https", "user.github.io", "")),
        ("https://user.github.io/", Origin("https", "user.github.io", "")),
        ("https://user.github.io/project/", Origin("https", "user.github.io", "/project")),
        ("http://127.0.0.1:8788", Origin("http", "127.0.0.1:8788", "")),
        ("http://[::1]:8788", Origin("http", "[::1]:8788", "")),
    ],
)
def test_origin_urls(raw, origin):
    assert parse_settings({"ORIGIN_URL": raw}).origin == origin


@pytest.mark.parametrize(
    "variable,raw",
    [
        ("ORIGIN_URL", "user.github.io"),
        ("ORIGIN_URL", "ftp://user.github.io"),
        ("ORIGIN_URL", "https://user:pw@user.github.io"),
        ("ORIGIN_URL", "https://user.github.io/?x=1"),
        ("ORIGIN_URL", "http://host:99999"),
        ("FOOTFALL_PATH", "_ff"),
        ("FOOTFALL_PATH", "/_ff/"),
        ("FOOTFALL_PATH", "/"),
        ("FOOTFALL_PATH", "/a b"),
        ("FOOTFALL_PATH", "/a//b"),
        ("ORIGIN_TIMEOUT_MS", "fast"),
        ("ORIGIN_TIMEOUT_MS", "10"),
        ("EVENT_NAMES", "ok,<script>"),
        ("RETENTION_DAYS", "\u00b2"),  # a digit to str.isdigit(), not to int(): a ValueError before
        ("DB_SIZE_CAP_MB", "\u0665\u0660\u0660"),  # Arabic-Indic 500
    ],
)
def test_bad_values_name_their_variable(variable, raw):
    if variable in ("ORIGIN_URL", "ORIGIN_TIMEOUT_MS"):  # the proxy cannot work without them
        with pytest.raises(ConfigError) as info:
            parse_settings({variable: raw})
        problem = info.value
    else:  # kept aside: the site keeps working, footfall's endpoints report it
        problem = parse_settings({variable: raw}).problem
    assert problem.setting == variable and variable in str(problem)


def test_prefix_and_event_names():
    s = parse_settings({"FOOTFALL_PATH": "/stats/ff", "EVENT_NAMES": " signup , newsletter ,,"})
    assert s.prefix == "/stats/ff" and s.event_names == {"signup", "newsletter"}
