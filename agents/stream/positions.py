"""Each agent's own position in its input partitions: every message handled once, in order.

Faust's consumer loses track of messages around a rebalance (README, Reliability): it may
deliver messages again, or skip some and still commit past them. So the agents keep, per
input partition, the next offset to handle in the `positions` table, written in the same
transaction as what the message changed (`agents.core.position` decides). A message at or
after that offset is handled; one before it changes nothing; offsets between are read from
the broker and handled first, and acknowledged to Faust so that its commits can pass them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import faust
from aiokafka import ConsumerRecord, TopicPartition
from faust.types import Message

from agents.core.position import cursor_key, step
from streams import metrics
from streams.faust_fixes import atomic_message
from streams.range_reader import RangeReader

log = logging.getLogger(__name__)

Handler = Callable[[Message], Awaitable[None]]


def _tp(topic: str, partition: int) -> TopicPartition:
    # aiokafka's own type, as in the messages Faust delivers: the acknowledged partitions
    # become the keys of the offsets Faust commits, and aiokafka accepts no other type there.
    return TopicPartition(topic, partition)


def _as_message(record: ConsumerRecord) -> Message:
    return Message(
        record.topic,
        record.partition,
        record.offset,
        record.timestamp / 1000.0,
        record.timestamp_type,
        list(record.headers or ()),
        record.key,
        record.value,
        None,
        tp=_tp(record.topic, record.partition),
    )


def _placeholder(topic: str, partition: int, offset: int) -> Message:
    """An offset that holds no message to handle (a transaction marker, or deleted)."""
    return Message(
        topic, partition, offset, 0.0, 0, None, None, None, None, tp=_tp(topic, partition)
    )


class Positions:
    def __init__(self, app: faust.App, table: Any, reader: RangeReader) -> None:
        self.app = app
        self.table = table
        self.reader = reader
        # The offset last delivered per (topic, partition) in this process.
        self._delivered: dict[tuple[str, int], int] = {}
        # Next offsets not yet written to the table (`hold=True`), by table key.
        self._held: dict[str, int] = {}

    def next_offset(self, topic: str, partition: int) -> int | None:
        """The next offset to handle in a partition, if any message of it was handled."""
        key = cursor_key(topic, partition)
        stored = self._held.get(key)
        if stored is None:
            stored = self.table.get(key)
        return None if stored is None else int(stored)

    def write_held(self, topic: str, partition: int) -> None:
        """Write the position held for a partition (inside the handling of one of its
        messages, or `writing_for` one: the table's changelog partition is the message's)."""
        key = cursor_key(topic, partition)
        offset = self._held.pop(key, None)
        if offset is not None:
            self.table[key] = offset

    def forget_held(self) -> None:
        """Drop positions not written (a rebalance: the table holds what was committed)."""
        self._held.clear()

    async def handle(self, message: Message, handler: Handler, *, hold: bool = False) -> None:
        """Handle `message` (and any messages skipped before it) once, in one transaction.
        With `hold`, the new position is kept in memory until `write_held` writes it, with
        the handler's own held writes."""
        async with atomic_message(message):
            stored = self.next_offset(message.topic, message.partition)
            if stored is None:
                stored = await self.reader.start_of(message.topic, message.partition)
            here = (message.topic, message.partition)
            todo = step(stored, message.offset, self._delivered.get(here))
            self._delivered[here] = message.offset
            if todo.passed:
                self.acknowledge(message.topic, message.partition, todo.passed)
            if todo.again:
                metrics.INPUT_REDELIVERED.labels(topic=message.topic).inc()
                return
            if todo.missing:
                await self._fill(message, todo.missing, handler)
            await handler(message)
            key = cursor_key(message.topic, message.partition)
            if hold:
                self._held[key] = message.offset + 1
            else:
                self.table[key] = message.offset + 1

    def acknowledge(self, topic: str, partition: int, handled: range) -> None:
        """Acknowledge offsets handled before, so that the consumer's commits pass them."""
        if handled:
            log.info(
                "%s[%d]: offsets %d-%d handled before; acknowledged",
                topic,
                partition,
                handled.start,
                handled.stop - 1,
            )
        for offset in handled:
            self.app.consumer.ack(_placeholder(topic, partition, offset))

    async def _fill(self, message: Message, missing: range, handler: Handler) -> None:
        topic, partition = message.topic, message.partition
        records = await self.reader.read(topic, partition, missing.start, missing.stop)
        # Under exactly-once a gap is usually a transaction's commit marker, which holds no
        # message: only a gap with messages in it is news.
        log.log(
            logging.WARNING if records else logging.DEBUG,
            "%s[%d]: the consumer skipped offsets %d-%d (%d messages); read from the broker "
            "and handled before offset %d",
            topic,
            partition,
            missing.start,
            missing.stop - 1,
            len(records),
            message.offset,
        )
        found = {r.offset: r for r in records}
        for offset in missing:
            record = found.get(offset)
            if record is None:
                self.app.consumer.ack(_placeholder(topic, partition, offset))
                continue
            skipped = _as_message(record)
            await handler(skipped)
            self.app.consumer.ack(skipped)
        metrics.INPUT_SKIPPED.labels(topic=topic).inc(len(records))
