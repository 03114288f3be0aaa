"""Date ranges: the dashboard's periods and Plausible's Stats API v2 vocabulary."""

import pytest

from footfall.errors import Rejection
from footfall.report import periods

TODAY = "2026-11-20"


@pytest.mark.parametrize(
    "name,start",
    [
        ("today", TODAY),
        ("day", TODAY),
        ("7d", "2026-11-14"),
        ("28d", "2026-10-24"),
        ("30d", "2026-10-22"),
        ("91d", "2026-08-22"),
        ("month", "2026-11-01"),
        ("6mo", "2026-06-01"),
        ("12mo", "2025-12-01"),
        ("year", "2026-01-01"),
        ("all", "2016-11-12"),
    ],
    ids=lambda v: str(v),
)
def test_named_periods_end_today(name, start):
    assert periods.day_range(name, TODAY) == (start, TODAY, name)


def test_twelve_months_in_january_start_in_february_of_last_year():
    assert periods.day_range("12mo", "2026-01-15")[0] == "2025-02-01"
    assert periods.day_range("6mo", "2026-03-31")[0] == "2025-10-01"


def test_a_pair_is_a_custom_range():
    assert periods.day_range(["2026-11-01", "2026-11-05"], TODAY) == ("2026-11-01", "2026-11-05", "custom")


@pytest.mark.parametrize(
    "value", ["fortnight", {"a": 1}, 7, ["2026-11-01"]], ids=["unknown", "object", "number", "one-day"]
)
def test_a_bad_date_range_names_the_field_the_caller_used(value):
    with pytest.raises(Rejection) as info:
        periods.day_range(value, TODAY, field="date_range")
    assert info.value.status == 400 and info.value.message.startswith("date_range must be one of")
    assert "month" in info.value.message and "all" in info.value.message
