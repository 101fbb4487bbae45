"""Consumer stall detection for `/healthz` and the metrics (faust-streaming users report
consumers that stop without a word): every few seconds each assigned input partition's
committed position is compared with its high-water mark, and a stalled partition is read
again from the agents' own position (agents/stream/positions.py)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from faust.types import TP
from prometheus_client import REGISTRY, Gauge
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from agents.stream.watchdog import StallWatch
from streams.topics import DYAD

if TYPE_CHECKING:
    from agents.stream.service import Service

CHECK_SECONDS = 5.0
log = logging.getLogger("exchange_watch")

CONSUMER_LAG = Gauge(
    "exchange_watch_consumer_lag_messages",
    "Messages waiting in an assigned input partition (high water minus committed position).",
    ["topic", "partition"],
)
TABLES_OWNER = Gauge(
    "exchange_watch_tables_owner",
    "1 on the worker that owns the dyad's partition, and so its tables and state gauges.",
)
UNHEALTHY = Gauge(
    "exchange_watch_unhealthy",
    "1 when /healthz reports a problem (an agent down, a stalled or unanswering consumer).",
)
CONSUMER_STALLED = Gauge(
    "exchange_watch_consumer_stalled",
    "1 when an input partition has waiting messages and its position has not moved for "
    "longer than EXWATCH_STALL_SECONDS.",
    ["topic", "partition"],
)


class RecoveryCollector(Collector):
    """Table recovery (the tables rebuilt from their changelogs after a start or a
    rebalance), read from Faust's recovery service at scrape time: the web server answers
    while recovery runs, when timers and agents may not."""

    def __init__(self, service: Service | None = None) -> None:
        self.service = service

    def _families(self) -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
        return (
            GaugeMetricFamily(
                "exchange_watch_table_recovery_in_progress",
                "1 while the worker rebuilds its tables from their changelogs.",
            ),
            GaugeMetricFamily(
                "exchange_watch_table_recovery_seconds",
                "How long the recovery in progress has run (0 when none runs).",
            ),
            GaugeMetricFamily(
                "exchange_watch_table_recovery_remaining_messages",
                "Changelog messages the recovery in progress has still to read.",
            ),
        )

    def describe(self) -> Iterator[GaugeMetricFamily]:
        yield from self._families()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        running, seconds, remaining = self._families()
        if self.service is None:
            return
        state = recovery_state(self.service)
        if state is None:  # not started yet
            return
        active, started, left = state
        running.add_metric([], int(active))
        seconds.add_metric([], time.monotonic() - started if active and started else 0.0)
        remaining.add_metric([], left)
        yield from (running, seconds, remaining)


def recovery_state(service: Service) -> tuple[bool, float | None, int] | None:
    """Whether the tables are being rebuilt from their changelogs, since when (monotonic) and
    how many changelog messages are left; None before Faust's recovery service exists."""
    try:
        tables: Any = service.app.tables
        recovery = tables.recovery
        active = bool(recovery.in_recovery)
        started = recovery._recovery_started_at  # Faust keeps it private
        left = recovery.active_remaining_total() if active else 0
    except Exception:  # not started yet
        return None
    return active, started, int(left)


RECOVERY = RecoveryCollector()
REGISTRY.register(RECOVERY)


def register(service: Service) -> None:
    RECOVERY.service = service
    app = service.app
    settings = service.settings
    inputs = {service.names.news_items, service.names.exchange_events, service.names.ticks}
    # Under exactly-once, a transaction's commit marker takes one offset after the last
    # message, so one message of "lag" is normal there.
    slack = 1 if settings.processing_guarantee == "exactly_once" else 0
    watch = StallWatch(limit_seconds=settings.stall_seconds, started=time.monotonic())
    service.watch = watch

    @app.timer(CHECK_SECONDS)
    async def check_consumers() -> None:
        consumer: Any = app.consumer  # Faust's consumer keeps its offsets in private maps
        assigned = [tp for tp in consumer.assignment() if tp.topic in inputs]
        watch.forget_others({(tp.topic, tp.partition) for tp in assigned})
        highwaters: Any = {}
        if assigned:
            try:
                # A consumer stuck in a rebalance may never answer: that is a finding too.
                highwaters = await asyncio.wait_for(
                    consumer.highwaters(*assigned), timeout=CHECK_SECONDS * 2
                )
            except Exception:
                return
        now = time.monotonic()
        watch.checked(now, len(assigned))
        for tp in assigned:
            committed = consumer._committed_offset.get(tp)  # next offset to process
            read = consumer._read_offset.get(tp)
            position = committed if committed is not None else (read + 1 if read else 0)
            high = highwaters.get(tp)
            if high is None or high < 0:
                continue
            watch.observe(now, (tp.topic, tp.partition), position, max(position, high - slack))
        try:  # the partitioner needs the topic's metadata on the producer side
            producer: Any = app.producer
            await asyncio.wait_for(
                producer._ensure_producer().partitions_for(service.names.exchange_events),
                timeout=CHECK_SECONDS,
            )
        except Exception:
            pass
        service.owns_dyad = owns_dyad(service, consumer)
        TABLES_OWNER.set(int(service.owns_dyad))
        stalled = set(watch.stalled(now))
        CONSUMER_LAG.clear()
        CONSUMER_STALLED.clear()
        for (topic, partition), lag in watch.lag().items():
            CONSUMER_LAG.labels(topic, str(partition)).set(lag)
            CONSUMER_STALLED.labels(topic, str(partition)).set(int((topic, partition) in stalled))
        UNHEALTHY.set(int(bool(watch.problems(now))))
        if service.ready and not app.rebalancing:
            for topic, partition in stalled:
                await read_again(service, consumer, topic, partition)


async def read_again(service: Service, consumer: Any, topic: str, partition: int) -> None:
    """Have the consumer deliver a stalled partition again from the agents' own position:
    messages it skipped at the end of a partition have no later message to reveal the gap
    (agents/stream/positions.py), and what was handled already is passed over."""
    at = service.positions.next_offset(topic, partition)
    if at is None:
        return
    log.warning(
        "%s[%d]: no progress with messages waiting; reading again from %d", topic, partition, at
    )
    # Handled offsets the consumer passed over at the end of what it delivered hold its
    # commits back until acknowledged; nothing after them would show the jump.
    committed = consumer._committed_offset.get(TP(topic, partition))
    if committed is not None and committed < at:
        service.positions.acknowledge(topic, partition, range(committed, at))
    await consumer.seek(TP(topic, partition), at)


def owns_dyad(service: Service, consumer: Any) -> bool:
    """Whether this worker is assigned the dyad's partition of exchange.events (its tables)."""
    topic = service.names.exchange_events
    try:
        tp = service.app.producer.key_partition(topic, DYAD.encode("ascii"))
    except Exception:  # metadata not known yet
        return False
    return any(a.topic == topic and a.partition == tp.partition for a in consumer.assignment())


def problems(service: Service) -> list[str]:
    """What is wrong with this worker, for people reading /healthz; empty when healthy."""
    out = []
    for name, agent in service.app.agents.items():
        if agent.crashed or not agent.started:
            out.append(f"agent {name} is not running")
    if service.watch is not None:
        out.extend(service.watch.problems(time.monotonic()))
    UNHEALTHY.set(int(bool(out)))
    return out
