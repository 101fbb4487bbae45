"""Throughput down the stack, and the time to rebuild the tables, in one run on one broker.

    python bench/bench_stack.py [--events 15000] [--rebuild-events 100000] [--port 9092]

The same events (swaps as in bench_ingest.py: two thirds distinct, one third re-deliveries
shuffled in after their originals) are produced to a fresh topic for each stage, before the
stage starts, on the same broker; one partition, RocksDB, each stage its own consumer group:

  (a) a raw aiokafka consumer that reads every message and orjson-decodes it (this process);
  (b) a bare Faust agent (bench/faust_bare.py: streams.app.make_app, the worker's own Faust
      settings, one agent that decodes and counts), exactly_once, then at_least_once;
  (c) the same agent with one RocksDB table write per message, under both guarantees;
  (d) the worker under exactly_once and (e) under at_least_once.

Each is timed two ways: from its start (the consumer's start, the process's launch) to the
last message handled, and from its first message to its last (the steady rate, without the
start-up). Faust agents report their first and last message times themselves; the worker is
watched from outside: its end is when `/totals` equals the exact sums, and its first message
is approximated by the first scrape of `/metrics` showing events applied (the rate is taken
from that scrape's count to the end). Ratios are to the bare agent (b) under exactly_once.

(f) Rebuild: a worker (exactly_once) applies `--rebuild-events` events (minutes at today's
~300 events/s; progress on stderr), is stopped cleanly, its data directory is deleted, and it
is started again. Timed from the new process's launch to `/healthz` 200 and to exact
`/totals` (the tables are complete: nothing new was produced); the recovery's own start and
end are read from Faust's info log. The changelog records are the sum of the end offsets of
the worker's changelog topics (transaction markers included), and the 1,000,000-event figure
is extrapolated linearly in them (they grow with the events).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orjson
from aiokafka import AIOKafkaConsumer

from bench.common import bench_worker, local_broker, produce_lines
from deploy.kafka import broker
from tests.support import (
    ROOT,
    Worker,
    changelog_partitions,
    changelog_records,
    swap_stream,
    totals_of,
    unique,
)

BARE = Path(__file__).resolve().parent / "faust_bare.py"
LIMIT_SECONDS = 1800.0
MILLION = 1_000_000


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class Timing:
    stage: str
    events: int
    total: float  # start to last message, s
    steady_events: int  # messages in the steady window
    steady: float | None  # first (or first seen) to last message, s

    @property
    def rate(self) -> float:
        return self.events / self.total

    @property
    def steady_rate(self) -> float | None:
        return self.steady_events / self.steady if self.steady else None


def make_events(n: int, seed: int) -> tuple[list[bytes], dict[str, dict[str, int]]]:
    distinct = n - n // 3
    lines, expected, _ = swap_stream(
        distinct, n - distinct, seed=seed, source="bench", id_prefix="bench"
    )
    return lines, expected


def worker_for(bootstrap: str, work: Path, name: str, guarantee: str, **env: str) -> Worker:
    return bench_worker(bootstrap, work / name, f"stack-{name}", guarantee, **env)


# (a) raw aiokafka


async def _raw(bootstrap: str, topic: str, n: int) -> Timing:
    started = time.time()
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=unique("stack-raw"),
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen, first = 0, 0.0
    try:
        while seen < n:
            if time.time() - started > LIMIT_SECONDS:
                raise SystemExit(f"raw aiokafka: {seen} of {n} messages in 30 minutes")
            batch = await consumer.getmany(timeout_ms=500, max_records=5000)
            for records in batch.values():
                if records and not seen:
                    first = time.time()
                for record in records:
                    orjson.loads(record.value)
                    seen += 1
        last = time.time()
    finally:
        await consumer.stop()
    return Timing(
        "(a) raw aiokafka consumer, orjson decode", n, last - started, n - 1, last - first
    )


def time_raw(bootstrap: str, lines: list[bytes]) -> Timing:
    topic = unique("stack-raw")
    produce_lines(bootstrap, topic, lines)
    return asyncio.run(_raw(bootstrap, topic, len(lines)))


# (b), (c) bare Faust agent


def time_bare(
    bootstrap: str, lines: list[bytes], guarantee: str, with_table: bool, work: Path
) -> Timing:
    name = f"bare-{'table' if with_table else 'none'}-{guarantee}"
    worker = worker_for(bootstrap, work, name, guarantee)
    topic = worker.topic("bench.bare")
    produce_lines(bootstrap, topic, lines)
    worker.data_dir.mkdir(parents=True, exist_ok=True)
    out = worker.data_dir / "result.json"
    command = [sys.executable, str(BARE), topic, str(len(lines)), str(out)]
    command += ["--table"] if with_table else []
    with open(worker.log_path, "ab") as log:
        started = time.time()
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=worker.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        while not out.exists():
            if proc.poll() is not None:
                raise SystemExit(f"{name} exited {proc.returncode}:\n{worker.log_tail()}")
            if time.time() - started > LIMIT_SECONDS:
                raise SystemExit(f"{name}: not all messages in 30 minutes")
            time.sleep(0.2)
        time.sleep(0.1)  # written in one call; let it land
        result = json.loads(out.read_text())
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    what = "1 table write/msg" if with_table else "no table writes"
    return Timing(
        f"({'c' if with_table else 'b'}) bare Faust agent, {what}, {guarantee}",
        len(lines),
        result["last"] - started,
        len(lines) - 1,
        result["last"] - result["first"],
    )


# (d), (e) the worker


def applied_count(worker: Worker) -> int:
    """Events the worker has applied (exchange_watch_exchange_events_total, all labels)."""
    with urllib.request.urlopen(worker.url + "/metrics", timeout=10) as resp:
        text = resp.read().decode()
    return int(
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("exchange_watch_exchange_events_total{")
        )
    )


def run_to_exact(
    worker: Worker, expected: dict[str, dict[str, int]], n: int, started: float, progress: bool
) -> tuple[float, tuple[float, int] | None]:
    """Poll until `/totals` is exact; the end time, and the first (time, count) seen applied."""
    first: tuple[float, int] | None = None
    shown = time.time()
    while True:
        now = time.time()
        if totals_of(worker) == expected:
            return now, first
        count = applied_count(worker)
        if first is None and count:
            first = (now, count)
        if progress and now - shown >= 15:
            shown = now
            rate = (count - first[1]) / (now - first[0]) if first and now > first[0] else 0
            left = f", about {(n - count) / rate:.0f} s left" if rate else ""
            say(f"  rebuild: {count:,} of {n:,} events applied ({rate:,.0f}/s{left})")
        if now - started > LIMIT_SECONDS * (1 if n < 200_000 else 4):
            raise SystemExit(f"{worker.app_id}: no exact totals in time\n{worker.log_tail()}")
        time.sleep(0.5)


def time_worker(
    bootstrap: str,
    lines: list[bytes],
    expected: dict[str, dict[str, int]],
    guarantee: str,
    work: Path,
) -> Timing:
    worker = worker_for(bootstrap, work, f"worker-{guarantee}", guarantee)
    produce_lines(bootstrap, worker.topic("exchange.events"), lines)
    started = time.time()
    worker.start(timeout=120)
    try:
        end, first = run_to_exact(worker, expected, len(lines), started, progress=False)
    finally:
        worker.stop()
    steady = (len(lines) - first[1], end - first[0]) if first else (0, None)
    letter = "d" if guarantee == "exactly_once" else "e"
    return Timing(f"({letter}) worker, {guarantee}", len(lines), end - started, *steady)


# (f) rebuild


async def _live_records(bootstrap: str, app_id: str) -> dict[str, int]:
    """The records a rebuild reads: each changelog read to its end (read_committed), by table."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, isolation_level="read_committed"
    )
    await consumer.start()
    try:
        table = await changelog_partitions(consumer, app_id)
        tps = list(table)
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        out = dict.fromkeys(table.values(), 0)
        left = {tp for tp in tps if ends[tp] > 0}
        while left:
            for tp, batch in (await consumer.getmany(timeout_ms=1000, max_records=50_000)).items():
                out[table[tp]] += len(batch)
            left = {tp for tp in left if await consumer.position(tp) < ends[tp]}
        return out
    finally:
        await consumer.stop()


