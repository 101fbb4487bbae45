"""Reduced-precision dates as periods, and the calendar windows of the tables.

A date of the wire contract is `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. Here it becomes a `Period`
(first and last day it covers). Wherever one instant is needed (windows, gaps, agreement in
force, suspension start), a reduced date stands for the FIRST day of its period: an exchange
dated "2025-11" counts in the day window of 2025-11-01, the week holding that day and the month
2025-11. Using the first day everywhere keeps the tables, the rules and the views consistent.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from schemas.common import check_reduced_date, date_precision, date_start

Precision = Literal["year", "month", "day"]
WindowSize = Literal["day", "week", "month"]
WINDOW_SIZES: tuple[WindowSize, ...] = ("day", "week", "month")
UTC = dt.UTC
_RANK: dict[str, int] = {"year": 0, "month": 1, "day": 2}


@dataclass(frozen=True, slots=True)  # (slots: one object per date text, not two)
class Period:
    """The days a reduced-precision date covers (`end` inclusive)."""

    text: str
    start: dt.date
    end: dt.date
    precision: Precision

    @property
    def rank(self) -> int:
        """0 for a year, 1 for a month, 2 for a day: higher is more precise."""
        return _RANK[self.precision]

    def contains(self, other: Period) -> bool:
        return self.start <= other.start and other.end <= self.end


@lru_cache(maxsize=65_536)  # pure: a memo, not state
def period(text: str) -> Period:
    check_reduced_date(text)
    start = date_start(text)
    precision = date_precision(text)
    if precision == "day":
        end = start
    elif precision == "month":
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    else:
        end = dt.date(start.year, 12, 31)
    return Period(text, start, end, precision)


def day_text(day: dt.date) -> str:
    return day.isoformat()


@lru_cache(maxsize=4096)  # pure: asked for several times per event
def month_text(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


@lru_cache(maxsize=4096)  # pure, and datetimes are immutable
def midnight(day: dt.date) -> dt.datetime:
    """00:00 UTC of a day: the instant a date stands for in the rules."""
    return dt.datetime(day.year, day.month, day.day, tzinfo=UTC)


def utc(moment: dt.datetime) -> dt.datetime:
    """An aware datetime in UTC (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@lru_cache(maxsize=1024)  # pure: the clock's text is asked for several times per event
def iso(moment: dt.datetime) -> str:
    """The one text form of an instant in the stores: UTC, seconds, `Z`."""
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


@lru_cache(maxsize=1024)  # pure, and datetimes are immutable
def parse_instant(text: str) -> dt.datetime:
    return utc(dt.datetime.fromisoformat(text.replace("Z", "+00:00")))


def window_start(size: WindowSize, day: dt.date) -> dt.date:
    """First day of the window of `size` holding `day` (ISO weeks start on Monday)."""
    if size == "day":
        return day
    if size == "week":
        return day - dt.timedelta(days=day.weekday())
    return day.replace(day=1)


def window_end(size: WindowSize, start: dt.date) -> dt.date:
    """Last day (inclusive) of the window starting on `start`."""
    if size == "day":
        return start
    if size == "week":
        return start + dt.timedelta(days=6)
    return start.replace(day=calendar.monthrange(start.year, start.month)[1])


def next_window(size: WindowSize, start: dt.date) -> dt.date:
    return window_end(size, start) + dt.timedelta(days=1)


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every day from `first` to `last`, both included (empty when last < first)."""
    count = (last - first).days + 1
    return [first + dt.timedelta(days=i) for i in range(max(0, count))]


def months(first: dt.date, last: dt.date) -> list[dt.date]:
    """First days of the months from the month of `first` to the month of `last`."""
    out: list[dt.date] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):  # (no calendar lookups: hot in the rules)
        out.append(dt.date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
