"""Topic names (docs/design.md, Topics), with the optional prefix, and how each is created."""

from __future__ import annotations

from dataclasses import dataclass, field

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


DAY_MS = 86_400_000


@dataclass(frozen=True)
class TopicSpec:
    """A topic as the worker creates it when missing: partitions and topic-level configs
    (the replication factor is the EXWATCH_REPLICATION setting)."""

    name: str
    partitions: int
    configs: dict[str, str] = field(default_factory=dict)


def changelog_configs(segment_seconds: float) -> dict[str, str]:
    """Topic configs of the tables' changelogs (Faust makes them compacted). The broker
    compacts only closed segments, and by default a segment closes after 7 days or 1 GiB:
    a rebuild would read every write ever made. A segment closes after `segment_seconds`
    here, and is compacted within that time once a tenth of the log is superseded writes,
    so a rebuild reads about one record per live key plus the writes of the last segment.
    The cost: more segment files, and the broker's cleaner reading the changelogs more often."""
    ms = str(int(segment_seconds * 1000))
    return {"segment.ms": ms, "max.compaction.lag.ms": ms, "min.cleanable.dirty.ratio": "0.1"}


def topic_specs(names: TopicNames, partitions: int, retention_days: int) -> list[TopicSpec]:
    """Every topic the service reads or writes (its tables' changelogs and Faust's own topics
    are declared by Faust, compacted).

    - news.items: the scrapers' topic; the broker's retention.
    - news.classified: one message per item, keyed by its id: compacted.
    - exchange.events: kept (retention.ms -1): the record the tables were built from.
    - alerts: keyed by fingerprint, compacted once older than `retention_days`, so every state
      change stays readable that long and the latest state of each alert stays for good.
    - deadletter: kept `retention_days`.
    - ticks (internal): kept one day.
    """
    keep = str(retention_days * DAY_MS)
    return [
        TopicSpec(names.news_items, partitions),
        TopicSpec(names.news_classified, partitions, {"cleanup.policy": "compact"}),
        TopicSpec(names.exchange_events, partitions, {"retention.ms": "-1"}),
        TopicSpec(names.ticks, partitions, {"retention.ms": str(DAY_MS)}),
        # One partition: the alert stream of the one dyad keeps its order.
        TopicSpec(names.alerts, 1, {"cleanup.policy": "compact", "min.compaction.lag.ms": keep}),
        TopicSpec(names.deadletter, 1, {"retention.ms": keep}),
    ]