def wait_compacted(bootstrap: str, app_id: str, limit: float) -> tuple[dict[str, int], float]:
    """Live records once the broker's cleaner has stopped removing any (polled every 15 s, at
    most `limit` s), and the seconds waited."""
    started = time.time()
    last = sum(asyncio.run(_live_records(bootstrap, app_id)).values())
    same = 0
    while time.time() - started < limit and same < 3:
        time.sleep(15)
        live = asyncio.run(_live_records(bootstrap, app_id))
        total = sum(live.values())
        say(f"rebuild: {total:,} changelog records left to read after compaction")
        same = same + 1 if total == last else 0
        last = total
    return asyncio.run(_live_records(bootstrap, app_id)), time.time() - started


LOG_TIME = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3})\]")
BEGIN, DONE = "Restoring state from changelog topics", "Done reading from changelog topics"


def log_times(path: Path, since: float, *needles: str) -> dict[str, float]:
    """Wall-clock times of the first log line after `since` containing each needle."""
    found: dict[str, float] = {}
    for line in path.read_text(errors="replace").splitlines():
        m = LOG_TIME.match(line)
        if not m:
            continue
        at = dt.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S,%f").timestamp()
        if at < since - 1:
            continue
        for needle in needles:
            if needle in line and needle not in found:
                found[needle] = at
    return found


