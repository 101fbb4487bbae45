"""Read a stretch of one input partition straight from the broker, outside Faust's consumer.

The agents use it to handle messages the consumer skipped (agents/stream/positions.py). It has no
consumer group: it is assigned one partition at a time and never commits.
"""

from __future__ import annotations

import asyncio
import logging

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from streams.settings import Settings

log = logging.getLogger(__name__)

# How long one fetch may wait for data: the stretch asked for is already on the broker.
FETCH_WAIT_MS = 100


class RangeReader:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._consumer: AIOKafkaConsumer | None = None
        self._lock = asyncio.Lock()

    async def _started(self) -> AIOKafkaConsumer:
        if self._consumer is None:
            consumer = AIOKafkaConsumer(
                **self.settings.kafka_client_options(),
                # Only to ask for the group's committed offsets; it never joins the group.
                group_id=self.settings.app_id,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                # As Faust's consumer reads: under exactly-once, committed messages only.
                isolation_level=(
                    "read_committed"
                    if self.settings.processing_guarantee == "exactly_once"
                    else "read_uncommitted"
                ),
                fetch_max_wait_ms=FETCH_WAIT_MS,
                client_id=f"{self.settings.app_id}-range-reader",
            )
            await consumer.start()
            self._consumer = consumer
        return self._consumer

    async def start_of(self, topic: str, partition: int) -> int:
        """Where handling starts when nothing was handled yet: the group's committed offset,
        or the first offset the broker still holds."""
        async with self._lock:
            consumer = await self._started()
            tp = TopicPartition(topic, partition)
            committed = await consumer.committed(tp)
            if committed is not None and committed >= 0:
                return int(committed)
            first = await consumer.beginning_offsets([tp])
            return int(first[tp])

    async def read(self, topic: str, partition: int, start: int, end: int) -> list[ConsumerRecord]:
        """The messages from offset `start` up to, not including, `end`."""
        async with self._lock:
            consumer = await self._started()
            tp = TopicPartition(topic, partition)
            consumer.assign([tp])
            consumer.seek(tp, start)
            records: list[ConsumerRecord] = []
            while await consumer.position(tp) < end:
                batch = await consumer.getmany(tp, timeout_ms=1000)
                records.extend(r for r in batch.get(tp, ()) if start <= r.offset < end)
            return records

    async def stop(self) -> None:
        if self._consumer is not None:
            await self._consumer.stop()
            self._consumer = None
