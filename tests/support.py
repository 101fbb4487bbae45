"""Helpers shared by the integration tests: the broker, worker processes, Kafka I/O, HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import orjson
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from schemas.common import KINDS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
T = TypeVar("T")


def broker_module() -> ModuleType:
    """The broker tooling (`deploy/kafka/broker.py`, a script that is also a module)."""
    from deploy.kafka import broker

    return broker


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def wait_until(check: Callable[[], T | None], timeout: float, what: str, every: float = 0.3) -> T:
    deadline = time.monotonic() + timeout
    last: T | None = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")


def http_get(url: str, timeout: float = 5.0) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        body = exc.read()
        try:
            return exc.code, json.loads(body or b"null")
        except ValueError:
            return exc.code, body.decode("utf-8", "replace")


def http_get_json(url: str) -> Any:
    status, body = http_get(url)
    assert status == 200, (status, body)
    return body


@dataclass
class Worker:
    """An `exchange-watch worker` subprocess with its own topics, group and port."""

    bootstrap: str
    prefix: str
    app_id: str
    port: int
    data_dir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    proc: subprocess.Popen[bytes] | None = None
    # Each /healthz status seen by the last start, once per change ("recovering", "ok").
    health_seen: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "worker.log"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EXWATCH_")}
        env.update(
            {
                "EXWATCH_BROKER": f"kafka://{self.bootstrap}",
                "EXWATCH_TOPIC_PREFIX": self.prefix,
                "EXWATCH_APP_ID": self.app_id,
                "EXWATCH_WEB_PORT": str(self.port),
                "EXWATCH_DATA_DIR": str(self.data_dir / "state"),
                "EXWATCH_STORE": "memory://",
                "EXWATCH_CLOCK": "event",
                "EXWATCH_PARTITIONS": "2",
            }
        )
        env.update(self.extra_env)
        return env

    def start(self, timeout: float = 90.0) -> Worker:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115 - the child keeps it open
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streams.cli",
                "worker",
                "--loglevel",
                os.environ.get("EXWATCH_TEST_LOGLEVEL", "warning"),
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

        self.health_seen = []

        def healthy() -> bool:
            if self.proc is not None and self.proc.poll() is not None:
                raise AssertionError(f"worker exited {self.proc.returncode}:\n{self.log_tail()}")
            try:
                status, body = http_get(self.url + "/healthz", timeout=2)
            except OSError:
                return False
            said = str(body.get("status")) if isinstance(body, dict) else str(status)
            if not self.health_seen or self.health_seen[-1] != said:
                self.health_seen.append(said)
            return status == 200

        try:
            wait_until(healthy, timeout, "worker /healthz")
        except AssertionError:
            self.stop()
            raise AssertionError(f"worker did not become healthy:\n{self.log_tail()}") from None
        return self

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self, timeout: float = 30.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)

    def topic(self, name: str) -> str:
        return self.prefix + name

    def cli_produce(
        self, path: Path, what: str = "events", timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """`exchange-watch produce <what> <path>` with this worker's settings."""
        return subprocess.run(
            [sys.executable, "-m", "streams.cli", "produce", what, str(path)],
            cwd=ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )


def alert_messages(worker: Worker, values: list[bytes]) -> list[dict[str, Any]]:
    """Alert messages as `replay` writes them: each must link to the worker's /alerts
    (`generatorURL`, which only a worker knows), and the link is then left out."""
    out = []
    for value in values:
        alert = orjson.loads(value)
        assert alert.pop("generatorURL") == worker.url + "/alerts", alert
        out.append(alert)
    return out


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def _produce(bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        for key, value in messages:
            await producer.send(topic, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


def produce(bootstrap: str, topic: str, messages: list[tuple[bytes | None, bytes]]) -> None:
    run(_produce(bootstrap, topic, messages))


def reading_consumer(bootstrap: str) -> AIOKafkaConsumer:
    """A consumer for reading a topic from its start, committed records only.

    `auto_offset_reset="earliest"`: assign() starts a reset by the default policy ("latest")
    that can finish after seek_to_beginning() and leave the position at the end (seen on a
    loaded machine as a read of 0 records)."""
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        isolation_level="read_committed",
        auto_offset_reset="earliest",
    )


async def assign_from_start(
    consumer: AIOKafkaConsumer, topic: str, appear: float
) -> list[TopicPartition]:
    """Assign every partition of `topic` at its start; none when the topic does not appear
    within `appear` seconds (metadata can lag a new topic)."""
    deadline = time.monotonic() + appear
    while True:
        await consumer._client.force_metadata_update()
        tps = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        if tps or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.3)
    if tps:
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
    return tps


async def _consume(bootstrap: str, topic: str, expect: int, timeout: float) -> list[Any]:
    consumer = reading_consumer(bootstrap)
    await consumer.start()
    out: list[Any] = []
    try:
        deadline = time.monotonic() + timeout
        tps = await assign_from_start(consumer, topic, timeout)
        if not tps:
            return out
        while len(out) < expect and time.monotonic() < deadline:
            batch = await consumer.getmany(*tps, timeout_ms=500)
            for records in batch.values():
                out.extend(records)
    finally:
        await consumer.stop()
    return out