def recovery_remaining(worker: Worker) -> int | None:
    """exchange_watch_table_recovery_remaining_messages while a recovery runs, else None."""
    try:
        with urllib.request.urlopen(worker.url + "/metrics", timeout=2) as resp:
            text = resp.read().decode()
    except OSError:
        return None
    values = {
        name: float(value)
        for name, _, value in (line.partition(" ") for line in text.splitlines())
        if name.startswith("exchange_watch_table_recovery_")
    }
    if not values.get("exchange_watch_table_recovery_in_progress"):
        return None
    return int(values.get("exchange_watch_table_recovery_remaining_messages", 0))


class RecoveryWatch(threading.Thread):
    """Samples the recovery's remaining changelog messages every 0.25 s: (wall time, left)."""

    def __init__(self, worker: Worker) -> None:
        super().__init__(daemon=True)
        self.worker = worker
        self.samples: list[tuple[float, int]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.25):
            left = recovery_remaining(self.worker)
            if left is not None:
                self.samples.append((time.time(), left))


@dataclass
class Rebuild:
    events: int
    build: float
    healthy: float
    exact: float
    records: dict[str, int]
    log: dict[str, float]  # Faust's recovery lines, s after the launch
    reading: tuple[float, float] | None  # remaining first seen > the tail, then <= it
    segment: float = 0.0  # EXWATCH_CHANGELOG_SEGMENT_SECONDS of the worker
    live: dict[str, int] | None = None  # records left to read once compacted
    waited: float = 0.0  # for the compaction


