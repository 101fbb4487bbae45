"""The `ingest` agent: exchange.events (and clock ticks) into the engine's tables, alerts out.

It reads the dyad's partition of `exchange.events` and of the internal tick topic together, so
that table changes happen inside the stream that owns them. Decoding and every rule are in the
pure engine; this is wiring, metrics and dead letters.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import orjson

from agents.stream.sending import progress, send_alerts, send_dead_letter
from schemas.codec import Rejected, decode_event
from streams import metrics
from streams.faust_fixes import to_the_end
from streams.topics import DYAD

if TYPE_CHECKING:
    import faust
    from faust.types import Message

    from agents.stream.service import Service

STAGE = "ingest"


def tick_message(now: dt.datetime) -> bytes:
    return orjson.dumps({"now": now.isoformat()})


def register(service: Service) -> None:
    app = service.app
    engine = service.engine
    source = app.topic(
        service.names.exchange_events,
        service.names.ticks,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=service.settings.partitions,
        internal=True,
    )

    @app.agent(source, name="ingest")
    async def ingest(stream: faust.StreamT) -> None:
        async for event in stream.events():
            await to_the_end(handle_event(stream, event))
            progress(STAGE)

    async def handle_event(stream: faust.StreamT, event: faust.EventT) -> None:
        # Table writes, alerts and dead letters of one message commit together; the writes
        # are held across events (agents/stream/held.py).
        service.held.before(event)
        await service.positions.handle(event.message, apply, hold=True)
        # Whether another message already waits in the agent's channel.
        waiting = not stream.channel.empty()  # type: ignore[attr-defined]
        service.held.after(event, more_waiting=waiting)

    async def apply(message: Message) -> None:
        firing = engine.active_fingerprints()
        if message.topic == service.names.ticks:
            now = dt.datetime.fromisoformat(orjson.loads(message.value or b"")["now"])
            await send_alerts(service, engine.tick(now), firing)
            return
        try:
            ev = decode_event(message.value)
        except Rejected as exc:
            await send_dead_letter(service, message, exc, STAGE)
            return
        try:
            outcome = engine.apply(ev)
        except Exception as exc:  # one event the engine cannot take must not stop the agent
            error = Rejected("processing_error", f"{type(exc).__name__}: {exc}")
            await send_dead_letter(service, message, error, STAGE)
            return
        metrics.EXCHANGE_EVENTS.labels(type=ev.type, kind=ev.kind, origin=ev.origin).inc()
        if outcome.duplicate:
            metrics.DUPLICATES.labels(kind=ev.kind).inc()
        await send_alerts(service, outcome.alerts, firing)

    if service.settings.clock == "live":

        @app.timer(service.settings.tick_seconds, on_leader=True)
        async def wall_clock_tick() -> None:
            # The leader asks the dyad's owner to evaluate the rules at the wall clock, so
            # that silence itself raises ExchangeGap.
            await service.ticks.send(
                key=DYAD.encode("ascii"), value=tick_message(dt.datetime.now(dt.UTC))
            )
