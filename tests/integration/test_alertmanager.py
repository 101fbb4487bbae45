"""The Alertmanager sink against a real Alertmanager on loopback and the real broker: firing
alerts appear in its API with our labels, resolved ones get their end time, and an Alertmanager
stopped and started again mid-run still ends with every state change delivered."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from prometheus_client import REGISTRY

from agents.core.config import Config
from agents.core.replay import run as replay
from agents.core.rules import fingerprint
from schemas.alerts import Alert, AlertAnnotations, AlertEvidence, AlertLabels
from streams.alertmanager import Sink
from streams.settings import Settings
from streams.topic_admin import create_topics
from tests.monitoring import Alertmanager, Webhook, by_labels, needs_alertmanager
from tests.support import ROOT, Worker, produce, run, unique, wait_until

pytestmark = needs_alertmanager


def make_alert(
    name: str,
    kind: str,
    severity: str,
    starts: str,
    *,
    ends: str | None = None,
    text: str = "Recorded figures.",
) -> Alert:
    return Alert(
        labels=AlertLabels(
            alertname=name,  # type: ignore[arg-type]
            agreement="istanbul-2025-06",
            kind=kind,  # type: ignore[arg-type]
            severity=severity,  # type: ignore[arg-type]
        ),
        annotations=AlertAnnotations(summary=f"{name} {kind}", description=text),
        startsAt=dt.datetime.fromisoformat(starts + "T00:00:00+00:00"),
        endsAt=dt.datetime.fromisoformat(ends + "T00:00:00+00:00") if ends else None,
        status="resolved" if ends else "firing",
        fingerprint=fingerprint(name, "istanbul-2025-06", kind, severity),
        evidence=AlertEvidence(event_ids=["s-004"], urls=["https://example.org/s-004"]),
        generatorURL="http://worker-1:6066/alerts",
    )


def labels_key(alert: Alert) -> str:
    return ",".join(f"{k}={v}" for k, v in sorted(alert.labels.model_dump().items()))


def counter(name: str, **labels: str) -> float:
    total = 0.0
    for family in REGISTRY.collect():
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                total += sample.value
    return total


class SinkThread:
    """The sink on an event loop of its own, as it runs inside a worker."""

    def __init__(self, settings: Settings) -> None:
        self.sink = Sink(settings)
        self.loop = asyncio.new_event_loop()
        self.task: asyncio.Task[None] | None = None
        self.thread = threading.Thread(target=self._main, daemon=True)

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.task = self.loop.create_task(self.sink.run())
        try:
            self.loop.run_until_complete(self.task)
        except asyncio.CancelledError:
            pass
        finally:
            self.loop.close()

    def start(self) -> SinkThread:
        self.thread.start()
        return self

    def stop(self) -> None:
        if self.task is not None:
            self.loop.call_soon_threadsafe(self.task.cancel)
        self.thread.join(30)


def committed(bootstrap: str, group: str, topic: str) -> int | None:
    async def ask() -> int | None:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
        await consumer.start()
        try:
            got = await consumer.committed(TopicPartition(topic, 0))
            return None if got is None else int(got)
        finally:
            await consumer.stop()

    return run(ask())  # type: ignore[no-any-return]


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook().start()
    yield hook
    hook.stop()


@pytest.fixture
def alertmanager(tmp_path: Path, webhook: Webhook) -> Iterator[Alertmanager]:
    am = Alertmanager(tmp_path / "alertmanager", webhook.url).start()
    yield am
    am.stop()


def test_every_state_change_reaches_alertmanager_across_its_restart(
    kafka_bootstrap: str, alertmanager: Alertmanager, webhook: Webhook
) -> None:
    settings = Settings.from_env(
        {
            "EXWATCH_BROKER": f"kafka://{kafka_bootstrap}",
            "EXWATCH_TOPIC_PREFIX": unique("am") + ".",
            "EXWATCH_APP_ID": unique("exwatch-am"),
            "EXWATCH_ALERTMANAGER_URL": alertmanager.url,
            "EXWATCH_ALERTMANAGER_RESEND_SECONDS": "1",
        }
    )
    topic = settings.topic_prefix + "alerts"
    group = f"{settings.app_id}-alertmanager"
    run(create_topics(settings))
    sent: list[Alert] = []

    def send(*alerts: Alert) -> None:
        produce(
            kafka_bootstrap,
            topic,
            [(a.fingerprint.encode(), orjson.dumps(a.model_dump(mode="json"))) for a in alerts],
        )
        sent.extend(alerts)

    delivered_before = counter("exchange_watch_alertmanager_delivered_total", reason="change")
    failures_before = counter("exchange_watch_alertmanager_post_failures_total")
    gap = make_alert("ExchangeGap", "remains", "warning", "2025-07-16")
    behind = make_alert("BehindCommitment", "remains", "warning", "2025-07-02")
    sink = SinkThread(settings).start()
    try:
        send(gap, behind)
        # Firing: in Alertmanager's API with our labels, start, link and text.
        held = wait_until(
            lambda: (
                (got := by_labels(alertmanager.alerts())).keys()
                == {labels_key(gap), labels_key(behind)}
                and got
            ),
            30,
            "both alerts in Alertmanager",
        )
        shown = held[labels_key(gap)]
        assert shown["labels"] == gap.labels.model_dump()
        assert shown["startsAt"] == "2025-07-16T00:00:00.000Z"
        assert shown["generatorURL"] == "http://worker-1:6066/alerts"
        assert shown["annotations"] == {
            "summary": "ExchangeGap remains",
            "description": "Recorded figures.",
            "evidence": "s-004, https://example.org/s-004",
        }
        assert shown["status"]["state"] == "active"
        wait_until(
            lambda: (
                {("firing", labels_key(gap), None), ("firing", labels_key(behind), None)}
                <= set(webhook.notified())
            ),
            30,
            "firing notifications",
        )
        # Resolved: gone from the active alerts, notified with its end time.
        gap_end = make_alert("ExchangeGap", "remains", "warning", "2025-07-16", ends="2025-08-19")
        send(gap_end)
        wait_until(
            lambda: ("resolved", labels_key(gap), "2025-08-19T00:00:00Z") in webhook.notified(),
            30,
            "the resolved notification",
        )
        assert by_labels(alertmanager.alerts()).keys() == {labels_key(behind)}
        assert committed(kafka_bootstrap, group, topic) == 3
        # An alert Alertmanager refuses (400: it ends before it starts) is passed over, not
        # retried for ever; the next one is delivered.
        rejected_before = counter("exchange_watch_alertmanager_rejected_total")
        refused = make_alert("ExchangeGap", "pows", "warning", "2025-09-01", ends="2025-08-01")
        prolonged = make_alert("SuspensionProlonged", "pows", "critical", "2025-10-31")
        send(refused, prolonged)
        wait_until(
            lambda: committed(kafka_bootstrap, group, topic) == 5, 30, "past the refused alert"
        )
        assert counter("exchange_watch_alertmanager_rejected_total") - rejected_before == 1
        assert by_labels(alertmanager.alerts()).keys() == {
            labels_key(behind),
            labels_key(prolonged),
        }
        prolonged_end = make_alert(
            "SuspensionProlonged", "pows", "critical", "2025-10-31", ends="2026-03-05"
        )
        send(prolonged_end)
        wait_until(
            lambda: committed(kafka_bootstrap, group, topic) == 6, 30, "the prolonged resolved"
        )

        # Alertmanager stops; three state changes arrive meanwhile.
        alertmanager.stop()
        suspension = make_alert("SuspensionReported", "pows", "warning", "2025-10-01")
        updated = suspension.model_copy(
            update={"annotations": AlertAnnotations(summary="s", description="2 reports.")}
        )
        behind_end = make_alert(
            "BehindCommitment", "remains", "warning", "2025-07-02", ends="2025-10-02"
        )
        send(suspension, behind_end, updated)
        wait_until(
            lambda: counter("exchange_watch_alertmanager_post_failures_total") > failures_before,
            30,
            "failed posts while Alertmanager is down",
        )
        assert committed(kafka_bootstrap, group, topic) == 6  # nothing accepted: not moved

        # Back (same port and storage): every change is delivered, in order.
        alertmanager.start()
        wait_until(
            lambda: committed(kafka_bootstrap, group, topic) == 9, 60, "the sink to catch up"
        )
        final = by_labels(alertmanager.alerts())
        assert final.keys() == {labels_key(suspension)}
        assert final[labels_key(suspension)]["annotations"]["description"] == "2 reports."
        wait_until(
            lambda: ("resolved", labels_key(behind), "2025-10-02T00:00:00Z") in webhook.notified(),
            30,
            "the resolution that waited",
        )
        # Every state change accepted, the refused one aside.
        assert (
            counter("exchange_watch_alertmanager_delivered_total", reason="change")
            - delivered_before
            == len(sent) - 1
        )

        # Started again with nothing new on the topic: it forgot every alert; the re-send
        # gives it back what still fires.
        alertmanager.stop()
        alertmanager.start()
        back = wait_until(
            lambda: by_labels(alertmanager.alerts()) or None, 30, "the re-sent firing alert"
        )
        assert back.keys() == {labels_key(suspension)}
        assert back[labels_key(suspension)]["annotations"]["description"] == "2 reports."
        # And the receiver was told of every state change Alertmanager could notify: each
        # firing, each resolution with its end time (a resolution accepted just before a stop
        # is posted again after it, and notified then), the refused alert aside.
        expected = {
            ("firing", labels_key(gap), None),
            ("firing", labels_key(behind), None),
            ("resolved", labels_key(gap), "2025-08-19T00:00:00Z"),
            ("firing", labels_key(prolonged), None),
            ("resolved", labels_key(prolonged), "2026-03-05T00:00:00Z"),
            ("resolved", labels_key(behind), "2025-10-02T00:00:00Z"),
            ("firing", labels_key(suspension), None),
        }
        wait_until(lambda: set(webhook.notified()) == expected, 30, "every notification")

        # Another sink of the group takes over (a worker that joins) facing an Alertmanager
        # that knows nothing: it learns the alerts from the topic, posts no change again, and
        # re-sends what fires; the refused alert read back is found and left out again.
        sink.stop()
        alertmanager.stop()
        alertmanager.start()
        rejected = counter("exchange_watch_alertmanager_rejected_total")
        delivered = counter("exchange_watch_alertmanager_delivered_total", reason="change")
        sink = SinkThread(settings).start()
        again = wait_until(
            lambda: by_labels(alertmanager.alerts()) or None, 30, "the firing alert re-sent"
        )
        assert again.keys() == {labels_key(suspension)}
        wait_until(
            lambda: counter("exchange_watch_alertmanager_rejected_total") == rejected + 1,
            30,
            "the refused alert found again",
        )
        assert counter("exchange_watch_alertmanager_delivered_total", reason="change") == delivered
        assert committed(kafka_bootstrap, group, topic) == 9
        print(
            "Alertmanager GET /api/v2/alerts after its restart:\n"
            + orjson.dumps(alertmanager.alerts(), option=orjson.OPT_INDENT_2).decode()
        )
        print("notifications received by the webhook:", *webhook.notified(), sep="\n  ")
    finally:
        sink.stop()


def test_a_worker_delivers_its_alerts_when_the_setting_is_given(
    make_worker: Any, alertmanager: Alertmanager
) -> None:
    worker: Worker = make_worker(
        EXWATCH_PARTITIONS="1",
        EXWATCH_ALERTMANAGER_URL=alertmanager.url,
        EXWATCH_ALERTMANAGER_RESEND_SECONDS="2",
    )
    sample = ROOT / "deploy/sample/events.jsonl"
    result = replay([sample], Config.load())
    done = worker.cli_produce(sample)
    assert done.returncode == 0, done.stderr
    expected = {
        labels_key(Alert.model_validate(a)): a for a in result.summary["alerts"]
    }  # firing at the end of the sample
    assert expected

    def delivered() -> dict[str, Any] | None:
        got = by_labels(alertmanager.alerts())
        return got if got.keys() == expected.keys() else None

    got = wait_until(delivered, 90, "the worker's firing alerts in Alertmanager")
    for key, alert in expected.items():
        shown = got[key]
        assert shown["startsAt"].replace(".000Z", "Z") == alert["startsAt"]
        assert shown["annotations"]["description"] == alert["annotations"]["description"]
        assert shown["generatorURL"] == worker.url + "/alerts"
    line = f'exchange_watch_alertmanager_delivered_total{{reason="change"}} {len(result.alerts)}.0'
    wait_until(lambda: line in urllib_text(worker.url + "/metrics"), 30, line)
    # The gauge counts the batch in hand until the sink's loop notes it done, a moment after
    # Alertmanager has the alerts: read it once that loop has come round.
    pending = "exchange_watch_alertmanager_pending_messages 0.0"
    wait_until(lambda: pending in urllib_text(worker.url + "/metrics"), 30, pending)


def urllib_text(url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as resp:
        return str(resp.read().decode())