def time_rebuild(bootstrap: str, n: int, work: Path, segment: float) -> Rebuild:
    lines, expected = make_events(n, seed=11)
    worker = worker_for(
        bootstrap, work, "rebuild", "exactly_once", EXWATCH_CHANGELOG_SEGMENT_SECONDS=f"{segment:g}"
    )
    produce_lines(bootstrap, worker.topic("exchange.events"), lines)
    say(f"rebuild: the worker applies {n:,} events first; at ~300 events/s that takes minutes")
    started = time.time()
    worker.start(timeout=120)
    try:
        run_to_exact(worker, expected, n, started, progress=True)
    finally:
        worker.stop()
    build = time.time() - started
    assert worker.proc is not None
    if worker.proc.returncode != 0:
        raise SystemExit(f"rebuild: the worker did not stop cleanly\n{worker.log_tail()}")
    records = changelog_records(bootstrap, worker.app_id)
    say(f"rebuild: waiting for the broker to compact the changelogs ({segment:g} s segments)")
    live, waited = wait_compacted(bootstrap, worker.app_id, limit=max(120.0, 6 * segment))
    shutil.rmtree(worker.data_dir / "state")
    say(f"rebuild: tables built in {build:.0f} s; data directory deleted; starting again")
    # Faust's recovery messages are at info level.
    before = os.environ.get("EXWATCH_TEST_LOGLEVEL")
    os.environ["EXWATCH_TEST_LOGLEVEL"] = "info"
    watch = RecoveryWatch(worker)
    try:
        watch.start()
        started = time.time()
        worker.start(timeout=LIMIT_SECONDS)
        healthy = time.time() - started
        exact = run_to_exact(worker, expected, n, started, progress=False)[0] - started
    finally:
        watch.done.set()
        worker.stop()
        if before is None:
            os.environ.pop("EXWATCH_TEST_LOGLEVEL", None)
        else:
            os.environ["EXWATCH_TEST_LOGLEVEL"] = before
    found = log_times(worker.log_path, started, BEGIN, DONE)
    # Under exactly_once each changelog partition ends in a transaction marker that is never
    # delivered: the count stops at about one per partition until Faust gives up waiting.
    tail = len(records)
    reading = None
    busy = [t for t, left in watch.samples if left > tail]
    rest = [t for t, left in watch.samples if left <= tail and busy and t > busy[0]]
    if busy and rest:
        reading = (busy[0] - started, rest[0] - started)
    return Rebuild(
        n,
        build,
        healthy,
        exact,
        records,
        {k: v - started for k, v in found.items()},
        reading,
        segment,
        live,
        waited,
    )


# The report


def table(timings: list[Timing], base: Timing) -> str:
    rows = [
        f"{'stage':<52} {'start->last':>11} {'events/s':>9} {'x (b)':>6} "
        f"{'first->last':>11} {'events/s':>9} {'x (b)':>6}"
    ]
    for t in timings:
        steady = t.steady_rate
        base_steady = base.steady_rate
        rows.append(
            f"{t.stage:<52} {t.total:>10.1f}s {t.rate:>9,.0f} {t.rate / base.rate:>6.2f} "
            + (
                f"{t.steady or 0:>10.1f}s {steady:>9,.0f} "
                f"{steady / base_steady if base_steady else 0:>6.2f}"
                if steady
                else f"{'-':>11} {'-':>9} {'-':>6}"
            )
        )
    return "\n".join(rows)


