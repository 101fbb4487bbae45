"""A small Python API for scrapers: validate news items and events, then send them to Kafka.

    import asyncio
    from streams.client import Producer

    async def main() -> None:
        async with Producer() as p:  # EXWATCH_BROKER etc. from the environment
            await p.send_news({"id": "feed-42", "source": "my-feed",
                               "published_at": "2026-01-29T12:00:00+00:00",
                               "title": "...", "body": "..."})
            await p.send_event({"type": "exchange", "event_id": "e-1", "kind": "remains",
                                "occurred": "2026-01-29", "received": {"UA": 1000, "RU": 38}})

    asyncio.run(main())

Invalid input raises `schemas.codec.Rejected` before anything is sent.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal

from aiokafka import AIOKafkaProducer
from aiokafka.structs import RecordMetadata
from pydantic import BaseModel

from schemas import codec
from schemas.codec import Rejected, decode_event, decode_news, dumps
from schemas.events import AnyEvent
from schemas.news import NewsItem
from streams.security import check_credentials
from streams.settings import Settings
from streams.topics import DYAD, TopicNames

Stream = Literal["news", "events"]
# Resolves when the broker has acknowledged the record (acks=all).
Delivery = asyncio.Future[RecordMetadata]


@dataclass(frozen=True)
class LineResult:
    """One input line: the model it validated to, or why it was rejected."""

    lineno: int
    model: NewsItem | AnyEvent | None
    error: Rejected | None


def validate_news(obj: NewsItem | dict[str, Any]) -> NewsItem:
    return obj if isinstance(obj, NewsItem) else codec.validate_news(obj)


def validate_event(obj: BaseModel | dict[str, Any]) -> AnyEvent:
    return codec.validate_event(obj.model_dump(mode="json") if isinstance(obj, BaseModel) else obj)


def validate_lines(lines: Iterable[bytes], stream: Stream) -> Iterator[LineResult]:
    """Validate JSONL lines one by one; blank lines are skipped, line numbers start at 1."""
    decode = decode_news if stream == "news" else decode_event
    for lineno, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield LineResult(lineno, decode(line), None)
        except Rejected as exc:
            yield LineResult(lineno, None, exc)


def message_key(model: NewsItem | AnyEvent) -> bytes:
    """News items are keyed by item id; events by the dyad, so one worker owns its tables."""
    if isinstance(model, NewsItem):
        return model.id.encode("utf-8")
    return DYAD.encode("ascii")


class Producer:
    """Validated sending to the exchange-watch input topics (idempotent, acks=all)."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.topics = TopicNames.with_prefix(self.settings.topic_prefix)
        self._producer: AIOKafkaProducer | None = None

    async def start(self) -> None:
        # One login first: a refused password is one clear KafkaAuthError, not a generic
        # "unable to bootstrap" after aiokafka logged the real cause.
        await check_credentials(self.settings)
        self._producer = AIOKafkaProducer(
            **self.settings.kafka_client_options(),
            acks="all",
            enable_idempotence=True,
            client_id=f"{self.settings.app_id}-producer",
        )
        try:
            await self._producer.start()
        except BaseException:
            await self._producer.stop()
            self._producer = None
            raise

    async def stop(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def __aenter__(self) -> Producer:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _send(self, topic: str, model: NewsItem | AnyEvent) -> Delivery:
        return await self.send_record(topic, message_key(model), dumps(model))

    async def send_record(self, topic: str, key: bytes, value: bytes | None) -> Delivery:
        """Queue one record as it is (no validation: for the service's own topics); await the
        returned future for the broker's acknowledgement."""
        if self._producer is None:
            raise RuntimeError("Producer is not started; use 'async with Producer()'")
        delivery: Delivery = await self._producer.send(topic, value, key=key)
        return delivery

    async def send_news(self, item: NewsItem | dict[str, Any]) -> Delivery:
        """Validate and queue a news item; await the returned future for the acknowledgement."""
        return await self._send(self.topics.news_items, validate_news(item))

    async def send_event(self, event: BaseModel | dict[str, Any]) -> Delivery:
        """Validate and queue an event; await the returned future for the acknowledgement."""
        return await self._send(self.topics.exchange_events, validate_event(event))

    async def send_models(self, models: Iterable[NewsItem | AnyEvent]) -> int:
        """Send already-validated models; returns how many were sent."""
        n = 0
        for model in models:
            topic = (
                self.topics.news_items
                if isinstance(model, NewsItem)
                else self.topics.exchange_events
            )
            await self._send(topic, model)
            n += 1
        return n

    async def flush(self) -> None:
        if self._producer is not None:
            await self._producer.flush()
