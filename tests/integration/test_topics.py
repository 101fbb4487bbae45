"""Every topic the service uses exists without the broker's help: a second real broker with
`auto.create.topics.enable=false`, as most production clusters run, and a worker on it; and a
consumer that subscribes before its topic is in the broker's metadata."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import faust
import orjson
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from faust.types import TP

from agents.core.config import Config
from agents.core.replay import run as replay
from streams import faust_fixes
from streams.settings import Settings
from streams.topic_admin import wanted
from tests.support import (
    ROOT,
    Worker,
    alert_messages,
    broker_module,
    consume,
    free_port,
    produce,
    run,
    unique,
)

THIRTY_DAYS_MS = str(30 * 86_400_000)


@pytest.fixture(scope="module")
def strict_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    broker = broker_module()
    started = broker.start(
        port=free_port(),
        controller_port=free_port(),
        data_dir=tmp_path_factory.mktemp("strict-kafka"),
        properties={"auto.create.topics.enable": "false"},
    )
    try:
        yield started.bootstrap
    finally:
        broker.stop(started)


async def describe(bootstrap: str, topics: list[str]) -> tuple[set[str], dict[str, Any]]:
    """The cluster's topic names, and partitions and configs of `topics`."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        names = set(await admin.list_topics())
        meta = {t["topic"]: len(t["partitions"]) for t in await admin.describe_topics(topics)}
        answers = await admin.describe_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t) for t in topics]
        )
        configs: dict[str, dict[str, str]] = {}
        for answer in answers:
            for resource in answer.resources:
                name, entries = resource[3], resource[4]
                configs[name] = {entry[0]: entry[1] for entry in entries}
        return names, {t: (meta[t], configs[t]) for t in topics}
    finally:
        await admin.close()


def test_a_worker_creates_every_topic_it_uses_when_the_broker_creates_none(
    strict_broker: str, tmp_path: Path
) -> None:
    worker = Worker(
        bootstrap=strict_broker,
        prefix=unique("strict") + ".",
        app_id=unique("exwatch-strict"),
        port=free_port(),
        data_dir=tmp_path / "worker",
    )
    try:
        worker.start()
        specs = wanted(Settings.from_env(worker.env()))
        names, described = run(describe(strict_broker, [s.name for s in specs]))
        for spec in specs:
            partitions, configs = described[spec.name]
            assert partitions == spec.partitions, spec.name
            for key, value in spec.configs.items():
                assert configs[key] == value, (spec.name, key)
        alerts = worker.topic("alerts")
        assert described[alerts][1]["cleanup.policy"] == "compact"
        assert described[alerts][1]["min.compaction.lag.ms"] == THIRTY_DAYS_MS
        assert described[worker.topic("deadletter")][1]["retention.ms"] == THIRTY_DAYS_MS
        assert described[worker.topic("exchange.events")][1]["retention.ms"] == "-1"
        # Faust's own topics (table changelogs) are there too, compacted.
        changelogs = [n for n in names if n.startswith(worker.app_id) and "changelog" in n]
        assert changelogs
        # ... closing a segment every 10 minutes, so that the broker compacts them in practice
        _, logs = run(describe(strict_broker, changelogs))
        for name, (_, configs) in logs.items():
            assert configs["cleanup.policy"] == "compact", name
            assert configs["segment.ms"] == configs["max.compaction.lag.ms"] == "600000", name
            assert float(configs["min.cleanable.dirty.ratio"]) == 0.1, name

        # Written to: alerts, a dead letter and classified news all arrive.
        sample = ROOT / "deploy/sample/events.jsonl"
        done = worker.cli_produce(sample)
        assert done.returncode == 0, done.stderr
        reference = replay([sample], Config.load())
        expected = [orjson.loads(line) for line in reference.alert_lines]
        records = consume(strict_broker, alerts, len(expected), timeout=60)
        assert alert_messages(worker, [r.value for r in records]) == expected, worker.log_tail()
        news = ROOT / "deploy/sample/news.jsonl"
        done = worker.cli_produce(news, "news")
        assert done.returncode == 0, done.stderr
        assert len(consume(strict_broker, worker.topic("news.classified"), 3, 60)) == 3
        produce(strict_broker, worker.topic("exchange.events"), [(b"RU-UA", b"not json")])
        (letter,) = consume(strict_broker, worker.topic("deadletter"), 1, 60)
        assert orjson.loads(letter.value)["reason"] == "not_json"
    finally:
        worker.stop()
    assert "not found in cluster metadata" not in worker.log_path.read_text(errors="replace")


async def late_topic_assignment(bootstrap: str, topic: str, delay: float) -> set[Any]:
    """What a worker's consumer (Faust's, corrected) is assigned when it subscribes to `topic`
    `delay` seconds before the topic is in the broker's metadata (as a broker busy after a
    restart shows new topics): the partitions of the first assignment that has any, within
    30 s."""
    faust_fixes.apply()
    app = faust.App(unique("exwatch-late"), broker=f"kafka://{bootstrap}")
    assignments: asyncio.Queue[set[Any]] = asyncio.Queue()

    async def on_message(message: Any) -> None:
        pass

    async def on_revoked(revoked: set[Any]) -> None:
        pass

    async def on_assigned(assigned: set[Any], generation_id: int = 0) -> None:
        assignments.put_nowait(set(assigned))

    consumer = app.transport.create_consumer(
        callback=on_message,
        on_partitions_revoked=on_revoked,
        on_partitions_assigned=on_assigned,
    )
    await consumer.start()
    try:
        subscribing = asyncio.ensure_future(consumer.subscribe([topic]))
        await asyncio.sleep(delay)
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
        await admin.start()
        try:
            await admin.create_topics([NewTopic(topic, 2, 1)])
        finally:
            await admin.close()
        await asyncio.wait_for(subscribing, 30)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                assigned = await asyncio.wait_for(assignments.get(), 1)
            except TimeoutError:
                continue
            if assigned:
                return assigned
        return set()
    finally:
        await consumer.stop()


def test_a_consumer_subscribing_before_its_topic_is_in_the_metadata_gets_its_partitions(
    strict_broker: str,
) -> None:
    # Uncorrected, the group was assigned nothing and nothing asked again for 5 minutes.
    topic = unique("late")
    assert run(late_topic_assignment(strict_broker, topic, 2.0)) == {
        TP(topic, 0),
        TP(topic, 1),
    }
