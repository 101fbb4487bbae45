from __future__ import annotations

import datetime as dt

import pytest

from agents.core.dates import (
    days,
    iso,
    midnight,
    months,
    parse_instant,
    period,
    window_end,
    window_start,
)

D = dt.date


def test_periods_of_reduced_dates() -> None:
    assert period("2025").start == D(2025, 1, 1) and period("2025").end == D(2025, 12, 31)
    assert period("2024-02").end == D(2024, 2, 29)
    assert period("2025-10-17").start == period("2025-10-17").end == D(2025, 10, 17)
    assert [period(t).rank for t in ("2025", "2025-10", "2025-10-17")] == [0, 1, 2]
    assert period("2025").contains(period("2025-10")) and period("2025-10").contains(
        period("2025-10-31")
    )
    assert not period("2025-10").contains(period("2025-11-01"))
    with pytest.raises(ValueError):
        period("2025-13")


@pytest.mark.parametrize(
    ("size", "day", "start", "end"),
    [
        ("day", D(2026, 1, 29), D(2026, 1, 29), D(2026, 1, 29)),
        ("week", D(2026, 1, 29), D(2026, 1, 26), D(2026, 2, 1)),  # Thursday -> Monday
        ("week", D(2026, 1, 26), D(2026, 1, 26), D(2026, 2, 1)),  # a Monday is its own start
        ("week", D(2026, 2, 1), D(2026, 1, 26), D(2026, 2, 1)),  # Sunday ends the ISO week
        ("week", D(2025, 1, 1), D(2024, 12, 30), D(2025, 1, 5)),  # weeks cross years
        ("month", D(2024, 2, 17), D(2024, 2, 1), D(2024, 2, 29)),
    ],
)
def test_windows(size: str, day: dt.date, start: dt.date, end: dt.date) -> None:
    assert window_start(size, day) == start  # type: ignore[arg-type]
    assert window_end(size, start) == end  # type: ignore[arg-type]


def test_reduced_dates_count_on_their_first_day() -> None:
    assert window_start("week", period("2025-11").start) == D(2025, 10, 27)
    assert window_start("month", period("2025").start) == D(2025, 1, 1)


def test_day_and_month_ranges_and_instants() -> None:
    assert days(D(2025, 2, 27), D(2025, 3, 1)) == [D(2025, 2, 27), D(2025, 2, 28), D(2025, 3, 1)]
    assert days(D(2025, 3, 2), D(2025, 3, 1)) == []
    assert months(D(2025, 11, 30), D(2026, 1, 1)) == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)]
    moment = dt.datetime(2026, 1, 29, 14, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert iso(moment) == "2026-01-29T12:00:00Z"
    assert parse_instant("2026-01-29T12:00:00Z") == dt.datetime(2026, 1, 29, 12, tzinfo=dt.UTC)
    assert iso(midnight(D(2026, 1, 29))) == "2026-01-29T00:00:00Z"