def consume(bootstrap: str, topic: str, expect: int, timeout: float = 60.0) -> list[Any]:
    """Read a topic from the start until `expect` records arrived or the time ran out."""
    return list(run(_consume(bootstrap, topic, expect, timeout)))


def swap_stream(
    distinct: int, redelivered: int, *, seed: int, source: str, id_prefix: str = "swap"
) -> tuple[list[bytes], dict[str, dict[str, int]], dict[str, int]]:
    """Distinct swaps (one official source, distinct ids: never one swap) spread over 2014-03 to
    2026-10, plus `redelivered` re-deliveries of random ones (same source and event id)
    shuffled in after their originals. Returns the lines, the exact totals, and the month
    sums of remains."""
    rng = random.Random(seed)
    start = dt.date(2014, 3, 1)
    swaps = []
    totals: dict[str, dict[str, int]] = {k: {"UA": 0, "RU": 0} for k in KINDS}
    months: dict[str, int] = defaultdict(int)
    for i in range(distinct):
        kind = KINDS[i % 3]
        day = start + dt.timedelta(days=i * 4_620 // distinct)
        ua, ru = rng.randint(1, 500), rng.randint(1, 500)
        swaps.append(
            {
                "type": "exchange",
                "event_id": f"{id_prefix}-{i}",
                "source": source,
                "kind": kind,
                "occurred": day.isoformat(),
                "received": {"UA": ua, "RU": ru},
                "origin": "official",
            }
        )
        totals[kind]["UA"] += ua
        totals[kind]["RU"] += ru
        if kind == "remains":
            months[day.strftime("%Y-%m-01")] += ua
    lines = [orjson.dumps(s) for s in swaps]
    for _ in range(redelivered):
        # A re-delivery comes after its original.
        i = rng.randrange(distinct)
        lines.insert(rng.randint(i + 1, len(lines)), orjson.dumps(swaps[i]))
    return lines, totals, dict(months)


def totals_of(worker: Worker) -> dict[str, Any] | None:
    """UA and RU of each kind in the worker's `/totals`, or None while it does not answer 200."""
    status, body = http_get(worker.url + "/totals", timeout=10)
    if status != 200:
        return None
    return {k: {s: body.get(k, {}).get(s, 0) for s in ("UA", "RU")} for k in KINDS}


def lag_drained(worker: Worker, topic: str) -> bool:
    with urllib.request.urlopen(worker.url + "/metrics", timeout=10) as resp:
        lines = resp.read().decode().splitlines()
    rows = [ln for ln in lines if ln.startswith("exchange_watch_consumer_lag_messages{")]
    mine = [ln for ln in rows if f'topic="{topic}"' in ln]
    return bool(mine) and all(ln.endswith(" 0.0") for ln in mine)


def settle_exact(
    worker: Worker,
    read: Callable[[], Any],
    expected: Any,
    timeout: float,
    topic: str,
) -> Any:
    """Wait for `read()` to equal `expected`. The test fails, with the difference, as soon
    as the worker has drained its input and the figures stayed put for 15 s without being
    exact, or when the timeout passes."""
    deadline = time.monotonic() + timeout
    last, since = None, time.monotonic()
    while time.monotonic() < deadline:
        got = read()
        if got == expected:
            return got
        if got != last:
            last, since = got, time.monotonic()
        elif time.monotonic() - since > 15 and lag_drained(worker, topic):
            raise AssertionError(f"drained but not exact: {got} != {expected}\n{worker.log_tail()}")
        time.sleep(2)
    raise AssertionError(
        f"no exact figures in {timeout:.0f}s: {last} != {expected}\n{worker.log_tail()}"
    )


async def changelog_partitions(
    consumer: AIOKafkaConsumer, app_id: str
) -> dict[TopicPartition, str]:
    """Every partition of an app's changelog topics, with the name of its table."""
    cluster = await consumer._client.fetch_all_metadata()
    return {
        TopicPartition(topic, p): topic.removeprefix(app_id + "-").removesuffix("-changelog")
        for topic in sorted(cluster.topics())
        if topic.startswith(app_id + "-") and topic.endswith("-changelog")
        for p in cluster.partitions_for_topic(topic) or ()
    }


async def _changelog_records(bootstrap: str, app_id: str) -> dict[str, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        table = await changelog_partitions(consumer, app_id)
        ends = await consumer.end_offsets(list(table))
        out = dict.fromkeys(table.values(), 0)
        for tp, end in ends.items():
            out[table[tp]] += end
        return out
    finally:
        await consumer.stop()


def changelog_records(bootstrap: str, app_id: str) -> dict[str, int]:
    """The records written to each of an app's changelog topics (their end offsets, commit
    markers included), by table."""
    return run(_changelog_records(bootstrap, app_id))
