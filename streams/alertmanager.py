"""Deliver the alert topic to Prometheus Alertmanager, when EXWATCH_ALERTMANAGER_URL is set.

Every message of the alert topic (each alert state change) is posted, in order, to
`POST /api/v2/alerts`: labels, annotations (summary, description, evidence), `startsAt`,
`endsAt` for a resolved alert, `generatorURL` (the workers' `/alerts`).

It runs inside each worker as a task of its own, off the pipeline's path: its own consumer in
its own group (`<app id>-alertmanager`) reading the alert topic `read_committed`, no table, no
transaction, nothing the agents wait for. The topic has one partition, so one worker of the
group delivers; when it stops, another takes over.

Its position is the group's committed offset: the first message Alertmanager has not accepted.
It is committed only after a post was accepted; a failed post is retried with a growing delay
(1 s to 60 s), so nothing is lost while Alertmanager is down or the URL is wrong; an alert
Alertmanager refuses as invalid (400) is logged, counted and passed over. On an assignment the
partition is read from its start to learn the latest state of every alert (the topic is
compacted by fingerprint): messages before the committed offset are not posted again, those
after are.

Alertmanager resolves a firing alert it has not heard of for `resolve_timeout` (5 minutes by
default), and forgets every alert when it restarts, a resolution it accepted but had not yet
notified included: every EXWATCH_ALERTMANAGER_RESEND_SECONDS (60 s) the sink posts again every
alert still firing, and every alert resolved in the last 15 minutes, as Prometheus does.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import aiohttp
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import ValidationError

from schemas.alerts import Alert
from streams import metrics
from streams.settings import Settings
from streams.topics import TopicNames

if TYPE_CHECKING:
    from agents.stream.service import Service

log = logging.getLogger("exchange_watch.alertmanager")

API_PATH = "/api/v2/alerts"
FIRST_DELAY = 1.0
MAX_DELAY = 60.0
POST_TIMEOUT = 10.0
# Alerts per post; a burst of state changes goes in several posts, in order.
BATCH = 200
# Resolved alerts are posted again for this long after their message was written (Prometheus'
# own rule manager does the same), so that a restarted Alertmanager still notifies them.
RESOLVED_RESEND_SECONDS = 15 * 60
# Alertmanager's answers that a retry cannot change: the alert itself is refused. Every other
# failure (no answer, 5xx, and 404 or 401 from a wrong URL or a proxy) is retried: a mistake
# in the configuration must not lose alerts.
REFUSED = frozenset({400, 422})


def _time(moment: Any) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def to_alertmanager(alert: Alert, link: str) -> dict[str, Any]:
    """One alert as Alertmanager's API takes it (postableAlert)."""
    annotations = {
        "summary": alert.annotations.summary,
        "description": alert.annotations.description,
    }
    refs = [*alert.evidence.event_ids, *alert.evidence.urls]
    if refs:
        annotations["evidence"] = ", ".join(refs)
    out: dict[str, Any] = {
        "labels": alert.labels.model_dump(mode="json"),
        "annotations": annotations,
        "startsAt": _time(alert.startsAt),
        "generatorURL": alert.generatorURL or link,
    }
    if alert.status == "resolved" and alert.endsAt is not None:
        out["endsAt"] = _time(alert.endsAt)
    return out


class Transient(Exception):
    """A post that may succeed later."""

    def __init__(self, cause: str) -> None:
        super().__init__(cause)
        self.cause = cause


class Refused(Exception):
    """Alertmanager refused the alerts as invalid: posting them again cannot help."""


