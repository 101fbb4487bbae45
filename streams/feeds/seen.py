"""The entries already produced (or rejected), per feed, kept in a compacted Kafka topic.

`<prefix>feeds.seen` holds one record per entry, keyed by its item id (`<source>:<entry id>`),
written only after the broker acknowledged the news item: a crash in between sends the item
again at worst, never loses it. At start the topic is read to its end to rebuild the sets.
Memory is bounded: each feed keeps its `remember` most recently seen ids; an id pushed out is
also deleted from the topic (a tombstone), so the topic stays as small as the memory.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from streams.client import Delivery, Producer
from streams.settings import Settings
from streams.topics import TopicNames

log = logging.getLogger(__name__)

TOPIC_EXISTS = 36  # Kafka's TOPIC_ALREADY_EXISTS
LOAD_TIMEOUT = 120.0


class SeenTopicError(Exception):
    """The seen topic cannot be created, read, or is not compacted."""


@dataclass(frozen=True)
class SeenRecord:
    source: str
    item_id: str
    outcome: Literal["produced", "rejected"]
    url: str | None = None
    reason: str | None = None
    error: str | None = None

    def value(self) -> bytes:
        return orjson.dumps(
            {
                "source": self.source,
                "item_id": self.item_id,
                "outcome": self.outcome,
                "url": self.url,
                "reason": self.reason,
                "error": self.error,
                "at": dt.datetime.now(dt.UTC).isoformat(),
            }
        )


def source_of(key: bytes) -> str:
    return key.decode("utf-8", "replace").split(":", 1)[0]


class SeenStore:
    def __init__(
        self, settings: Settings, producer: Producer, sources: Iterable[str], remember: int
    ) -> None:
        self.settings = settings
        self.producer = producer
        self.topic = TopicNames.with_prefix(settings.topic_prefix).feeds_seen
        self.remember = remember
        self._ids: dict[str, OrderedDict[str, None]] = {s: OrderedDict() for s in sources}
        # Ids pushed out while loading whose tombstone is not in the topic yet.
        self._evicted: dict[str, None] = {}

    def known(self, source: str, item_id: str) -> bool:
        ids = self._ids[source]
        if item_id in ids:
            ids.move_to_end(item_id)  # still listed: pushed out last
            return True
        return False

    def count(self, source: str) -> int:
        return len(self._ids[source])

    async def start(self) -> int:
        """Create the topic if missing (compacted), check it is compacted, load it; returns the
        number of ids remembered."""
        partitions = await self._ensure_topic()
        await self._load(partitions)
        await self._send_tombstones(list(self._evicted))
        self._evicted = {}
        return sum(len(ids) for ids in self._ids.values())

    async def remember_all(self, records: list[SeenRecord]) -> None:
        """Write the records and wait for the broker; only then are they known here."""
        deliveries: list[Delivery] = [
            await self.producer.send_record(self.topic, r.item_id.encode("utf-8"), r.value())
            for r in records
        ]
        await asyncio.gather(*deliveries)
        evicted: list[str] = []
        for r in records:
            self._ids[r.source][r.item_id] = None
            self._ids[r.source].move_to_end(r.item_id)
        for source in {r.source for r in records}:
            evicted.extend(self._evict(source))
        await self._send_tombstones(evicted)

    def _evict(self, source: str) -> list[str]:
        ids = self._ids[source]
        out = []
        while len(ids) > self.remember:
            out.append(ids.popitem(last=False)[0])
        return out

    async def _send_tombstones(self, keys: list[str]) -> None:
        if not keys:
            return
        deliveries = [
            await self.producer.send_record(self.topic, k.encode("utf-8"), None) for k in keys
        ]
        await asyncio.gather(*deliveries)

    async def _ensure_topic(self) -> list[int]:
        """Create the topic unless it exists; its partitions once the cluster shows them."""
        admin = AIOKafkaAdminClient(
            **self.settings.kafka_client_options(), client_id=f"{self.settings.app_id}-feeds"
        )
        await admin.start()
        try:
            # Replication as the worker's own topics (EXWATCH_REPLICATION); a topic created
            # beforehand is used as it is.
            topic = NewTopic(
                self.topic,
                1,
                self.settings.replication,
                topic_configs={"cleanup.policy": "compact"},
            )
            response: Any = await admin.create_topics([topic])
            _, code, message = response.topic_errors[0][:3]
            if code not in (0, TOPIC_EXISTS):
                raise SeenTopicError(f"cannot create {self.topic}: error {code}: {message}")
            deadline = time.monotonic() + LOAD_TIMEOUT
            # A topic just created takes a moment to show in the metadata, and its configs
            # may read back empty meanwhile: both are asked again until they show.
            while True:
                [meta] = await admin.describe_topics([self.topic])
                partitions = sorted(p["partition"] for p in meta["partitions"])
                described: Any = await admin.describe_configs(
                    [ConfigResource(ConfigResourceType.TOPIC, self.topic)]
                )
                code, _, _, _, entries = described[0].resources[0][:5]
                policy = next((e[1] for e in entries if e[0] == "cleanup.policy"), None)
                if meta["error_code"] == 0 and partitions and code == 0 and policy is not None:
                    break
                if time.monotonic() > deadline:
                    raise SeenTopicError(
                        f"{self.topic}: no partitions or configs in {LOAD_TIMEOUT} s"
                    )
                await asyncio.sleep(0.2)
        finally:
            await admin.close()
        if "compact" not in policy.split(","):
            raise SeenTopicError(
                f"{self.topic} has cleanup.policy={policy}: the ids of produced entries would "
                "expire and be produced again; set cleanup.policy=compact on it"
            )
        return partitions

    async def _load(self, partitions: list[int]) -> None:
        consumer = AIOKafkaConsumer(
            **self.settings.kafka_client_options(),
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            client_id=f"{self.settings.app_id}-feeds-seen",
        )
        await consumer.start()
        try:
            tps = [TopicPartition(self.topic, p) for p in partitions]
            consumer.assign(tps)
            await consumer.seek_to_beginning(*tps)
            ends = await consumer.end_offsets(tps)
            deadline = time.monotonic() + LOAD_TIMEOUT
            while any([await consumer.position(tp) < ends[tp] for tp in tps]):
                if time.monotonic() > deadline:
                    raise SeenTopicError(f"{self.topic}: not read to its end in {LOAD_TIMEOUT} s")
                batch = await consumer.getmany(*tps, timeout_ms=1000)
                for records in batch.values():
                    for record in records:
                        self._apply(record.key, record.value)
        finally:
            await consumer.stop()

    def _apply(self, key: bytes | None, value: bytes | None) -> None:
        if key is None:
            return
        ids = self._ids.get(source_of(key))
        if ids is None:  # a feed no longer configured
            return
        item_id = key.decode("utf-8", "replace")
        if value is None:
            ids.pop(item_id, None)
            self._evicted.pop(item_id, None)
        else:
            ids[item_id] = None
            ids.move_to_end(item_id)
            self._evicted.pop(item_id, None)  # seen again after it was pushed out: it stays
            if len(ids) > self.remember:
                self._evicted[ids.popitem(last=False)[0]] = None
