"""What both agents share: sending dead letters and alerts, and marking progress."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from agents.core.rules import alert_changes
from agents.stream.deadletters import dead_letter
from schemas.alerts import Alert
from schemas.codec import Rejected
from streams import metrics

if TYPE_CHECKING:
    from faust.types import Message

    from agents.stream.service import Service


async def send_dead_letter(service: Service, msg: Message, error: Rejected, stage: str) -> None:
    letter = dead_letter(
        topic=msg.topic,
        partition=msg.partition,
        offset=msg.offset,
        key=msg.key if isinstance(msg.key, bytes | None) else str(msg.key).encode(),
        value=msg.value if isinstance(msg.value, bytes | None) else str(msg.value).encode(),
        reason=error.reason,
        error=error.message,
        stage=stage,
    )
    await service.deadletter.send(key=msg.key, value=letter)
    metrics.DEADLETTERS.labels(reason=error.reason, stage=stage).inc()


COUNTERS = {
    "fired": metrics.ALERTS_FIRED,
    "updated": metrics.ALERTS_UPDATED,
    "resolved": metrics.ALERTS_RESOLVED,
}


async def send_alerts(service: Service, alerts: list[Alert], firing_before: set[str]) -> None:
    """Send the alert messages of one step, each linking to the workers' /alerts;
    `firing_before` (the engine's active fingerprints before the step) tells new from
    re-sent alerts for the metrics."""
    link = service.settings.alerts_url
    for alert, change in zip(alerts, alert_changes(firing_before, alerts), strict=True):
        message = alert.model_copy(update={"generatorURL": link})
        await service.alerts.send(key=alert.fingerprint.encode("ascii"), value=message)
        COUNTERS[change].labels(alertname=alert.labels.alertname).inc()


def progress(agent: str) -> None:
    metrics.AGENT_PROGRESS.labels(agent=agent).set(time.time())
