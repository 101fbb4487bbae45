from __future__ import annotations

import datetime as dt
from typing import Any

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.from_news import SOURCE, events_from_classified
from agents.core.stores import Stores
from schemas.events import (
    CommitmentEvent,
    ExchangeEvent,
    ResumptionEvent,
    SuspensionEvent,
    TotalEvent,
)
from schemas.news import ClassifiedNews, NewsItem

PUBLISHED = dt.datetime(2026, 1, 29, 12, 0, tzinfo=dt.UTC)


def item(item_id: str = "n-1", published: dt.datetime = PUBLISHED) -> NewsItem:
    return NewsItem(
        id=item_id,
        source="Test Wire",
        url=f"https://example.org/{item_id}",
        published_at=published,
        title="Test",
        body="Synthetic text for the tests.",
        lang="en",
    )


def classified(facts: list[dict[str, Any]], item_id: str = "n-1") -> ClassifiedNews:
    return ClassifiedNews.model_validate(
        {
            "item_id": item_id,
            "primary": "remains_exchange",
            "labels": ["remains_exchange"],
            "facts": facts,
            "classifier": "test",
        }
    )


def ex(side: str | None, count: int, **more: Any) -> dict[str, Any]:
    return {
        "type": "exchange",
        "kind": more.pop("kind", "remains"),
        "received_by": side,
        "count": count,
        **more,
    }


def test_both_sides_of_one_swap_become_one_event() -> None:
    facts = [ex("UA", 1000, claimed_by="UA"), ex("RU", 38, claimed_by="RU")]
    (event,) = events_from_classified(item(), classified(facts))
    assert isinstance(event, ExchangeEvent)
    assert event.event_id == "n-1#1" and event.source == SOURCE and event.origin == "news"
    assert event.occurred == "2026-01-29" and event.reported_at == PUBLISHED
    assert event.received == {"UA": 1000, "RU": 38} and not event.historical
    assert [(c.by, c.received, c.source) for c in event.claims] == [
        ("UA", {"UA": 1000}, "Test Wire"),
        ("RU", {"RU": 38}, "Test Wire"),
    ]
    (ref,) = event.sources
    assert (ref.item_id, ref.url, ref.outlet) == ("n-1", "https://example.org/n-1", "Test Wire")


def test_a_lead_and_a_quote_are_two_claims_of_one_swap() -> None:
    facts = [ex("UA", 1000), ex("RU", 29), ex("RU", 26)]
    (event,) = events_from_classified(item(), classified(facts))
    assert isinstance(event, ExchangeEvent)
    assert event.received == {"UA": 1000, "RU": 29}  # a tie: the figure read first
    assert [c.received for c in event.claims] == [{"UA": 1000, "RU": 29}, {"RU": 26}]


def test_historical_and_combined_and_separate_swaps() -> None:
    facts = [
        ex("UA", 1000),
        ex("UA", 1000, occurred="2023-11", historical=True),
        ex("RU", 30, occurred="2023-11", historical=True),
        ex("UA", 12000, historical=True),  # an undated past figure: dropped
        ex(None, 115, kind="pows", occurred="2026-01-28"),
        ex("UA", 200, kind="pows", occurred="2026-01-28"),  # incompatible with 115 combined
    ]
    events = events_from_classified(item(), classified(facts))
    assert [e.event_id for e in events] == ["n-1#1", "n-1#2", "n-1#3", "n-1#4"]
    current, past, combined, other = events
    assert isinstance(past, ExchangeEvent) and past.historical
    assert (past.occurred, past.received) == ("2023-11", {"UA": 1000, "RU": 30})
    assert isinstance(combined, ExchangeEvent)
    assert (combined.kind, combined.received, combined.combined) == ("pows", {}, 115)
    assert isinstance(other, ExchangeEvent) and other.received == {"UA": 200}
    assert isinstance(current, ExchangeEvent) and current.received == {"UA": 1000}


