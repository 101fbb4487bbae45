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

from bench.common import bench_worker, local_broker, produce_lines
from tests.support import swap_stream, totals_of


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(bootstrap: str, guarantee: str, lines: list[bytes], expected: object) -> str:
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        worker = bench_worker(bootstrap, Path(tmp) / guarantee, "bench-cpu", guarantee)
        produce_lines(bootstrap, worker.topic("exchange.events"), lines)
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
    with local_broker() as bootstrap:
        for guarantee in ("exactly_once", "at_least_once"):
            print(measure(bootstrap, guarantee, lines, expected))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
