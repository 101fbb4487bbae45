"""The `classify` agent: news.items to news.classified (every item) and facts to exchange.events.

Thin wiring: decoding, the reader and the fact-to-event mapping are the pure functions that the
offline `classify` and `replay` commands call too.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from agents.core.from_news import events_from_classified
from agents.reader import classify
from agents.wiring import progress, send_dead_letter
from schemas.codec import Rejected, decode_news, dumps
from streams import metrics
from streams.topics import DYAD

if TYPE_CHECKING:
    import faust

    from streams.app import Service

STAGE = "classify"


def register(service: Service) -> None:
    @service.app.agent(service.news_items, name="classify")
    async def classify_news(stream: faust.StreamT) -> None:
        async for event in stream.events():
            try:
                item = decode_news(event.value)
            except Rejected as exc:
                await send_dead_letter(service, event, exc, STAGE)
                progress(STAGE)
                continue
            started = time.perf_counter()
            try:
                classified = classify(item)
                events = events_from_classified(item, classified, service.engine.config)
            except Exception as exc:  # one item the reader cannot handle must not stop the agent
                error = Rejected(
                    "processing_error", f"classification failed: {type(exc).__name__}: {exc}"
                )
                await send_dead_letter(service, event, error, STAGE)
                progress(STAGE)
                continue
            metrics.CLASSIFY_SECONDS.observe(time.perf_counter() - started)
            metrics.NEWS_CLASSIFIED.labels(category=classified.primary).inc()
            for fact in classified.facts:
                metrics.FACTS_EXTRACTED.labels(type=fact.type).inc()
            await service.news_classified.send(key=item.id.encode("utf-8"), value=classified)
            for ev in events:
                await service.exchange_events.send(key=DYAD.encode("ascii"), value=dumps(ev))
            progress(STAGE)
