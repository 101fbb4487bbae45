"""Domain metrics (prefix `exchange_watch_`); Faust's own sensor adds framework figures."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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
PEOPLE_RETURNED = Gauge(
    "people_returned",
    "People or remains returned under tracked exchanges, by kind and receiving side.",
    ["kind", "side"],
    namespace=NS,
)
DAYS_SINCE_EXCHANGE = Gauge(
    "days_since_last_exchange",
    "Days from the last exchange to the event-time clock, by agreement and kind.",
    ["agreement", "kind"],
    namespace=NS,
)
ACTIVE_SUSPENSIONS = Gauge(
    "active_suspensions", "Suspensions reported and not ended, by kind.", ["kind"], namespace=NS
)
ALERTS_FIRED = Counter(
    "alerts_fired", "Alert state changes to firing, by alert name.", ["alertname"], namespace=NS
)
ALERTS_RESOLVED = Counter(
    "alerts_resolved", "Alert state changes to resolved, by alert name.", ["alertname"], namespace=NS
)
DEADLETTERS = Counter(
    "deadletters",
    "Messages sent to the dead-letter topic, by reason and stage.",
    ["reason", "stage"],
    namespace=NS,
)
AGENT_PROGRESS = Gauge(
    "agent_last_progress_timestamp_seconds",
    "Wall-clock time an agent last finished a message or a tick.",
    ["agent"],
    namespace=NS,
)
