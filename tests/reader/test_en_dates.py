"""Date cues in English and the date arithmetic against the publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from agents.reader.en.dates import duration_start, find_dates
from agents.reader.shared.dates import (
    UNKNOWN_PUBLISHED,
    fmt_date,
    is_well_before,
    months_ago,
    reference_date,
    resolve_day_month,
    resolve_month,
    resolve_weekday,
    shift_months,
)

# Friday 17 October 2025
REF = dt.date(2025, 10, 17)


def cues(text: str, ref: dt.date | None = REF) -> list[tuple[str, str | None]]:
    return [(c.role, c.value) for c in find_dates(text, ref)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened on Tuesday.", [("on", "2025-10-14")]),
        ("It happened on Friday.", [("on", "2025-10-17")]),  # the publication day itself
        ("It happened on Saturday.", [("on", "2025-10-11")]),
        ("It happened today.", [("on", "2025-10-17")]),
        ("It happened yesterday.", [("on", "2025-10-16")]),
        ("It happened last week.", [("on", "2025-10")]),
        ("It happened last month.", [("on", "2025-09")]),
        ("It happened last year.", [("on", "2024")]),
        ("It happened in November 2023.", [("on", "2023-11")]),
        ("It happened in November.", [("on", "2024-11")]),  # latest November not after REF
        ("It happened in October.", [("on", "2025-10")]),
        ("It happened on October 23.", [("on", "2024-10-23")]),
        ("It happened on October 2.", [("on", "2025-10-02")]),
        ("It happened on 2 June.", [("on", "2025-06-02")]),
        ("It happened on May 16, 2025.", [("on", "2025-05-16")]),
        ("It happened on 16 May 2025.", [("on", "2025-05-16")]),
        ("It happened in 2024.", [("on", "2024")]),
        ("It happened two months ago.", [("on", "2025-08")]),
        ("It happened three days ago.", [("on", "2025-10-14")]),
        ("Swaps were suspended since October 2025.", [("since", "2025-10")]),
        ("Swaps were suspended since early October.", [("since", "2025-10")]),
        ("Data as of January 1.", [("as_of", "2025-01-01")]),
        ("This Saturday, April 8, they came home.", [("on", "2025-04-08")]),
    ],
)
def test_resolved_against_publication(text: str, expected: list[tuple[str, str]]) -> None:
    assert cues(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It happened on Tuesday.", [("on", None)]),
        ("It happened today.", [("on", None)]),
        ("It happened on October 23.", [("on", None)]),
        ("This Saturday, April 8, they came home.", [("on", None)]),
        ("It happened in November 2023.", [("on", "2023-11")]),  # the text gives the year
        ("It happened on May 16, 2025.", [("on", "2025-05-16")]),
    ],
)
def test_unknown_publication_date_invents_nothing(
    text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert cues(text, None) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Russia may return them.",  # the verb, not the month
        "They march on.",
        "in 1,000 bodies",
        "A 2-1 win.",
    ],
)
def test_not_dates(text: str) -> None:
    assert [v for _, v in cues(text)] == []


def test_cue_offsets() -> None:
    text = "Ukraine received 150 POWs on Tuesday in Kyiv."
    (c,) = find_dates(text, REF)
    assert text[c.start : c.end] == "Tuesday"


def test_duration_start() -> None:
    assert duration_start("exchanges have stalled for five months", REF) == "2025-05"
    assert duration_start("stalled for the past two weeks", REF) == "2025-10"
    assert duration_start("stalled for months", REF) is None
    assert duration_start("stalled for five months", None) is None


def test_reference_date_unknown() -> None:
    assert reference_date(UNKNOWN_PUBLISHED) is None
    assert reference_date(None) is None
    assert reference_date(dt.datetime(2026, 1, 29, 12, tzinfo=dt.UTC)) == dt.date(2026, 1, 29)


def test_date_arithmetic() -> None:
    assert resolve_weekday(REF, 4) == REF  # Friday
    assert resolve_weekday(REF, 5) == dt.date(2025, 10, 11)
    assert shift_months(2025, 1, -2) == (2024, 11)
    assert months_ago(REF, 10) == "2024-12"
    assert resolve_day_month(REF, 19, 10, None) == "2025-10-19"  # two days of slack
    assert resolve_day_month(REF, 25, 10, None) == "2024-10-25"
    assert resolve_day_month(None, 25, 10, None) is None
    assert resolve_day_month(None, 25, 10, 2024) == "2024-10-25"
    assert resolve_day_month(REF, 30, 2, None) is None  # no such day: nothing, no error
    assert resolve_month(REF, 12, None) == "2024-12"
    assert resolve_month(None, 12, None) is None


@pytest.mark.parametrize(
    ("args", "value"),
    [
        ((2025,), "2025"),
        ((2025, 6), "2025-06"),
        ((2025, 6, 2), "2025-06-02"),
        ((2025, 2, 30), None),
        ((2025, 13), None),
        ((1999, 1), None),
        ((2200,), None),
    ],
)
def test_fmt_date_validates(args: tuple[int, ...], value: str | None) -> None:
    assert fmt_date(*args) == value


def test_is_well_before() -> None:
    assert is_well_before("2023-11", REF)
    assert is_well_before("2024", REF)
    assert is_well_before("2025-09-01", REF)
    assert not is_well_before("2025-10-02", REF)
    assert not is_well_before("2025-09", REF)  # the month before: may be this exchange
    assert not is_well_before("2023-11", None)
