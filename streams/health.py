"""Consumer stall detection for `/healthz` and the metrics (faust-streaming users report
consumers that stop without a word): every few seconds each assigned input partition's
committed position is compared with its high-water mark."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from prometheus_client import Gauge

from agents.watchdog import StallWatch

if TYPE_CHECKING:
    from streams.app import Service

CHECK_SECONDS = 5.0

CONSUMER_LAG = Gauge(
    "exchange_watch_consumer_lag_messages",
    "Messages waiting in an assigned input partition (high water minus committed position).",
    ["topic", "partition"],
)
CONSUMER_STALLED = Gauge(
    "exchange_watch_consumer_stalled",
    "1 when an input partition has waiting messages and its position has not moved for "
    "longer than EXWATCH_STALL_SECONDS.",
    ["topic", "partition"],
)


def register(service: Service) -> None:
    app = service.app
    settings = service.settings
    inputs = {service.names.news_items, service.names.exchange_events, service.names.ticks}
    # Under exactly-once, a transaction's commit marker takes one offset after the last
    # message, so one message of "lag" is normal there.
    slack = 1 if settings.processing_guarantee == "exactly_once" else 0
    watch = StallWatch(limit_seconds=settings.stall_seconds)
    service.watch = watch

    @app.timer(CHECK_SECONDS)
    async def check_consumers() -> None:
        consumer: Any = app.consumer  # Faust's consumer keeps its offsets in private maps
        assigned = [tp for tp in consumer.assignment() if tp.topic in inputs]
        watch.forget_others({(tp.topic, tp.partition) for tp in assigned})
        if not assigned:
            return
        highwaters = await consumer.highwaters(*assigned)
        now = time.monotonic()
        for tp in assigned:
            committed = consumer._committed_offset.get(tp)  # next offset to process
            read = consumer._read_offset.get(tp)
            position = committed if committed is not None else (read + 1 if read else 0)
            high = highwaters.get(tp)
            if high is None or high < 0:
                continue
            watch.observe(now, (tp.topic, tp.partition), position, max(position, high - slack))
        stalled = set(watch.stalled(now))
        for (topic, partition), lag in watch.lag().items():
            CONSUMER_LAG.labels(topic, str(partition)).set(lag)
            CONSUMER_STALLED.labels(topic, str(partition)).set(int((topic, partition) in stalled))


def problems(service: Service) -> list[str]:
    """What is wrong with this worker, for people reading /healthz; empty when healthy."""
    out = []
    for name, agent in service.app.agents.items():
        if agent.crashed or not agent.started:
            out.append(f"agent {name} is not running")
    watch = service.watch
    if watch is not None:
        for topic, partition in watch.stalled(time.monotonic()):
            out.append(f"no progress on {topic}[{partition}] with messages waiting")
    return out
