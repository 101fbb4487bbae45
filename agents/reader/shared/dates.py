"""Dates of reduced precision ("2025", "2025-10", "2025-10-17") and the publication date
relative cues resolve against."""

from __future__ import annotations

import datetime as dt

from schemas.common import MAX_YEAR, MIN_YEAR

# Publication date

# NewsItem.published_at is required (and not before MIN_YEAR); a feed (or the evaluation) that
# does not know the page date sends this sentinel, the first instant the schema accepts. The
# readers then resolve no relative cue ("on Friday") at all: against it they could only invent
# a date. (No exchange report of this war dates from that midnight.)
UNKNOWN_PUBLISHED = dt.datetime(MIN_YEAR, 1, 1, tzinfo=dt.UTC)


def reference_date(published_at: dt.datetime | None) -> dt.date | None:
    """The date relative cues ("today", "on Friday") resolve against; None when unknown (no
    value, or the UNKNOWN_PUBLISHED sentinel or anything earlier)."""
    if published_at is None or published_at <= UNKNOWN_PUBLISHED:
        return None
    return published_at.date()


# Dates (reduced precision strings as in docs/design.md)


def fmt_date(year: int, month: int | None = None, day: int | None = None) -> str | None:
    """ "YYYY", "YYYY-MM" or "YYYY-MM-DD"; None when out of range or not a calendar date."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if month is None:
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def date_str(d: dt.date) -> str | None:
    return fmt_date(d.year, d.month, d.day)


def resolve_weekday(ref: dt.date, weekday: int) -> dt.date:
    """The latest date on or before `ref` falling on `weekday` (Monday = 0)."""
    return ref - dt.timedelta(days=(ref.weekday() - weekday) % 7)


def shift_months(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by `delta` months."""
    n = year * 12 + (month - 1) + delta
    return n // 12, n % 12 + 1


def months_ago(ref: dt.date, n: int) -> str | None:
    """The month `n` months before `ref`, as "YYYY-MM"."""
    y, m = shift_months(ref.year, ref.month, -n)
    return fmt_date(y, m)


def resolve_day_month(
    ref: dt.date | None, day: int, month: int, year: int | None, *, slack_days: int = 2
) -> str | None:
    """A day and month, with the year when the text gives it, else the latest such date not
    more than `slack_days` after `ref`; None without year and without reference."""
    if year is not None:
        return fmt_date(year, month, day)
    if ref is None:
        return None
    for y in (ref.year, ref.year - 1):
        try:
            cand = dt.date(y, month, day)
        except ValueError:
            continue
        if cand <= ref + dt.timedelta(days=slack_days):
            return date_str(cand)
    return None


def resolve_month(ref: dt.date | None, month: int, year: int | None) -> str | None:
    """A month, with its year when given, else the latest such month not after `ref`."""
    if year is not None:
        return fmt_date(year, month)
    if ref is None:
        return None
    return fmt_date(ref.year if month <= ref.month else ref.year - 1, month)


def is_well_before(value: str, ref: dt.date | None) -> bool:
    """Whether a reduced-precision date lies clearly before `ref` (so it is background):
    a day more than 21 days before, a month at least two months before, an earlier year."""
    if ref is None:
        return False
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return parts[0] < ref.year
    if len(parts) == 2:
        return (ref.year * 12 + ref.month) - (parts[0] * 12 + parts[1]) >= 2
    try:
        d = dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return False
    return (ref - d).days > 21
