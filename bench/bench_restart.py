"""Restart after kill -9: how long until the worker serves and applies events again.

    python bench/bench_restart.py [--sessions 60,10]

A worker (exactly_once, RocksDB, one partition) applies 150 swaps, is killed with SIGKILL and
started again on the same directory; 150 more swaps are then produced. Printed for each
`EXWATCH_SESSION_TIMEOUT_SECONDS`: seconds from the restart to `/healthz` 200 and to the
totals moving past what they were before the kill, and each as a ratio to the first session
setting's, run one after the other on the same broker. The restart includes the group waiting
for the killed member's session, and the tables rebuilt from their changelogs (an unclean
stop drops the local store).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_worker, local_broker
from tests.support import produce, swap_stream, totals_of, wait_until


def restart(bootstrap: str, session: str, work: Path, static: bool) -> tuple[float, float]:
    lines, _, _ = swap_stream(300, 0, seed=3, source="bench-restart")
    # EXWATCH_GROUP_INSTANCE_ID: static membership, the same id before and after the kill
    extra = {"EXWATCH_GROUP_INSTANCE_ID": "bench-worker-1"} if static else {}
    worker = bench_worker(
        bootstrap,
        work / f"session-{session}-{'static' if static else 'dynamic'}",
        "bench-restart",
        "exactly_once",
        EXWATCH_SESSION_TIMEOUT_SECONDS=session,
        **extra,
    )

    def applied() -> int:
        got = totals_of(worker)
        return sum(t["UA"] for t in got.values()) if got else 0

    try:
        worker.start(timeout=120)
        topic = worker.topic("exchange.events")
        produce(worker.bootstrap, topic, [(b"RU-UA", v) for v in lines[:150]])
        wait_until(lambda: applied() > 0, 60, "first swaps applied")
        time.sleep(3)  # let the worker commit what it applied
        before = applied()
        assert worker.proc is not None
        os.kill(worker.proc.pid, signal.SIGKILL)
        worker.proc.wait(10)
        started = time.monotonic()
        worker.start(timeout=180)
        serving = time.monotonic() - started
        produce(worker.bootstrap, topic, [(b"RU-UA", v) for v in lines[150:]])
        wait_until(lambda: applied() > before, 120, "progress after the restart", every=0.2)
        return serving, time.monotonic() - started
    except AssertionError:
        print(worker.log_tail(400), file=sys.stderr)
        raise
    finally:
        worker.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", default="60,10", help="session timeouts to compare, s")
    parser.add_argument(
        "--static", action="store_true", help="also each with EXWATCH_GROUP_INSTANCE_ID set"
    )
    args = parser.parse_args()
    sessions = [s.strip() for s in args.sessions.split(",") if s.strip()]
    runs = [(s, False) for s in sessions] + ([(s, True) for s in sessions] if args.static else [])
    with local_broker() as bootstrap, tempfile.TemporaryDirectory(prefix="bench-restart-") as tmp:
        first: tuple[float, float] | None = None
        for session, static in runs:
            serving, applying = restart(bootstrap, session, Path(tmp), static)
            first = first or (serving, applying)
            member = "static membership" if static else "dynamic membership"
            print(
                f"restart after kill -9, session timeout {session} s, {member}: /healthz 200 "
                f"after {serving:.1f} s ({serving / first[0]:.2f}x), applying again after "
                f"{applying:.1f} s ({applying / first[1]:.2f}x)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