def test_suspension_resumption_total_defaults() -> None:
    facts = [
        {"type": "suspension", "kind": "pows", "reason": "delays", "claimed_by": "UA"},
        {"type": "resumption", "kind": "pows"},
        {"type": "total", "kind": "pows", "received_by": "UA", "count": 4757, "since": "2022-02"},
    ]
    susp, res, tot = events_from_classified(item(), classified(facts))
    assert isinstance(susp, SuspensionEvent) and susp.since == "2026-01" and susp.by == "UA"
    assert isinstance(res, ResumptionEvent) and res.on == "2026-01-29"
    assert isinstance(tot, TotalEvent)
    assert (tot.as_of, tot.since, tot.count, tot.received_by) == (
        "2026-01-29",
        "2022-02",
        4757,
        "UA",
    )


def test_commitments_take_the_agreement_in_force_and_split_pow_categories() -> None:
    facts = [
        {
            "type": "commitment",
            "kind": "remains",
            "count": 12000,
            "approximate": True,
            "categories": ["severely_injured", "ill", "under_25"],
        },
        {
            "type": "commitment",
            "kind": "pows",
            "count": 500,
            "per_side": True,
            "agreement": "geneva-2026-02",
            "mediators": ["US"],
        },
        {"type": "commitment", "kind": "civilians"},
    ]
    remains, pows, geneva, civilians = events_from_classified(item(), classified(facts))
    assert isinstance(remains, CommitmentEvent) and isinstance(pows, CommitmentEvent)
    assert (remains.agreement_id, remains.signed, remains.count) == (
        "istanbul-2025-06",
        "2025-06-02",
        12000,
    )
    assert remains.categories == [] and remains.approximate
    assert (pows.kind, pows.count, pows.agreement_id) == ("pows", 0, "istanbul-2025-06")
    assert pows.categories == ["severely_injured", "ill", "under_25"]
    assert isinstance(geneva, CommitmentEvent)
    assert (geneva.signed, geneva.per_side, geneva.mediators) == ("2026-02", True, ["US"])
    assert isinstance(civilians, CommitmentEvent)
    assert (civilians.agreement_id, civilians.count) == ("unnamed-2026-01", 0)
    assert [e.event_id for e in (remains, pows, geneva, civilians)] == [
        "n-1#1",
        "n-1#2",
        "n-1#3",
        "n-1#4",
    ]


def test_ids_are_deterministic_and_bounded_and_dates_local() -> None:
    facts = [ex("UA", 5)]
    assert events_from_classified(item(), classified(facts)) == events_from_classified(
        item(), classified(facts)
    )
    long_id = "x" * 200
    (event,) = events_from_classified(item(long_id), classified(facts, long_id))
    assert len(event.event_id) <= 200 and event.event_id.endswith("#1")
    evening = dt.datetime(2026, 1, 29, 23, 30, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    (late,) = events_from_classified(item(published=evening), classified(facts))
    assert isinstance(late, ExchangeEvent) and late.occurred == "2026-01-29"


def test_seed_like_article_raises_the_matching_alerts() -> None:
    facts = [
        ex("UA", 1000, claimed_by="UA"),
        ex("RU", 38, claimed_by="RU"),
        {
            "type": "commitment",
            "kind": "remains",
            "count": 12000,
            "approximate": True,
            "categories": ["severely_injured", "ill", "under_25"],
        },
        ex("UA", 1000, occurred="2023-11", historical=True),
        ex("RU", 30, occurred="2023-11", historical=True),
        {"type": "suspension", "kind": "pows", "since": "2025-10"},
    ]
    engine = Engine(Stores.in_memory(), Config())
    for event in events_from_classified(item(), classified(facts)):
        engine.apply(event)
    assert engine.totals()["remains"] == {"UA": 2000, "RU": 68, "unattributed": 0}
    names = {
        (
            a["labels"]["alertname"],
            a["labels"]["agreement"],
            a["labels"]["kind"],
            a["labels"]["severity"],
        )
        for a in engine.alerts()
    }
    assert ("SuspensionReported", "istanbul-2025-07", "pows", "warning") in names
    assert ("SuspensionProlonged", "istanbul-2025-07", "pows", "critical") in names
    assert ("BehindCommitment", "istanbul-2025-06", "remains", "warning") in names
    assert ("ExchangeGap", "istanbul-2025-07", "pows", "critical") in names
    assert not any(n[0] == "ExchangeGap" and n[2] == "remains" for n in names)
    (active,) = engine.suspensions()["active"]
    assert active["since"] == "2025-10"
