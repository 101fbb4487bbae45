"""Topic names (DESIGN.md, Topics), with the optional prefix."""

from __future__ import annotations

from dataclasses import dataclass

NEWS_ITEMS = "news.items"
NEWS_CLASSIFIED = "news.classified"
EXCHANGE_EVENTS = "exchange.events"
ALERTS = "alerts"
DEADLETTER = "deadletter"
# Internal: clock ticks for the stall rules, keyed like exchange.events so that the
# worker owning a dyad's tables receives them (tables can only change inside a stream).
TICKS = "exwatch.ticks"
# The feed poller's memory: ids of the entries it produced or rejected (compacted).
FEEDS_SEEN = "feeds.seen"

DYAD = "RU-UA"


@dataclass(frozen=True)
class TopicNames:
    news_items: str
    news_classified: str
    exchange_events: str
    alerts: str
    deadletter: str
    ticks: str
    feeds_seen: str

    @classmethod
    def with_prefix(cls, prefix: str = "") -> TopicNames:
        return cls(
            news_items=prefix + NEWS_ITEMS,
            news_classified=prefix + NEWS_CLASSIFIED,
            exchange_events=prefix + EXCHANGE_EVENTS,
            alerts=prefix + ALERTS,
            deadletter=prefix + DEADLETTER,
            ticks=prefix + TICKS,
            feeds_seen=prefix + FEEDS_SEEN,
        )
