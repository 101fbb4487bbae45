"""The agents' own positions (agents/positions.py) against the real broker: messages the
consumer skipped are read back and handled in order, transaction markers are passed, and a
message delivered again changes nothing."""

from __future__ import annotations

import asyncio
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faust.types import Message

from agents.core.position import cursor_key
from agents.positions import Positions
from streams.range_reader import RangeReader
from streams.settings import Settings
from tests.support import unique


class AckLog:
    """Stands in for Faust's consumer: records what is acknowledged."""

    def __init__(self) -> None:
        self.acked: list[int] = []

    def ack(self, message: Message) -> bool:
        self.acked.append(message.offset)
        return True


class App:
    def __init__(self) -> None:
        self.consumer = AckLog()


def settings(bootstrap: str, guarantee: str) -> Settings:
    return Settings.from_env(
        {},
        broker=f"kafka://{bootstrap}",
        app_id=unique("positions"),
        processing_guarantee=guarantee,
    )


async def fetch_all(bootstrap: str, topic: str) -> list[Any]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        end = (await consumer.end_offsets([tp]))[tp]
        records: list[Any] = []
        while await consumer.position(tp) < end:
            records.extend((await consumer.getmany(tp, timeout_ms=1000)).get(tp, []))
        return records
    finally:
        await consumer.stop()


def as_message(record: Any) -> Message:
    return Message(
        record.topic,
        record.partition,
        record.offset,
        0.0,
        0,
        None,
        record.key,
        record.value,
        None,
    )


def test_skipped_messages_are_read_back_in_order_and_repeats_change_nothing(
    kafka_bootstrap: str,
) -> None:
    topic = unique("positions-plain")

    async def scenario() -> None:
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
        await producer.start()
        try:
            for i in range(10):
                await producer.send_and_wait(topic, f"m{i}".encode(), partition=0)
        finally:
            await producer.stop()
        records = await fetch_all(kafka_bootstrap, topic)
        assert [r.offset for r in records] == list(range(10))

        app = App()
        table: dict[str, int] = {}
        reader = RangeReader(settings(kafka_bootstrap, "at_least_once"))
        positions = Positions(app, table, reader)  # type: ignore[arg-type]
        handled: list[bytes] = []

        async def handler(message: Message) -> None:
            handled.append(message.value or b"")

        try:
            # Nothing handled yet, no committed offset: handling starts at the log's start,
            # so 0-2 are read back before 3.
            await positions.handle(as_message(records[3]), handler)
            assert handled == [b"m0", b"m1", b"m2", b"m3"]
            assert app.consumer.acked == [0, 1, 2]
            assert table[cursor_key(topic, 0)] == 4
            # Delivered again (after a seek back): nothing happens.
            await positions.handle(as_message(records[1]), handler)
            await positions.handle(as_message(records[3]), handler)
            assert len(handled) == 4
            # The consumer jumps from 3 to 8: 4-7 are read and handled first.
            await positions.handle(as_message(records[8]), handler)
            assert handled[4:] == [b"m4", b"m5", b"m6", b"m7", b"m8"]
            assert app.consumer.acked == [0, 1, 2, 4, 5, 6, 7]
            await positions.handle(as_message(records[9]), handler)
            assert handled == [f"m{i}".encode() for i in range(10)]
            assert table[cursor_key(topic, 0)] == 10
        finally:
            await reader.stop()

    asyncio.run(scenario())


def test_transaction_markers_and_aborted_messages_are_passed_not_handled(
    kafka_bootstrap: str,
) -> None:
    """Under exactly-once the input holds commit markers and aborted messages: their offsets
    are acknowledged (so Faust's commits pass them) and never handled."""
    topic = unique("positions-tx")

    async def scenario() -> None:
        producer = AIOKafkaProducer(
            bootstrap_servers=kafka_bootstrap, transactional_id=unique("positions-tx-producer")
        )
        await producer.start()
        try:
            async with producer.transaction():  # offsets 0, 1, then its marker at 2
                await producer.send(topic, b"kept-1", partition=0)
                await producer.send(topic, b"kept-2", partition=0)
            await producer.begin_transaction()  # offset 3, its abort marker at 4
            await producer.send(topic, b"aborted", partition=0)
            await producer.abort_transaction()
            async with producer.transaction():  # offset 5, marker at 6
                await producer.send(topic, b"kept-3", partition=0)
        finally:
            await producer.stop()
        records = await fetch_all(kafka_bootstrap, topic)
        assert [(r.offset, r.value) for r in records] == [
            (0, b"kept-1"),
            (1, b"kept-2"),
            (5, b"kept-3"),
        ]

        app = App()
        table: dict[str, int] = {}
        reader = RangeReader(settings(kafka_bootstrap, "exactly_once"))
        positions = Positions(app, table, reader)  # type: ignore[arg-type]
        handled: list[bytes] = []

        async def handler(message: Message) -> None:
            handled.append(message.value or b"")

        try:
            await positions.handle(as_message(records[0]), handler)
            # The consumer's next message is at 5: 1 is read back; 2, 3 and 4 hold a marker,
            # an aborted message and a marker.
            await positions.handle(as_message(records[2]), handler)
            assert handled == [b"kept-1", b"kept-2", b"kept-3"]
            assert app.consumer.acked == [1, 2, 3, 4]
            assert table[cursor_key(topic, 0)] == 6
        finally:
            await reader.stop()

    asyncio.run(scenario())
