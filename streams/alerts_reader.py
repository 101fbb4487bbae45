"""Read the alert topic: every state change, or the alerts still firing, for people or programs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from schemas.alerts import Alert
from streams.settings import Settings
from streams.topics import TopicNames


async def read_alerts(settings: Settings, follow: bool = False) -> AsyncIterator[Alert]:
    """Yield the alert topic from its start; stop at its end unless `follow`."""
    topic = TopicNames.with_prefix(settings.topic_prefix).alerts
    consumer = AIOKafkaConsumer(
        **settings.kafka_client_options(),
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        # Under exactly-once, alerts of an aborted transaction are never shown.
        isolation_level="read_committed",
        client_id=f"{settings.app_id}-alerts-reader",
    )
    await consumer.start()
    try:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            # Asking for metadata of a missing topic may take a moment to settle.
            await consumer._client.force_metadata_update()
            partitions = consumer.partitions_for_topic(topic) or set()
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        if not tps:
            if not follow:
                return
            while not tps:  # wait for the topic to appear
                await asyncio.sleep(1.0)
                await consumer._client.force_metadata_update()
                tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        end = await consumer.end_offsets(tps)
        while True:
            if not follow and await _all_at_end(consumer, end):
                return
            batch = await consumer.getmany(*tps, timeout_ms=500)
            for records in batch.values():
                for record in records:
                    try:
                        yield Alert.model_validate_json(record.value or b"")
                    except ValidationError:
                        continue  # not an alert of ours; the topic is shared by contract only
    finally:
        await consumer.stop()


async def _all_at_end(consumer: AIOKafkaConsumer, end: dict[TopicPartition, int]) -> bool:
    for tp, offset in end.items():
        if await consumer.position(tp) < offset:
            return False
    return True


def active(alerts: list[Alert]) -> list[Alert]:
    """The last state of each fingerprint, keeping those still firing, oldest first."""
    last: dict[str, Alert] = {}
    for alert in alerts:
        last[alert.fingerprint] = alert
    return sorted(
        (a for a in last.values() if a.status == "firing"),
        key=lambda a: (a.startsAt, a.fingerprint),
    )


def render_table(alerts: list[Alert]) -> str:
    """A plain table for a person: what, since when, how severe, and the evidence."""
    if not alerts:
        return "No alerts."
    rows = [("STATUS", "SEVERITY", "ALERT", "AGREEMENT", "KIND", "SINCE", "SUMMARY")]
    for a in alerts:
        rows.append(
            (
                a.status,
                a.labels.severity,
                a.labels.alertname,
                a.labels.agreement,
                a.labels.kind,
                a.startsAt.date().isoformat()
                + (f" to {a.endsAt.date().isoformat()}" if a.endsAt else ""),
                a.annotations.summary,
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for r in rows:
        lines.append(
            "  ".join(c.ljust(w) for c, w in zip(r[:-1], widths, strict=False)) + "  " + r[-1]
        )
    for a in alerts:
        if a.evidence.event_ids or a.evidence.urls:
            refs = ", ".join([*a.evidence.event_ids[:5], *a.evidence.urls[:3]])
            lines.append(f"  evidence [{a.labels.alertname} {a.labels.kind}]: {refs}")
    return "\n".join(lines)
