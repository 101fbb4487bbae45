"""Shared field types of the wire contract: parties, kinds, reduced-precision dates, bounds."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

# Belligerent parties whose people are exchanged.
Party = Literal["UA", "RU"]
PARTIES: tuple[Party, ...] = ("UA", "RU")
# Mediators of the exchanges.
Mediator = Literal["TR", "AE", "US", "QA", "SA", "VA"]
Kind = Literal["remains", "pows", "civilians"]
KINDS: tuple[Kind, ...] = ("remains", "pows", "civilians")
Origin = Literal["news", "official"]
# POW categories named by the Istanbul agreements.
Category = Literal["severely_injured", "ill", "under_25"]

# Exchanges of this war start in 2014; a date outside these years is an input error.
MIN_YEAR = 2014
MAX_YEAR = 2100
# The largest figure the service accepts for one count; larger figures are absurd here.
MAX_COUNT = 1_000_000

_REDUCED_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")


def check_reduced_date(value: str) -> str:
    """Validate an ISO 8601 date of reduced precision: YYYY, YYYY-MM or YYYY-MM-DD."""
    m = _REDUCED_DATE.match(value)
    if m is None:
        raise ValueError(f"date {value!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    year = int(m.group(1))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"date {value!r} is outside the years {MIN_YEAR}-{MAX_YEAR}")
    month = int(m.group(2)) if m.group(2) else 1
    day = int(m.group(3)) if m.group(3) else 1
    try:
        dt.date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"date {value!r} is not a calendar date: {exc}") from None
    return value


ReducedDate = Annotated[
    str,
    StringConstraints(max_length=10),
    AfterValidator(check_reduced_date),
    Field(
        pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
        json_schema_extra={"examples": ["2025", "2025-10", "2025-10-17"]},
    ),
]

# strict: "100", 100.0 and true are not counts (pydantic's lax mode would take them).
Count = Annotated[int, Field(ge=0, le=MAX_COUNT, strict=True)]
# Longest id of an item or event.
MAX_ID = 200
Id = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID)]
ShortText = Annotated[str, StringConstraints(max_length=2000)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2048)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")]


# A date this far past today (UTC) is an input error: nothing is reported before it happens.
FUTURE_SLACK = dt.timedelta(days=1)


def check_not_future(value: str | None, name: str) -> None:
    """Refuse a reduced-precision date whose period starts after tomorrow (UTC)."""
    if value is not None and date_start(value) > dt.datetime.now(dt.UTC).date() + FUTURE_SLACK:
        raise ValueError(f"{name} {value} is in the future")


def check_instant(value: dt.datetime, name: str) -> dt.datetime:
    """Refuse a timestamp before MIN_YEAR or after tomorrow (UTC)."""
    if value.year < MIN_YEAR:
        raise ValueError(f"{name} {value.isoformat()} is before {MIN_YEAR}")
    if value > dt.datetime.now(dt.UTC) + FUTURE_SLACK:
        raise ValueError(f"{name} {value.isoformat()} is in the future")
    return value


def date_start(value: str) -> dt.date:
    """First day covered by a reduced-precision date."""
    parts = [int(p) for p in value.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def date_precision(value: str) -> Literal["year", "month", "day"]:
    return ("year", "month", "day")[value.count("-")]


class Strict(BaseModel):
    """Base of every wire model: unknown fields are errors, and models are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
