"""Throughput of the ingest worker on the real broker, against the engine alone in the same run.

    python bench/bench_ingest.py [--events 10000]

The events: distinct swaps (one official source, never one swap) plus as many re-deliveries
again as half their number, shuffled in after their originals, as in the crash test. They are
all produced to a fresh topic before the worker starts, so the time measured is the worker's
own: from its start until `/totals` equals the exact sums. One run per processing guarantee,
RocksDB store, one partition.

The baseline, in the same run on the same events: `replay` of the same lines (decoding and
the same engine on plain dicts, one process). The ratio says what the worker's Kafka, table
and transaction work costs on top of the engine.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agents.core.config import Config
from agents.core.replay import run as replay
from bench.common import bench_worker, local_broker, produce_lines
from tests.support import swap_stream, totals_of


def time_replay(lines: list[bytes], work: Path) -> float:
    path = work / "events.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    started = time.perf_counter()
    result = replay([path], Config.load())
    elapsed = time.perf_counter() - started
    assert not result.rejected
    return elapsed


def time_worker(
    bootstrap: str,
    lines: list[bytes],
    expected: dict[str, dict[str, int]],
    guarantee: str,
    work: Path,
) -> float:
    worker = bench_worker(bootstrap, work / guarantee, "bench", guarantee)
    produce_lines(bootstrap, worker.topic("exchange.events"), lines)
    started = time.perf_counter()
    worker.start(timeout=120)
    try:
        while True:
            if totals_of(worker) == expected:
                return time.perf_counter() - started
            if time.perf_counter() - started > 1800:
                raise SystemExit(f"{guarantee}: no exact totals in 30 minutes")
            time.sleep(0.5)
    finally:
        worker.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000, help="distinct swaps")
    args = parser.parse_args()
    # The first send to a fresh topic logs that it is not there yet; it is created on that send.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    lines, expected, _ = swap_stream(
        args.events, args.events // 2, seed=7, source="bench", id_prefix="bench"
    )
    with local_broker() as bootstrap, tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        work = Path(tmp)
        base = time_replay(lines, work)
        print(f"{len(lines):,} events ({args.events:,} distinct swaps)")
        print(f"replay (engine alone): {len(lines) / base:,.0f} events/s")
        for guarantee in ("exactly_once", "at_least_once"):
            took = time_worker(bootstrap, lines, expected, guarantee, work)
            print(
                f"worker, {guarantee}: {len(lines) / took:,.0f} events/s "
                f"({took:.1f} s from start to exact totals; {took / base:.1f}x replay's time)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
