"""The graph's grains (footfall.report.series): which grain a range reads best in, days summed into
weeks (from Monday) and months, and hours named on their row's own day."""

import pytest

from footfall.report import series


@pytest.mark.parametrize(
    "day_from,day_to,grain,choices",
    [
        ("2026-11-20", "2026-11-20", "hour", ("hour", "day")),
        ("2026-11-19", "2026-11-20", "hour", ("hour", "day")),
        ("2026-11-18", "2026-11-20", "day", ("day",)),
        ("2026-08-21", "2026-11-20", "day", ("day", "week", "month")),  # 92 days
        ("2026-08-20", "2026-11-20", "week", ("day", "week", "month")),  # 93 days
        ("2026-05-05", "2026-11-20", "week", ("day", "week", "month")),  # 200 days
        ("2025-11-21", "2026-11-20", "month", ("day", "week", "month")),
    ],
)
def test_the_grain_follows_the_length_of_the_range(day_from, day_to, grain, choices):
    assert series.auto_grain(day_from, day_to) == grain
    assert series.grains_for(day_from, day_to) == choices


def day(d: str, views: int, visitors: int, visit_count: int, bounces: int, hist: dict) -> dict:
    return {"day": d, "views": views, "visitors": visitors, "visits": visit_count, "bounces": bounces, "hist": hist}


DAYS = [
    day("2026-11-01", 2, 2, 2, 1, {"10": 2}),  # a Sunday: the range's first week has that one day
    day("2026-11-02", 4, 3, 3, 0, {"20": 3, "0": 1}),  # Monday
    day("2026-11-08", 1, 1, 1, 1, '{"5": 1}'),  # Sunday (rolled-up days carry their histogram as JSON)
    day("2026-11-09", 0, 0, 0, 0, {}),
]


def test_days_sum_into_weeks_named_by_their_monday():
    assert series.from_days(DAYS, "week") == [
        {"time": "2026-10-26", "visitors": 2, "pageviews": 2, "visits": 2, "bounce_rate": 0.5, "median_seconds": 10},
        {"time": "2026-11-02", "visitors": 4, "pageviews": 5, "visits": 4, "bounce_rate": 0.25, "median_seconds": 20},
        {"time": "2026-11-09", "visitors": 0, "pageviews": 0, "visits": 0, "bounce_rate": None, "median_seconds": None},
    ]


def test_days_sum_into_months():
    (month,) = series.from_days(DAYS, "month")
    assert month == {
        "time": "2026-11-01",
        "visitors": 6,
        "pageviews": 7,
        "visits": 6,
        "bounce_rate": round(2 / 6, 4),
        "median_seconds": 10,  # the lower middle of 5, 10, 10, 20, 20, 20 seconds (0 s: no time recorded)
    }


@pytest.mark.parametrize(
    "ts,offset,row_day,label",
    [
        (1_795_176_000_000, 0, "2026-11-20", "2026-11-20 12:00:00"),
        (1_795_176_000_000, 60, "2026-11-20", "2026-11-20 13:00:00"),
        (1_795_176_000_000, 12 * 60, "2026-11-20", "2026-11-20 23:00:00"),  # an offset that moved: its own day
        (1_795_176_000_000, -13 * 60, "2026-11-20", "2026-11-20 00:00:00"),
    ],
)
def test_an_hour_is_named_on_its_rows_own_day(ts, offset, row_day, label):
    assert series.hour_label(ts, offset, row_day) == label
