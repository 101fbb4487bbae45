"""The agents' own positions (agents/stream/positions.py) against the real broker: messages the
consumer skipped are read back and handled in order, transaction markers are passed, and a
message delivered again changes nothing."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from pathlib import Path
from typing import Any

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError
from faust.types import Message

from agents.core.position import cursor_key
from agents.stream.positions import Positions
from schemas.common import KINDS
from streams.range_reader import RangeReader
from streams.settings import Settings
from tests.support import (
    Worker,
    free_port,
    lag_drained,
    produce,
    settle_exact,
    swap_stream,
    totals_of,
    unique,
    wait_until,
)


class AckLog:
    """Stands in for Faust's consumer: records what is acknowledged. As Faust's, it counts
    an offset once (its acked index) and ignores an acknowledgement of it again."""

    def __init__(self) -> None:
        self.acked: list[int] = []
        self.again: list[int] = []

    def ack(self, message: Message) -> bool:
        # Faust commits the acknowledged partitions as given, and aiokafka refuses any type
        # but its own TopicPartition there (the worker crashed on Faust's TP once).
        assert type(message.tp) is TopicPartition, type(message.tp)
        if message.offset in self.acked:
            self.again.append(message.offset)
            return False
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


class Harness:
    """`Positions` on the real broker, with Faust's consumer and table stood in for, and a
    handler that records what it is given."""

    def __init__(self, bootstrap: str, guarantee: str) -> None:
        self.app = App()
        self.table: dict[str, int] = {}
        self.reader = RangeReader(settings(bootstrap, guarantee))
        self.positions = Positions(self.app, self.table, self.reader)  # type: ignore[arg-type]
        self.handled: list[bytes] = []

    async def deliver(self, record: Any) -> None:
        """What the agent does when Faust's consumer delivers `record`."""
        await self.positions.handle(as_message(record), self._handler)

    async def _handler(self, message: Message) -> None:
        self.handled.append(message.value or b"")


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

        h = Harness(kafka_bootstrap, "at_least_once")
        try:
            # Nothing handled yet, no committed offset: handling starts at the log's start,
            # so 0-2 are read back before 3.
            await h.deliver(records[3])
            assert h.handled == [b"m0", b"m1", b"m2", b"m3"]
            assert h.app.consumer.acked == [0, 1, 2]
            assert h.table[cursor_key(topic, 0)] == 4
            # Delivered again (after a seek back): nothing is handled. The repeat passed
            # over 2, so 2 is acknowledged again (Faust ignores an offset it has).
            await h.deliver(records[1])
            await h.deliver(records[3])
            assert len(h.handled) == 4
            assert h.app.consumer.again == [2]
            # The consumer jumps from 3 to 8: 4-7 are read and handled first.
            await h.deliver(records[8])
            assert h.handled[4:] == [b"m4", b"m5", b"m6", b"m7", b"m8"]
            assert h.app.consumer.acked == [0, 1, 2, 4, 5, 6, 7]
            await h.deliver(records[9])
            assert h.handled == [f"m{i}".encode() for i in range(10)]
            assert h.table[cursor_key(topic, 0)] == 10
        finally:
            await h.reader.stop()

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

        h = Harness(kafka_bootstrap, "exactly_once")
        try:
            await h.deliver(records[0])
            # The consumer's next message is at 5: 1 is read back; 2, 3 and 4 hold a marker,
            # an aborted message and a marker.
            await h.deliver(records[2])
            assert h.handled == [b"kept-1", b"kept-2", b"kept-3"]
            assert h.app.consumer.acked == [1, 2, 3, 4]
            assert h.table[cursor_key(topic, 0)] == 6
        finally:
            await h.reader.stop()

    asyncio.run(scenario())


def counter(worker: Worker, name: str, topic: str) -> float:
    with urllib.request.urlopen(worker.url + "/metrics", timeout=10) as resp:
        lines = resp.read().decode().splitlines()
    prefix = f'exchange_watch_{name}_total{{topic="{topic}"}} '
    found = [float(ln.removeprefix(prefix)) for ln in lines if ln.startswith(prefix)]
    return found[0] if found else 0.0


async def _commit(bootstrap: str, group: str, topic: str, offset: int) -> int:
    """Move the group's committed offset of the partition holding the topic's messages,
    as a consumer of the group that skips or rewinds would; return that partition."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p["partition"]) for p in described["partitions"]]
        ends = await consumer.end_offsets(tps)
        (tp,) = [tp for tp in tps if ends[tp] > 0]  # the dyad's partition
        consumer.assign([tp])
        # Refused while the stopped worker's membership lasts (a stop that timed out).
        deadline = time.monotonic() + 90
        while True:
            try:
                await consumer.commit({tp: offset})
                return tp.partition
            except KafkaError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(2)
    finally:
        await consumer.stop()


def test_a_worker_handles_what_its_consumer_skipped_and_ignores_what_it_repeats(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """Faust's consumer is made to skip 50 messages (the group's offset moved past them
    while the worker was stopped) and later to repeat 180: the totals stay exact, because
    the worker goes by its own position, committed with its tables. The counters show the
    50 read back and the repeats passed over."""
    worker = Worker(
        bootstrap=kafka_bootstrap,
        prefix=unique("pos") + ".",
        app_id=unique("exwatch-pos"),
        port=free_port(),
        data_dir=tmp_path / "worker",
    )
    topic = worker.topic("exchange.events")
    lines, _, _ = swap_stream(200, 0, seed=5, source="positions-test", id_prefix="p")

    def exact_for(n: int) -> dict[str, dict[str, int]]:
        totals = {k: {"UA": 0, "RU": 0} for k in KINDS}
        for line in lines[:n]:
            swap = orjson.loads(line)
            for side in ("UA", "RU"):
                totals[swap["kind"]][side] += swap["received"][side]
        return totals

    def settle(n: int) -> None:
        settle_exact(worker, lambda: totals_of(worker), exact_for(n), 120, topic)

    try:
        worker.start()
        produce(kafka_bootstrap, topic, [(b"RU-UA", v) for v in lines[:100]])
        settle(100)
        worker.stop()
        produce(kafka_bootstrap, topic, [(b"RU-UA", v) for v in lines[100:]])
        partition = asyncio.run(_commit(kafka_bootstrap, worker.app_id, topic, 150))
        worker.start()  # its consumer starts at 150: 100-149 would be lost
        settle(200)
        # At least those 50: Faust's consumer may skip more by itself on a restart (once it
        # skipped 152-177 here too), and those are read back the same way.
        assert counter(worker, "input_skipped", topic) >= 50
        worker.stop()
        asyncio.run(_commit(kafka_bootstrap, worker.app_id, topic, 20))
        worker.start()  # its consumer starts at 20: 20-199 come again
        wait_until(
            lambda: lag_drained(worker, topic) and counter(worker, "input_redelivered", topic),
            120,
            "the repeated messages to be passed over",
            every=1.0,
        )
        # 180 came again, or about that many: the consumer may skip or repeat some on its
        # own. None of them changed anything.
        assert counter(worker, "input_redelivered", topic) > 0
        assert totals_of(worker) == exact_for(200)
        assert counter(worker, "input_skipped", topic) == 0
        assert partition in (0, 1)
    finally:
        worker.stop()
