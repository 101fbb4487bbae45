"""The worker through a broker restart, and two workers through a join and a leave."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from schemas.common import KINDS
from tests.support import (
    Worker,
    broker_module,
    free_port,
    http_get,
    produce,
    settle_exact,
    totals_of,
    unique,
    wait_until,
)


def swaps(n: int, first_day: int = 0) -> tuple[list[bytes], dict[str, dict[str, int]]]:
    """n distinct swaps, three days apart per kind; their exact totals."""
    import datetime as dt

    lines = []
    totals = {k: {"UA": 0, "RU": 0} for k in KINDS}
    start = dt.date(2016, 1, 1)
    for i in range(first_day, first_day + n):
        kind = KINDS[i % 3]
        ua, ru = 1 + i % 97, 1 + i % 89
        lines.append(
            orjson.dumps(
                {
                    "type": "exchange",
                    "event_id": f"c-{i}",
                    "source": "cluster-test",
                    "kind": kind,
                    "occurred": (start + dt.timedelta(days=3 * (i // 3))).isoformat(),
                    "received": {"UA": ua, "RU": ru},
                    "origin": "official",
                }
            )
        )
        totals[kind]["UA"] += ua
        totals[kind]["RU"] += ru
    return lines, totals


def owns_tables(worker: Worker) -> bool:
    """Whether the worker says it owns the dyad's partition (and so its tables)."""
    import urllib.request

    with urllib.request.urlopen(worker.url + "/metrics", timeout=10) as resp:
        text = resp.read().decode()
    return "exchange_watch_tables_owner 1.0" in text.splitlines()


def wait_exact(worker: Worker, expected: dict[str, Any], timeout: float) -> None:
    settle_exact(
        worker, lambda: totals_of(worker), expected, timeout, worker.topic("exchange.events")
    )


def test_broker_restart_mid_stream(tmp_path: Path) -> None:
    broker = broker_module()
    port, ctrl = free_port(), free_port()
    data = tmp_path / "kafka"
    b = broker.start(port=port, controller_port=ctrl, data_dir=data)
    worker = Worker(
        bootstrap=b.bootstrap,
        prefix=unique("restart") + ".",
        app_id=unique("exwatch-restart"),
        port=free_port(),
        data_dir=tmp_path / "worker",
        extra_env={"EXWATCH_PARTITIONS": "1"},
    )
    try:
        worker.start()
        lines, expected = swaps(1500)
        topic = worker.topic("exchange.events")
        produce(b.bootstrap, topic, [(b"RU-UA", v) for v in lines[:700]])
        wait_until(lambda: (totals_of(worker) or {}).get("remains", {}).get("UA"), 60, "progress")
        broker.stop(b)
        time.sleep(8)  # the worker is without a broker for a while
        b = broker.start(port=port, controller_port=ctrl, data_dir=data)
        produce(b.bootstrap, topic, [(b"RU-UA", v) for v in lines[700:]])
        wait_exact(worker, expected, 180)
        assert worker.proc is not None and worker.proc.poll() is None
        assert http_get(worker.url + "/healthz")[0] == 200
    finally:
        worker.stop()
        broker.stop(b)


def pair(kafka_bootstrap: str, tmp_path: Path, **env: str) -> tuple[Worker, Worker]:
    prefix, app_id = unique("scale") + ".", unique("exwatch-scale")

    def worker(n: int) -> Worker:
        return Worker(
            bootstrap=kafka_bootstrap,
            prefix=prefix,
            app_id=app_id,
            port=free_port(),
            data_dir=tmp_path / f"worker{n}",
            extra_env={"EXWATCH_PARTITIONS": "4", **env},
        )

    return worker(1), worker(2)


@pytest.mark.parametrize("guarantee", ["exactly_once", "at_least_once"])
def test_second_worker_joins_then_one_leaves(
    kafka_bootstrap: str, tmp_path: Path, guarantee: str
) -> None:
    # Each handover commits first (streams/faust_fixes.py); the worker taking partitions
    # over reads their changelogs to the end before it goes on, and the agents' own positions
    # (agents/stream/positions.py) handle every message once even where Faust's consumer skips or
    # repeats some around the rebalance.
    a, b = pair(kafka_bootstrap, tmp_path, EXWATCH_PROCESSING_GUARANTEE=guarantee)

    lines, expected = swaps(3000)
    topic = a.topic("exchange.events")
    try:
        a.start()

        def stream() -> None:
            for n in range(0, len(lines), 100):
                produce(kafka_bootstrap, topic, [(b"RU-UA", v) for v in lines[n : n + 100]])
                time.sleep(0.1)

        producer = threading.Thread(target=stream)
        producer.start()
        time.sleep(2)
        b.start()  # joins mid-stream: a rebalance
        producer.join()
        wait_exact(a, expected, 240)
        # Either worker answers every view the same (requests are routed to the owner).
        for path in (
            "/totals",
            "/totals/windows?kind=pows&size=month",
            "/agreements",
            "/suspensions",
            "/alerts",
        ):
            sa, body_a = http_get(a.url + path, timeout=10)
            sb, body_b = http_get(b.url + path, timeout=10)
            assert (sa, body_a) == (sb, body_b), path
        # The owner of the dyad's tables leaves, mid-stream again: the other takes them over
        # from the changelog.
        wait_until(lambda: owns_tables(a) != owns_tables(b), 30, "one owner of the tables")
        owner, other = (a, b) if owns_tables(a) else (b, a)
        more, more_totals = swaps(600, first_day=3000)
        final = {k: {s: expected[k][s] + more_totals[k][s] for s in ("UA", "RU")} for k in KINDS}
        produce(kafka_bootstrap, topic, [(b"RU-UA", v) for v in more[:300]])
        owner.stop()
        produce(kafka_bootstrap, topic, [(b"RU-UA", v) for v in more[300:]])
        wait_exact(other, final, 240)
        wait_until(lambda: owns_tables(other), 30, "the other worker owning the tables")
        status, health = http_get(other.url + "/healthz", timeout=10)
        assert status == 200, health
    finally:
        a.stop()
        b.stop()
