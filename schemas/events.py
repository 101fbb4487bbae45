"""Structured exchange events (docs/design.md: the ExchangeEvent union)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field, StrictBool, TypeAdapter, field_validator, model_validator

from schemas.common import (
    Category,
    Count,
    Id,
    Kind,
    Mediator,
    Origin,
    Party,
    ReducedDate,
    ShortText,
    Slug,
    Strict,
    Url,
    check_instant,
    check_not_future,
)


class SourceRef(Strict):
    """One place the event was read or received from."""

    item_id: Id | None = None
    url: Url | None = None
    outlet: Annotated[str, Field(max_length=200)] | None = None


class Claim(Strict):
    """One source's own figures for an exchange, attributed to who made them."""

    by: Party | None = Field(
        default=None, description="Side whose official statement this is; null for media."
    )
    received: dict[Party, Count] = Field(default_factory=dict)
    combined: Count | None = None
    source: Annotated[str, Field(min_length=1, max_length=200)]


class _Event(Strict):
    event_id: Id
    source: Annotated[str, Field(min_length=1, max_length=200)] | None = Field(
        default=None,
        description="Producer of the event; (source, event_id) identifies it (CloudEvents rule).",
    )
    kind: Kind
    sources: list[SourceRef] = Field(default_factory=list, max_length=200)
    origin: Origin = "news"
    reported_at: AwareDatetime | None = Field(
        default=None,
        description="When the source published it; advances the event-time clock.",
    )

    @field_validator("reported_at")
    @classmethod
    def _reported_in_range(cls, value: dt.datetime | None) -> dt.datetime | None:
        return None if value is None else check_instant(value, "reported_at")


class ExchangeEvent(_Event):
    type: Literal["exchange"] = "exchange"
    occurred: ReducedDate
    received: dict[Party, Count] = Field(
        default_factory=dict, description="Resolved figure per receiving side."
    )
    combined: Count | None = Field(
        default=None, description="Undirected figure when no side's figure is known."
    )
    agreement_id: Slug | None = None
    historical: StrictBool = False
    confidence: float = Field(default=1.0, ge=0.0, le=1.0, allow_inf_nan=False)
    claims: list[Claim] = Field(default_factory=list, max_length=200)

    @model_validator(mode="after")
    def _has_a_figure(self) -> ExchangeEvent:
        if not self.received and self.combined is None:
            raise ValueError("an exchange needs 'received' for at least one side, or 'combined'")
        check_not_future(self.occurred, "occurred")
        return self


class SuspensionEvent(_Event):
    type: Literal["suspension"] = "suspension"
    since: ReducedDate
    reason: ShortText | None = None
    by: Party | None = None

    @model_validator(mode="after")
    def _not_future(self) -> SuspensionEvent:
        check_not_future(self.since, "since")
        return self


class ResumptionEvent(_Event):
    type: Literal["resumption"] = "resumption"
    on: ReducedDate

    @model_validator(mode="after")
    def _not_future(self) -> ResumptionEvent:
        check_not_future(self.on, "on")
        return self


def _both() -> list[Party]:
    return ["RU", "UA"]


class CommitmentEvent(_Event):
    type: Literal["commitment"] = "commitment"
    agreement_id: Slug
    count: Count
    per_side: StrictBool = Field(
        default=False, description="True when count is for each side, false when combined."
    )
    categories: list[Category] = Field(default_factory=list, max_length=10)
    parties: list[Party] = Field(default_factory=lambda: _both(), max_length=2)
    mediators: list[Mediator] = Field(default_factory=list, max_length=10)
    signed: ReducedDate
    due: ReducedDate | None = None
    approximate: StrictBool = False

    @model_validator(mode="after")
    def _not_future(self) -> CommitmentEvent:
        check_not_future(self.signed, "signed")
        return self


class TotalEvent(_Event):
    """A side's cumulative figure: kept beside the tables, never added to them."""

    type: Literal["total"] = "total"
    received_by: Party | None
    count: Count
    as_of: ReducedDate
    since: ReducedDate | None = None
    claimed_by: Party | None = None
    approximate: StrictBool = False

    @model_validator(mode="after")
    def _not_future(self) -> TotalEvent:
        check_not_future(self.as_of, "as_of")
        check_not_future(self.since, "since")
        return self


AnyEvent = Annotated[
    ExchangeEvent | SuspensionEvent | ResumptionEvent | CommitmentEvent | TotalEvent,
    Field(discriminator="type"),
]
EVENT_ADAPTER: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)
