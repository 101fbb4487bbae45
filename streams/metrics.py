"""Domain metrics (prefix `exchange_watch_`); Faust's own sensor adds framework figures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

NS = "exchange_watch"

NEWS_CLASSIFIED = Counter(
    "news_classified", "News items classified, by primary category.", ["category"], namespace=NS
)
FACTS_EXTRACTED = Counter(
    "facts_extracted", "Facts extracted from news, by fact type.", ["type"], namespace=NS
)
CLASSIFY_SECONDS = Histogram(
    "classification_seconds",
    "Time to classify one news item.",
    namespace=NS,
    buckets=(0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0),
)
EXCHANGE_EVENTS = Counter(
    "exchange_events",
    "Exchange events ingested, by type, kind and origin (duplicates included).",
    ["type", "kind", "origin"],
    namespace=NS,
)
DUPLICATES = Counter(
    "duplicate_events", "Events recognised as already known, by kind.", ["kind"], namespace=NS
)
ALERTS_FIRED = Counter(
    "alerts_fired", "Alert state changes to firing, by alert name.", ["alertname"], namespace=NS
)
ALERTS_RESOLVED = Counter(
    "alerts_resolved",
    "Alert state changes to resolved, by alert name.",
    ["alertname"],
    namespace=NS,
)
DEADLETTERS = Counter(
    "deadletters",
    "Messages sent to the dead-letter topic, by reason and stage.",
    ["reason", "stage"],
    namespace=NS,
)
INPUT_REDELIVERED = Counter(
    "input_redelivered",
    "Input messages the consumer delivered again after they were handled (changed nothing).",
    ["topic"],
    namespace=NS,
)
INPUT_SKIPPED = Counter(
    "input_skipped",
    "Input messages the consumer skipped, then read from the broker and handled in order.",
    ["topic"],
    namespace=NS,
)
AGENT_PROGRESS = Gauge(
    "agent_last_progress_timestamp_seconds",
    "Wall-clock time an agent last finished a message or a tick.",
    ["agent"],
    namespace=NS,
)

# The feed poller (`exchange-watch feeds`); `feed` is the feed's source name.
FEED_FETCHES = Counter(
    "feed_fetches",
    "Feed polls, by feed and result (ok, not_modified, error).",
    ["feed", "result"],
    namespace=NS,
)
FEED_FETCH_ERRORS = Counter(
    "feed_fetch_errors",
    "Failed feed polls, by feed and reason (timeout, connect, http_503, too_large, redirects, "
    "not_feed, malformed, encoding, kafka, ...).",
    ["feed", "reason"],
    namespace=NS,
)
FEED_ENTRIES_SEEN = Counter(
    "feed_entries_seen",
    "Entries read from fetched feed documents, by feed.",
    ["feed"],
    namespace=NS,
)
FEED_ENTRIES_PRODUCED = Counter(
    "feed_entries_produced",
    "Entries produced into news.items (acknowledged by the broker), by feed.",
    ["feed"],
    namespace=NS,
)
FEED_ENTRIES_KNOWN = Counter(
    "feed_entries_known",
    "Entries skipped because they were produced or rejected before, by feed.",
    ["feed"],
    namespace=NS,
)
FEED_ENTRIES_REJECTED = Counter(
    "feed_entries_rejected",
    "Entries that failed NewsItem validation and were not produced, by feed and reason.",
    ["feed", "reason"],
    namespace=NS,
)
FEED_ARTICLES = Counter(
    "feed_articles",
    "Article pages fetched for teaser entries, by feed and result (extracted, no_text, or the "
    "fetch error's reason; the teaser is produced when there is no article text).",
    ["feed", "result"],
    namespace=NS,
)
FEED_LAST_SUCCESS = Gauge(
    "feed_last_success_timestamp_seconds",
    "Wall-clock time of the last successful poll (ok or not modified), by feed.",
    ["feed"],
    namespace=NS,
)


class EngineCollector(Collector):
    """State gauges read from the engine's views at scrape time, so they never drift from the
    tables: people returned, days since the last exchange, active suspensions. A worker that
    does not own the dyad's partition reports none of them."""

    def __init__(self, engine: Any, is_owner: Callable[[], bool]) -> None:
        self.engine = engine
        self.is_owner = is_owner

    def collect(self) -> Iterator[GaugeMetricFamily]:
        people = GaugeMetricFamily(
            f"{NS}_people_returned",
            "People or remains returned under tracked exchanges (resolved figures), "
            "by kind and receiving side.",
            labels=["kind", "side"],
        )
        days = GaugeMetricFamily(
            f"{NS}_days_since_last_exchange",
            "Days from the last exchange to the event-time clock, by agreement in force and kind.",
            labels=["agreement", "kind"],
        )
        suspensions = GaugeMetricFamily(
            f"{NS}_active_suspensions",
            "Suspensions reported and not ended, by kind.",
            labels=["kind"],
        )
        if not self.is_owner():
            # A worker keeps the tables of partitions it no longer owns until it restarts:
            # only the owner's figures are current.
            return
        try:
            totals = self.engine.totals()
            gauges = self.engine.gauges()
        except Exception:  # tables not ready (recovering): report nothing rather than fail
            return
        for kind, sides in sorted(totals.items()):
            for side, n in sorted(sides.items()):
                people.add_metric([kind, side], n)
        for row in gauges.get("days_since_last_exchange", []):
            days.add_metric([row["agreement"], row["kind"]], row["days"])
        for kind, n in sorted(gauges.get("active_suspensions", {}).items()):
            suspensions.add_metric([kind], n)
        yield people
        yield days
        yield suspensions


_registered: list[EngineCollector] = []


def register_engine(engine: Any, is_owner: Callable[[], bool]) -> None:
    """Expose the engine's gauges (once per process: the registry is global)."""
    if _registered:
        _registered[0].engine = engine
        _registered[0].is_owner = is_owner
        return
    collector = EngineCollector(engine, is_owner)
    REGISTRY.register(collector)
    _registered.append(collector)