class Sink:
    def __init__(self, settings: Settings) -> None:
        assert settings.alertmanager_url, "EXWATCH_ALERTMANAGER_URL is not set"
        self.settings = settings
        self.url = settings.alertmanager_url.rstrip("/") + API_PATH
        self.link = settings.alerts_url
        self.topic = TopicNames.with_prefix(settings.topic_prefix).alerts
        self.group = f"{settings.app_id}-alertmanager"
        # Per assigned partition: the latest state of every alert read (with the time its
        # message was written), the first offset not yet accepted by Alertmanager.
        self.latest: dict[TopicPartition, dict[str, tuple[Alert, float]]] = {}
        self.delivered_until: dict[TopicPartition, int] = {}
        self.consumer: AIOKafkaConsumer | None = None

    # The loop.

    async def run(self) -> None:
        """Deliver until cancelled; a failure of the sink itself is logged and retried."""
        while True:
            try:
                await self._run()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("Alertmanager sink failed; starting again in %.0f s", MAX_DELAY / 6)
                await asyncio.sleep(MAX_DELAY / 6)

    async def _run(self) -> None:
        consumer = AIOKafkaConsumer(
            **self.settings.kafka_client_options(),
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
            client_id=self.group,
        )
        consumer.subscribe([self.topic], listener=_Assignments(self, consumer))
        await consumer.start()
        self.consumer = consumer
        try:
            async with aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT)
            ) as http:
                resend_at = 0.0
                while True:
                    batch = await consumer.getmany(timeout_ms=1000, max_records=BATCH)
                    for tp, records in batch.items():
                        await self._handle(consumer, http, tp, records)
                    await self._note_pending(consumer, 0)
                    if time.monotonic() >= resend_at and await self._caught_up(consumer):
                        await self._resend(http)
                        resend_at = time.monotonic() + self.settings.alertmanager_resend_seconds
        finally:
            self.consumer = None
            await consumer.stop()

    async def _handle(
        self,
        consumer: AIOKafkaConsumer,
        http: aiohttp.ClientSession,
        tp: TopicPartition,
        records: Sequence[Any],
    ) -> None:
        state = self.latest.setdefault(tp, {})
        until = self.delivered_until.get(tp, 0)
        todo: list[tuple[Alert, float]] = []
        last = -1
        for record in records:
            try:
                alert = Alert.model_validate_json(record.value or b"")
            except ValidationError:
                log.warning(
                    "%s[%d]@%d is not an alert; passed", tp.topic, tp.partition, record.offset
                )
                alert = None
            written = record.timestamp / 1000.0
            if record.offset < until:  # accepted before: its state only
                if alert is not None:
                    state[alert.fingerprint] = (alert, written)
                continue
            last = record.offset
            if alert is not None:
                todo.append((alert, written))
        if last < 0:
            return
        await self._note_pending(consumer, len(todo))
        accepted: set[int] = set()
        for start in range(0, len(todo), BATCH):
            chunk = [a for a, _ in todo[start : start + BATCH]]
            accepted.update(id(a) for a in await self._deliver(http, chunk))
        for alert, written in todo:
            # A refused alert is not kept for the re-sends: Alertmanager holds the state before.
            if id(alert) in accepted:
                state[alert.fingerprint] = (alert, written)
        metrics.AM_DELIVERED.labels(reason="change").inc(len(accepted))
        self.delivered_until[tp] = last + 1
        try:
            await consumer.commit({tp: last + 1})
        except KafkaError as exc:
            # The partition moved (a rebalance, or this member was too long away): its next
            # owner starts from the last committed offset and posts these again, which
            # Alertmanager takes as the same alerts.
            log.warning("could not commit the Alertmanager position %d: %s", last + 1, exc)

    async def _deliver(self, http: aiohttp.ClientSession, alerts: list[Alert]) -> list[Alert]:
        """Post until accepted; alerts refused as invalid are logged, counted and passed.
        Returns the alerts accepted."""
        delay = FIRST_DELAY
        while True:
            try:
                await self._post(http, alerts)
                return alerts
            except Refused as exc:
                if len(alerts) > 1:  # find the one refused, deliver the others
                    return [a for alert in alerts for a in await self._deliver(http, [alert])]
                metrics.AM_REJECTED.inc()
                log.error("Alertmanager refused alert %s: %s", alerts[0].fingerprint, exc)
                return []
            except Transient as exc:
                metrics.AM_FAILURES.labels(cause=exc.cause).inc()
                log.warning("Alertmanager at %s: %s; again in %.0f s", self.url, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, MAX_DELAY)

    async def _post(self, http: aiohttp.ClientSession, alerts: list[Alert]) -> None:
        body = [to_alertmanager(a, self.link) for a in alerts]
        try:
            async with http.post(self.url, json=body) as response:
                text = (await response.text())[:300]
                status = response.status
        except TimeoutError:
            raise Transient("timeout") from None
        except aiohttp.ClientError as exc:
            raise Transient(type(exc).__name__) from None
        if status < 300:
            metrics.AM_LAST_SUCCESS.set(time.time())
            return
        if status in REFUSED:
            raise Refused(f"HTTP {status}: {text}")
        raise Transient(f"HTTP {status}")

    async def _resend(self, http: aiohttp.ClientSession) -> None:
        recent = time.time() - RESOLVED_RESEND_SECONDS
        known = [held for state in self.latest.values() for held in state.values()]
        firing = [a for a, _ in known if a.status == "firing"]
        metrics.AM_FIRING.set(len(firing))
        again = sorted(
            firing + [a for a, written in known if a.status == "resolved" and written >= recent],
            key=lambda a: a.fingerprint,
        )
        for start in range(0, len(again), BATCH):
            chunk = again[start : start + BATCH]
            try:
                await self._post(http, chunk)
            except Transient as exc:  # tried again at the next re-send
                metrics.AM_FAILURES.labels(cause=exc.cause).inc()
                return
            except Refused:
                # One read back from the topic that Alertmanager refused before: find it, post
                # the others, and keep it out of the re-sends.
                chunk = [a for a in chunk if await self._resent_alone(http, a)]
            metrics.AM_DELIVERED.labels(reason="resend").inc(len(chunk))

    async def _resent_alone(self, http: aiohttp.ClientSession, alert: Alert) -> bool:
        try:
            await self._post(http, [alert])
            return True
        except Transient as exc:
            metrics.AM_FAILURES.labels(cause=exc.cause).inc()
            return False
        except Refused as exc:
            metrics.AM_REJECTED.inc()
            log.error("Alertmanager refused alert %s: %s", alert.fingerprint, exc)
            for state in self.latest.values():
                if alert.fingerprint in state and state[alert.fingerprint][0] is alert:
                    del state[alert.fingerprint]
            return False

    async def _caught_up(self, consumer: AIOKafkaConsumer) -> bool:
        """Whether every assigned partition was read up to the accepted position: before
        that, the state of the alerts is not known and nothing is re-sent."""
        for tp in consumer.assignment():
            if await consumer.position(tp) < self.delivered_until.get(tp, 0):
                return False
        return True

    async def _note_pending(self, consumer: AIOKafkaConsumer, in_hand: int) -> None:
        waiting = 0
        for tp in consumer.assignment():
            stable = consumer.last_stable_offset(tp)
            if stable is not None and stable >= 0:
                waiting += max(0, stable - await consumer.position(tp))
        metrics.AM_PENDING.set(waiting + in_hand)

    # Assignments.

    async def assigned(self, consumer: AIOKafkaConsumer, tps: set[TopicPartition]) -> None:
        for tp in tps:
            committed = await consumer.committed(tp)
            self.delivered_until[tp] = committed if committed is not None else 0
            self.latest[tp] = {}
        if tps:
            await consumer.seek_to_beginning(*tps)

    def revoked(self, tps: set[TopicPartition]) -> None:
        for tp in tps:
            self.latest.pop(tp, None)
            self.delivered_until.pop(tp, None)


class _Assignments(ConsumerRebalanceListener):
    def __init__(self, sink: Sink, consumer: AIOKafkaConsumer) -> None:
        self.sink = sink
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        self.sink.revoked(revoked)

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        await self.sink.assigned(self.consumer, assigned)


def register(service: Service) -> None:
    """Run the sink as a task of the worker."""
    sink = Sink(service.settings)

    @service.app.task
    async def deliver_to_alertmanager() -> None:
        log.info("delivering %s to %s", sink.topic, sink.url)
        await sink.run()