def rebuild_report(r: Rebuild) -> str:
    written = sum(r.records.values())
    # what the recovery reads: the records left once compacted
    total = sum(r.live.values()) if r.live else written
    scale = MILLION / r.events
    by_size = sorted(r.records.items(), key=lambda kv: -kv[1])
    out = [
        f"(f) rebuild: tables of {r.events:,} events (exactly_once), built in {r.build:.0f} s "
        f"({r.events / r.build:,.0f} events/s from the start)",
        f"    changelog records written (sum of end offsets, transaction markers included): "
        f"{written:,}, {written / r.events:.2f} per event: "
        + ", ".join(f"{k} {v:,}" for k, v in by_size),
        f"    left to read after compaction ({r.segment:g} s segments, {r.waited:.0f} s after "
        f"the build): {sum((r.live or {}).values()):,}, "
        f"{sum((r.live or {}).values()) / r.events:.2f} per event: "
        + ", ".join(f"{k} {v:,}" for k, v in sorted((r.live or {}).items(), key=lambda kv: -kv[1])),
        f"    after deleting the data directory, from the new process's launch: /healthz 200 at "
        f"{r.healthy:.1f} s, exact /totals at {r.exact:.1f} s",
    ]
    begin = r.log.get(BEGIN, r.reading[0] if r.reading else None)
    if begin is not None and r.reading:
        reading = r.reading[1] - begin
        done = f", done at {r.log[DONE]:.1f} s (Faust's log)" if DONE in r.log else ""
        out.append(
            f"    recovery: began at {begin:.1f} s, all but the transaction markers read at "
            f"{r.reading[1]:.1f} s (/metrics; {reading:.1f} s, {total / reading:,.0f} "
            f"records/s){done}"
        )
        rest = r.exact - reading
        out.append(
            f"    1,000,000 events (~{total * scale:,.0f} changelog records): ~"
            f"{rest + reading * scale:.0f} s = the reading scaled linearly in the records "
            f"({reading:.1f} s x {scale:g}) + the rest as measured ({rest:.1f} s); "
            f"the whole time x {scale:g}: {r.exact * scale:.0f} s"
        )
    else:
        out.append(
            f"    1,000,000 events (~{total * scale:,.0f} changelog records): ~"
            f"{r.exact * scale:.0f} s, the whole time scaled linearly in the records (the "
            f"recovery's reading was not seen on /metrics)"
        )
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=15_000, help="events per stage")
    parser.add_argument(
        "--rebuild-events", type=int, default=100_000, help="events in the rebuilt tables (0: off)"
    )
    parser.add_argument(
        "--segment-seconds",
        type=float,
        default=30.0,
        help="EXWATCH_CHANGELOG_SEGMENT_SECONDS of the rebuild's worker (short: the bench waits)",
    )
    parser.add_argument("--only-rebuild", action="store_true", help="skip stages (a)-(e)")
    parser.add_argument("--port", type=int, default=broker.DEFAULT_PORT, help="local broker")
    parser.add_argument("--controller-port", type=int, default=broker.DEFAULT_CONTROLLER_PORT)
    args = parser.parse_args()
    # The first send to a fresh topic logs that it is not there yet; it is created on that send.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    lines, expected = make_events(args.events, seed=7)
    with local_broker(args.port, args.controller_port) as bootstrap:
        load = os.getloadavg()
        with tempfile.TemporaryDirectory(prefix="bench-stack-") as tmp:
            work = Path(tmp)
            timings = []
            if not args.only_rebuild:
                say("(a) raw aiokafka")
                timings.append(time_raw(bootstrap, lines))
                for with_table in (False, True):
                    for guarantee in ("exactly_once", "at_least_once"):
                        say(f"bare Faust agent, table={with_table}, {guarantee}")
                        timings.append(time_bare(bootstrap, lines, guarantee, with_table, work))
                for guarantee in ("exactly_once", "at_least_once"):
                    say(f"worker, {guarantee}")
                    timings.append(time_worker(bootstrap, lines, expected, guarantee, work))
            rebuild = (
                time_rebuild(bootstrap, args.rebuild_events, work, args.segment_seconds)
                if args.rebuild_events
                else None
            )
            print(
                f"bench_stack {dt.datetime.now():%Y-%m-%d %H:%M}: {len(lines):,} events per "
                f"stage ({len(lines) - len(lines) // 3:,} distinct swaps), one partition, RocksDB, "
                f"broker {bootstrap}; load average {load[0]:.2f} at the start, "
                f"{os.getloadavg()[0]:.2f} at the end, {os.cpu_count()} CPUs"
            )
            if timings:
                print(table(timings, timings[1]))
                print(
                    "start->last: from the consumer's start or the process's launch to the last "
                    "message (the worker: to exact /totals); first->last: from the first message "
                    "(the worker: the first /metrics scrape with events applied); x (b): ratio to "
                    "the bare agent under exactly_once"
                )
            if rebuild:
                print(rebuild_report(rebuild))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
