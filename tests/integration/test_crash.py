"""Crash: kill -9 the worker in the middle of a steady stream of 50,000 events, restart it on
its RocksDB store, and check that nothing was lost or counted twice."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson

from agents.core.config import Config
from agents.core.replay import run as replay
from tests.support import (
    Worker,
    consume,
    free_port,
    http_get,
    http_get_json,
    produce,
    settle_exact,
    unique,
    wait_until,
)

DISTINCT = 20_000
REDELIVERED = 30_000
KINDS = ("remains", "pows", "civilians")
SPAN_DAYS = 4_620


def make_events(seed: int = 11) -> tuple[list[bytes], dict[str, dict[str, int]], dict[str, int]]:
    """Distinct swaps (one official source, distinct ids: never one swap) spread over 2014-03 to
    2026-10, plus re-deliveries of random ones (same source and event id) shuffled in after
    their originals. Returns the lines, the exact totals, and the month sums of remains."""
    rng = random.Random(seed)
    start = dt.date(2014, 3, 1)
    swaps = []
    totals: dict[str, dict[str, int]] = {k: {"UA": 0, "RU": 0} for k in KINDS}
    months: dict[str, int] = defaultdict(int)
    for i in range(DISTINCT):
        kind = KINDS[i % 3]
        day = start + dt.timedelta(days=i * SPAN_DAYS // DISTINCT)
        ua, ru = rng.randint(1, 500), rng.randint(1, 500)
        swaps.append(
            {
                "type": "exchange",
                "event_id": f"swap-{i}",
                "source": "crash-test",
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
    for _ in range(REDELIVERED):
        # A re-delivery comes after its original.
        i = rng.randrange(DISTINCT)
        lines.insert(rng.randint(i + 1, len(lines)), orjson.dumps(swaps[i]))
    return lines, totals, dict(months)


def start_worker(w: Worker) -> Worker:
    return w.start(timeout=120)


def test_kill_9_mid_stream_loses_nothing_and_counts_nothing_twice(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    lines, expected, remains_months = make_events()
    assert len(lines) == 50_000
    path = tmp_path / "events.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    reference = replay([path], Config.from_env({}))
    assert not reference.rejected
    worker = Worker(
        bootstrap=kafka_bootstrap,
        prefix=unique("crash") + ".",
        app_id=unique("exwatch-crash"),
        port=free_port(),
        data_dir=tmp_path / "worker",
        extra_env={
            "EXWATCH_STORE": "rocksdb://",
            "EXWATCH_PROCESSING_GUARANTEE": "exactly_once",
            "EXWATCH_PARTITIONS": "1",
        },
    )
    try:
        start_worker(worker)
        topic = worker.topic("exchange.events")

        # A steady stream: 50 batches of 1,000, one every 0.4 s (2,500 events/s, faster than the
        # worker applies them, so the kill lands with messages in flight and a backlog).
        def stream() -> None:
            for n in range(0, len(lines), 1000):
                produce(worker.bootstrap, topic, [(b"RU-UA", v) for v in lines[n : n + 1000]])
                time.sleep(0.4)

        producer = threading.Thread(target=stream)
        producer.start()

        def applied() -> int:
            status, body = http_get(worker.url + "/totals")
            return sum(body[k]["UA"] for k in KINDS) if status == 200 else 0

        half = sum(t["UA"] for t in expected.values()) // 3
        wait_until(lambda: applied() > half, 240, "a third of the stream applied", every=1.0)
        assert worker.proc is not None
        os.kill(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait(10)
        producer.join()
        start_worker(worker)  # same app id, data dir (RocksDB) and port

        def totals_now() -> dict[str, Any] | None:
            status, body = http_get(worker.url + "/totals")
            if status != 200:
                return None
            return {k: {s: body[k][s] for s in ("UA", "RU")} for k in KINDS}

        settle_exact(worker, totals_now, expected, 400, topic)
        totals = http_get_json(worker.url + "/totals")
        assert totals["remains"]["unattributed"] == 0
        windows = http_get_json(worker.url + "/totals/windows?kind=remains&size=month")
        got_months = {w["start"]: w["UA"] for w in windows["windows"] if w["UA"]}
        assert got_months == remains_months
        summary = reference.summary
        assert http_get_json(worker.url + "/agreements") == summary["agreements"]
        # Every alert state change once, in order: none lost, none repeated.
        expected_alerts = [orjson.loads(a) for a in reference.alert_lines]
        records = consume(worker.bootstrap, worker.topic("alerts"), len(expected_alerts) + 1, 20)
        assert [orjson.loads(r.value) for r in records] == expected_alerts
    finally:
        worker.stop()
