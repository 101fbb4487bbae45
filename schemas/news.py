"""News items in, classified news out (docs/design.md: NewsItem, ClassifiedNews and its facts)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, Field, StringConstraints, field_validator

from schemas.common import (
    FUTURE_SLACK,
    MIN_YEAR,
    Category,
    Count,
    Id,
    Kind,
    Mediator,
    Party,
    ReducedDate,
    ShortText,
    Slug,
    Strict,
    Url,
)

# Bounds of a news item; a larger item is rejected to the dead-letter topic.
MAX_TITLE = 1_000
MAX_BODY = 100_000

CategoryName = Literal[
    "remains_exchange",
    "pow_exchange",
    "civilian_return",
    "exchange_suspended",
    "negotiation",
    "attack",
    "infrastructure",
    "other_war",
    "unrelated",
]
CATEGORIES: tuple[CategoryName, ...] = get_args(CategoryName)


class NewsItem(Strict):
    id: Id
    source: Annotated[str, StringConstraints(min_length=1, max_length=200)] = Field(
        description="Outlet or feed name."
    )
    url: Url | None = None
    published_at: AwareDatetime = Field(description="ISO 8601 with zone.")
    title: Annotated[str, StringConstraints(max_length=MAX_TITLE)] | None = None
    body: Annotated[str, StringConstraints(max_length=MAX_BODY)]
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] | None = Field(
        default=None, description="ISO 639-1; detected from the text when absent."
    )

    @field_validator("published_at")
    @classmethod
    def _not_future(cls, value: dt.datetime) -> dt.datetime:
        if value > dt.datetime.now(dt.UTC) + FUTURE_SLACK:
            raise ValueError(f"published_at {value.isoformat()} is in the future")
        if value.year < MIN_YEAR:
            raise ValueError(f"published_at {value.isoformat()} is before {MIN_YEAR}")
        return value


class Evidence(Strict):
    """Where a fact was read: the sentence and its character span in the item's field."""

    field: Literal["title", "body"]
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: ShortText


class ExchangeFact(Strict):
    type: Literal["exchange"] = "exchange"
    kind: Kind
    received_by: Party | None = Field(
        description="Side that got the people or bodies back; null for a combined figure."
    )
    count: Count
    occurred: ReducedDate | None = None
    historical: bool = False
    approximate: bool = False
    agreement: Slug | None = None
    claimed_by: Party | None = Field(
        default=None, description="Side whose official or spokesperson gave the figure."
    )
    evidence: Evidence | None = None


class TotalFact(Strict):
    """A cumulative figure: kept, never added to the exchange tables."""

    type: Literal["total"] = "total"
    kind: Kind
    received_by: Party | None
    count: Count
    as_of: ReducedDate | None = None
    since: ReducedDate | None = None
    approximate: bool = False
    claimed_by: Party | None = None
    evidence: Evidence | None = None


class SuspensionFact(Strict):
    type: Literal["suspension"] = "suspension"
    kind: Kind
    since: ReducedDate | None = None
    reason: ShortText | None = None
    claimed_by: Party | None = None
    evidence: Evidence | None = None


class ResumptionFact(Strict):
    type: Literal["resumption"] = "resumption"
    kind: Kind
    on: ReducedDate | None = None
    evidence: Evidence | None = None


class CommitmentFact(Strict):
    type: Literal["commitment"] = "commitment"
    kind: Kind
    count: Count | None = None
    agreement: Slug | None = None
    approximate: bool = False
    per_side: bool = Field(
        default=False, description="True when count is for each side, false when combined."
    )
    categories: list[Category] = Field(default_factory=list, max_length=10)
    mediators: list[Mediator] = Field(default_factory=list, max_length=10)
    evidence: Evidence | None = None


Fact = Annotated[
    ExchangeFact | TotalFact | SuspensionFact | ResumptionFact | CommitmentFact,
    Field(discriminator="type"),
]


class ClassifiedNews(Strict):
    item_id: Id
    primary: CategoryName
    labels: list[CategoryName] = Field(description="Every category that applies, primary first.")
    facts: list[Fact] = Field(default_factory=list, max_length=500)
    classifier: Annotated[str, StringConstraints(max_length=100)]
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")] | None = None
    published_at: AwareDatetime | None = None
