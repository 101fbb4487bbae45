"""The `classify` agent: news.items to news.classified (every item) and facts to exchange.events.

Thin wiring: decoding, the reader and the fact-to-event mapping are the pure functions that the
offline `classify` and `replay` commands call too.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from agents.core.from_news import events_from_classified
from agents.reader import classify
from agents.stream.sending import progress, send_dead_letter
from schemas.codec import Rejected, decode_news, dumps
from schemas.events import AnyEvent
from schemas.news import ClassifiedNews, NewsItem
from streams import metrics
from streams.faust_fixes import to_the_end
from streams.topics import DYAD

if TYPE_CHECKING:
    import faust
    from faust.types import Message

    from agents.stream.service import Service

STAGE = "classify"

# What reading one news item gives: its dead letter's reason, or what to send.
Outputs = Rejected | tuple[NewsItem, ClassifiedNews, list[AnyEvent]]


def register(service: Service) -> None:
    @service.app.agent(service.news_items, name="classify")
    async def classify_news(stream: faust.StreamT) -> None:
        async for event in stream.events():
            message = event.message
            metrics.NEWS_LAST_RECEIVED.set(time.time())
            # The reading happens here, outside the commit gate; what one item sends (or its
            # dead letter) commits with its offset. Items read late (skipped by the
            # consumer, see agents/stream/positions.py) are read inside.
            outputs = read(message)

            async def send_read(
                msg: Message, current: Message = message, outputs: Outputs = outputs
            ) -> None:
                await send(msg, outputs if msg is current else read(msg))

            await to_the_end(service.positions.handle(message, send_read))
            progress(STAGE)

    async def send(message: Message, outputs: Outputs) -> None:
        if isinstance(outputs, Rejected):
            await send_dead_letter(service, message, outputs, STAGE)
            return
        item, classified, events = outputs
        await service.news_classified.send(key=item.id.encode("utf-8"), value=classified)
        for ev in events:
            await service.exchange_events.send(key=DYAD.encode("ascii"), value=dumps(ev))

    def read(message: Message) -> Outputs:
        try:
            item = decode_news(message.value)
        except Rejected as exc:
            return exc
        started = time.perf_counter()
        try:
            classified = classify(item)
            events = events_from_classified(item, classified, service.engine.config)
        except Exception as exc:  # one item the reader cannot handle must not stop the agent
            return Rejected(
                "processing_error", f"classification failed: {type(exc).__name__}: {exc}"
            )
        metrics.CLASSIFY_SECONDS.observe(time.perf_counter() - started)
        metrics.NEWS_CLASSIFIED.labels(category=classified.primary).inc()
        for fact in classified.facts:
            metrics.FACTS_EXTRACTED.labels(type=fact.type).inc()
        return item, classified, events
