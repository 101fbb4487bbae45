"""The worker's CPU time per event, which a shared machine disturbs less than its wall time.

    python bench/bench_worker_cpu.py [--events 4000]

The bench's events (distinct swaps plus half as many re-deliveries) are produced to a fresh
topic; a worker (RocksDB, one partition) then applies them, once per processing guarantee.
Printed: the CPU seconds (user + system, from /proc) its process spent from the moment it
answered /healthz until the totals were exact, per event, and the wall time beside it.
Compare two commits by running this script from each one's tree, one after the other.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deploy.kafka import broker
from tests.support import Worker, free_port, produce, swap_stream, totals_of, unique


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(bootstrap: str, guarantee: str, lines: list[bytes], expected: object) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        worker = Worker(
            bootstrap=bootstrap,
            prefix=unique("bench-cpu") + ".",
            app_id=unique("bench-cpu"),
            port=free_port(),
            data_dir=Path(tmp) / guarantee,
            extra_env={
                "EXWATCH_STORE": "rocksdb://",
                "EXWATCH_PROCESSING_GUARANTEE": guarantee,
                "EXWATCH_PARTITIONS": "1",
            },
        )
        topic = worker.topic("exchange.events")
        for n in range(0, len(lines), 5000):
            produce(bootstrap, topic, [(b"RU-UA", v) for v in lines[n : n + 5000]])
        worker.start(timeout=120)
        try:
            assert worker.proc is not None
            cpu, wall = cpu_seconds(worker.proc.pid), time.perf_counter()
            while totals_of(worker) != expected:
                time.sleep(0.3)
            cpu, wall = cpu_seconds(worker.proc.pid) - cpu, time.perf_counter() - wall
        finally:
            worker.stop()
    return (
        f"worker, {guarantee}: {cpu * 1000 / len(lines):.2f} ms CPU per event "
        f"({cpu:.1f} s for {len(lines):,} events; wall {wall:.1f} s)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000, help="distinct swaps")
    args = parser.parse_args()
    lines, expected, _ = swap_stream(
        args.events, args.events // 2, seed=7, source="bench", id_prefix="bench"
    )
    bootstrap, started = broker.ensure()
    try:
        for guarantee in ("exactly_once", "at_least_once"):
            print(measure(bootstrap, guarantee, lines, expected))
    finally:
        if started is not None:
            broker.stop(started)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
