"""Facts of one classified news item into events (`events_from_classified`): pure, no state.

- Event ids are `<item id>#<n>` (n from 1, in the order of each event's first fact), source
  `exchange-watch/reader`, origin `news`, `reported_at` = the item's publication time, one
  source reference (item id, url, outlet).
- Exchange facts: facts of one kind, with the same `historical` flag and the same date, whose
  figures fit together (see `dedupe.compare_figures`) are one swap: one ExchangeEvent with one
  claim per claimant (`claimed_by`; two figures of one claimant for the same side, such as a
  lead and a quote, are two claims). A fact without `occurred` takes the publication date (the
  item's own local date, day precision). A combined figure (received_by null) goes into
  `combined`. A historical fact without a date is dropped: a past exchange that cannot be dated
  can be neither placed in a window nor matched.
- Suspension facts: `since` defaults to the publication month. Resumption facts: `on` defaults
  to the publication date.
- Commitment facts: the agreement is the fact's, else the one in force for the kind on the
  publication date (file agreements), else `unnamed-<YYYY-MM>` of the publication month;
  `signed` is that agreement's, else the publication date; a missing count becomes 0 (no fixed
  number). POW categories named on a commitment of another kind ("about 12,000 remains and
  severely injured, ill and under-25 POWs") become a second commitment, on POWs, without count.
- Total facts become TotalEvents (`as_of` defaults to the publication date).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from agents.core.agreements import AgreementBook
from agents.core.config import Config
from agents.core.dedupe import Figures, add_votes, compare_figures, resolve
from schemas.events import (
    AnyEvent,
    Claim,
    CommitmentEvent,
    ExchangeEvent,
    ResumptionEvent,
    SourceRef,
    SuspensionEvent,
    TotalEvent,
)
from schemas.news import (
    ClassifiedNews,
    CommitmentFact,
    ExchangeFact,
    NewsItem,
    ResumptionFact,
    SuspensionFact,
    TotalFact,
)

SOURCE = "exchange-watch/reader"
MAX_ID = 200
MAX_CLAIMS = 200


@lru_cache(maxsize=1)
def default_config() -> Config:
    return Config.load(None)


def event_id(item_id: str, n: int) -> str:
    suffix = f"#{n}"
    if len(item_id) + len(suffix) <= MAX_ID:
        return item_id + suffix
    return hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:32] + suffix


@dataclass
class _Claim:
    by: str | None
    received: dict[str, int] = field(default_factory=dict)
    combined: int | None = None


@dataclass
class _Swap:
    """Exchange facts of one item that describe one swap."""

    order: int
    kind: str
    historical: bool
    occurred: str
    agreement: str | None = None
    claims: list[_Claim] = field(default_factory=list)

    def figures(self) -> Figures:
        tally: dict[str, object] = {}
        for seq, c in enumerate(self.claims):
            tally = add_votes(tally, c.received, c.combined, c.by, False, seq)
        return resolve(tally)

    def fits(self, fact: ExchangeFact, rel: float) -> bool:
        if fact.received_by is None:
            new = Figures(received={}, combined=fact.count)
        else:
            new = Figures(received={fact.received_by: fact.count})
        return compare_figures(new, self.figures(), rel) is not None

    def add(self, fact: ExchangeFact) -> None:
        side = fact.received_by
        for claim in self.claims:
            if claim.by != fact.claimed_by:
                continue
            if side is None and claim.combined is None:
                claim.combined = fact.count
                break
            if side is not None and side not in claim.received:
                claim.received[side] = fact.count
                break
        else:
            new = _Claim(by=fact.claimed_by)
            if side is None:
                new.combined = fact.count
            else:
                new.received[side] = fact.count
            self.claims.append(new)
        if self.agreement is None and fact.agreement is not None:
            self.agreement = fact.agreement


def events_from_classified(
    item: NewsItem, classified: ClassifiedNews, config: Config | None = None
) -> list[AnyEvent]:
    """The events the facts of `classified` state, in a deterministic order."""
    config = config or default_config()
    agreements = AgreementBook(config)
    published = item.published_at
    day = published.date()
    day_text = day.isoformat()
    month_text = f"{day.year:04d}-{day.month:02d}"
    refs = [SourceRef(item_id=item.id, url=item.url, outlet=item.source)]
    base = {"source": SOURCE, "origin": "news", "reported_at": published, "sources": refs}
    rel = config.thresholds.figure_tolerance

    drafts: list[tuple[int, object]] = []
    swaps: list[_Swap] = []
    for order, fact in enumerate(classified.facts):
        if isinstance(fact, ExchangeFact):
            if fact.historical and fact.occurred is None:
                continue
            occurred = fact.occurred or day_text
            swap = next(
                (
                    s
                    for s in swaps
                    if (s.kind, s.historical, s.occurred) == (fact.kind, fact.historical, occurred)
                    and s.fits(fact, rel)
                ),
                None,
            )
            if swap is None:
                swap = _Swap(order, fact.kind, fact.historical, occurred)
                swaps.append(swap)
                drafts.append((order, swap))
            swap.add(fact)
        elif isinstance(fact, CommitmentFact):
            drafts.extend((order, d) for d in _commitments(fact, agreements, day, month_text))
        else:
            drafts.append((order, fact))

    events: list[AnyEvent] = []
    for n, (_, draft) in enumerate(sorted(drafts, key=lambda d: d[0]), start=1):
        eid = event_id(item.id, n)
        if isinstance(draft, _Swap):
            figures = draft.figures()
            events.append(
                ExchangeEvent(
                    event_id=eid,
                    kind=draft.kind,  # type: ignore[arg-type]
                    occurred=draft.occurred,
                    received=figures.received,  # type: ignore[arg-type]
                    combined=figures.combined,
                    agreement_id=draft.agreement,
                    historical=draft.historical,
                    claims=[
                        Claim(
                            by=c.by,  # type: ignore[arg-type]
                            received=c.received,  # type: ignore[arg-type]
                            combined=c.combined,
                            source=item.source,
                        )
                        for c in draft.claims[:MAX_CLAIMS]
                    ],
                    **base,  # type: ignore[arg-type]
                )
            )
        elif isinstance(draft, CommitmentEvent):
            events.append(draft.model_copy(update={"event_id": eid, **base}))
        elif isinstance(draft, SuspensionFact):
            events.append(
                SuspensionEvent(
                    event_id=eid,
                    kind=draft.kind,
                    since=draft.since or month_text,
                    reason=draft.reason,
                    by=draft.claimed_by,
                    **base,  # type: ignore[arg-type]
                )
            )
        elif isinstance(draft, ResumptionFact):
            events.append(
                ResumptionEvent(
                    event_id=eid,
                    kind=draft.kind,
                    on=draft.on or day_text,
                    **base,  # type: ignore[arg-type]
                )
            )
        elif isinstance(draft, TotalFact):
            events.append(
                TotalEvent(
                    event_id=eid,
                    kind=draft.kind,
                    received_by=draft.received_by,
                    count=draft.count,
                    as_of=draft.as_of or day_text,
                    since=draft.since,
                    claimed_by=draft.claimed_by,
                    approximate=draft.approximate,
                    **base,  # type: ignore[arg-type]
                )
            )
    return events


def _commitments(
    fact: CommitmentFact, agreements: AgreementBook, day: dt.date, month_text: str
) -> list[CommitmentEvent]:
    record = None
    if fact.agreement is not None:
        agreement_id = fact.agreement
        record = agreements.get(agreement_id)
    else:
        record = agreements.in_force(fact.kind, day)
        agreement_id = str(record["id"]) if record is not None else f"unnamed-{month_text}"
    signed = str(record["signed"]) if record is not None else day.isoformat()
    common = {
        "event_id": "pending",
        "agreement_id": agreement_id,
        "signed": signed,
        "mediators": list(fact.mediators),
    }
    out = [
        CommitmentEvent(
            kind=fact.kind,
            count=fact.count or 0,
            per_side=fact.per_side,
            categories=list(fact.categories) if fact.kind == "pows" else [],
            approximate=fact.approximate,
            **common,  # type: ignore[arg-type]
        )
    ]
    if fact.kind != "pows" and fact.categories:
        out.append(
            CommitmentEvent(kind="pows", count=0, categories=list(fact.categories), **common)  # type: ignore[arg-type]
        )
    return out
