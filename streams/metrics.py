"""Domain metrics (prefix `exchange_watch_`); Faust's own sensor adds framework figures."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, get_args

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from schemas.deadletter import DeadReason

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
    "alerts_fired", "Alerts that began firing, by alert name.", ["alertname"], namespace=NS
)
ALERTS_UPDATED = Counter(
    "alerts_updated",
    "Firing alerts sent again because their text or evidence changed, by alert name.",
    ["alertname"],
    namespace=NS,
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
NEWS_LAST_RECEIVED = Gauge(
    "news_last_received_timestamp_seconds",
    "Wall-clock time this worker last received a news item (its start time until then).",
    namespace=NS,
)
NEWS_SILENCE_THRESHOLD = Gauge(
    "news_silence_threshold_seconds",
    "EXWATCH_NEWS_SILENCE_SECONDS: no news for longer raises the ExchangeWatchNoNews rule.",
    namespace=NS,
)
# The Alertmanager sink (streams/alertmanager.py).
AM_DELIVERED = Counter(
    "alertmanager_delivered",
    "Alert messages of the alert topic accepted by Alertmanager (state changes, then re-sends).",
    ["reason"],
    namespace=NS,
)
AM_FAILURES = Counter(
    "alertmanager_post_failures",
    "Posts to Alertmanager that failed (they are retried), by cause.",
    ["cause"],
    namespace=NS,
)
AM_REJECTED = Counter(
    "alertmanager_rejected",
    "Alerts Alertmanager refused as invalid (HTTP 400), passed over after one try each.",
    namespace=NS,
)
AM_PENDING = Gauge(
    "alertmanager_pending_messages",
    "Messages of the alert topic not yet accepted by Alertmanager.",
    namespace=NS,
)
AM_FIRING = Gauge(
    "alertmanager_firing_alerts",
    "Firing alerts the sink keeps sending to Alertmanager.",
    namespace=NS,
)
AM_LAST_SUCCESS = Gauge(
    "alertmanager_last_success_timestamp_seconds",
    "Wall-clock time of the sink's last post Alertmanager accepted.",
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
    tables: people returned, days since the last exchange and its threshold, active
    suspensions, commitment progress, alerts firing. A worker that does not own the dyad's
    partition reports none of them. In live mode the days run to the later of the event clock
    and the wall clock, as the rules do."""

    def __init__(self, engine: Any, is_owner: Callable[[], bool], live: bool = False) -> None:
        self.engine = engine
        self.is_owner = is_owner
        self.live = live

    def describe(self) -> Iterator[GaugeMetricFamily]:
        # Without describe() the registry would call collect() at registration.
        yield from self._families()

    def _families(self) -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily(
                f"{NS}_people_returned",
                "People or remains returned under tracked exchanges (resolved figures), "
                "by kind and receiving side.",
                labels=["kind", "side"],
            ),
            GaugeMetricFamily(
                f"{NS}_days_since_last_exchange",
                "Days from the last exchange to the rules' clock, by agreement in force and kind.",
                labels=["agreement", "kind"],
            ),
            GaugeMetricFamily(
                f"{NS}_exchange_gap_threshold_days",
                "ExchangeGap threshold of the agreement in force, by agreement and kind.",
                labels=["agreement", "kind"],
            ),
            GaugeMetricFamily(
                f"{NS}_active_suspensions",
                "Suspensions reported and not ended, by kind.",
                labels=["kind"],
            ),
            GaugeMetricFamily(
                f"{NS}_commitment_delivered",
                "Delivered under a commitment with a count, by agreement, kind and side "
                "(side all: a combined commitment).",
                labels=["agreement", "kind", "side"],
            ),
            GaugeMetricFamily(
                f"{NS}_commitment_target",
                "A commitment's count, by agreement, kind and side.",
                labels=["agreement", "kind", "side"],
            ),
            GaugeMetricFamily(
                f"{NS}_alerts_active",
                "Alerts firing now, by alert name and severity.",
                labels=["alertname", "severity"],
            ),
        ]

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if not self.is_owner():
            # A worker keeps the tables of partitions it no longer owns until it restarts:
            # only the owner's figures are current.
            return
        people, days, threshold, suspensions, delivered, target, active = self._families()
        try:
            totals = self.engine.totals()
            gauges = self.engine.gauges(dt.datetime.now(dt.UTC) if self.live else None)
            agreements = self.engine.agreements()
            alerts = self.engine.alerts()
        except Exception:  # tables not ready (recovering): report nothing rather than fail
            return
        for kind, sides in sorted(totals.items()):
            for side, n in sorted(sides.items()):
                people.add_metric([kind, side], n)
        for row in gauges.get("days_since_last_exchange", []):
            days.add_metric([row["agreement"], row["kind"]], row["days"])
            threshold.add_metric([row["agreement"], row["kind"]], row["gap_days"])
        for kind, n in sorted(gauges.get("active_suspensions", {}).items()):
            suspensions.add_metric([kind], n)
        for agreement in agreements:
            for c in agreement["commitments"]:
                for row in c["progress"]:
                    labels = [agreement["id"], c["kind"], row["side"]]
                    delivered.add_metric(labels, row["delivered"])
                    target.add_metric(labels, row["target"])
        counts: dict[tuple[str, str], int] = {}
        for alert in alerts:
            key = (alert["labels"]["alertname"], alert["labels"]["severity"])
            counts[key] = counts.get(key, 0) + 1
        for (name, severity), n in sorted(counts.items()):
            active.add_metric([name, severity], n)
        yield from (people, days, threshold, suspensions, delivered, target, active)


def start_counters(input_topics: list[str], stages: tuple[str, ...]) -> None:
    """Create the labelled counters at 0, so that Prometheus' increase() sees their first
    event (a series that appears at 1 shows no increase)."""
    for reason in get_args(DeadReason):
        for stage in stages:
            DEADLETTERS.labels(reason=reason, stage=stage)
    for topic in input_topics:
        INPUT_SKIPPED.labels(topic=topic)
        INPUT_REDELIVERED.labels(topic=topic)


_registered: list[EngineCollector] = []


def register_engine(engine: Any, is_owner: Callable[[], bool], live: bool = False) -> None:
    """Expose the engine's gauges (once per process: the registry is global)."""
    if _registered:
        _registered[0].engine = engine
        _registered[0].is_owner = is_owner
        _registered[0].live = live
        return
    collector = EngineCollector(engine, is_owner, live)
    REGISTRY.register(collector)
    _registered.append(collector)
