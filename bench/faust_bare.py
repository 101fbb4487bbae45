"""A bare Faust agent, for bench/bench_stack.py: the worker's Faust app without the worker.

    EXWATCH_... python bench/faust_bare.py TOPIC EXPECT OUT [--table]

The app is `streams.app.make_app` on the same `EXWATCH_*` settings as the worker (so the same
store, processing guarantee, partitions, serializers, session timeout, Prometheus sensors and
faust_fixes), with one agent on TOPIC that orjson-decodes each message and counts it, and one
RocksDB table, declared in both cases (see `build`). With `--table` the agent writes the
event's `received` into the table under its `event_id`, inside `atomic_message` as the
worker's agents write theirs. When EXPECT messages have come, it writes
`{"first": t, "last": t, "count": n}` (wall-clock times of the first and of the last message,
as the agent saw them) to OUT, and goes on until it is stopped.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import faust
import orjson

from streams.app import make_app
from streams.faust_fixes import atomic_message
from streams.settings import Settings


def build(topic_name: str, expect: int, out: Path, with_table: bool) -> faust.App:
    settings = Settings.from_env()
    app = make_app(settings)
    topic = app.topic(
        topic_name,
        key_type=bytes,
        value_type=bytes,
        key_serializer="raw",
        value_serializer="raw",
        partitions=settings.partitions,
    )
    # Declared even when not written: without a changelog table (and with no standby
    # replicas) Faust 0.15.3 falls back to the round-robin assignor, and under exactly_once
    # its first rebalance crashes (KeyError for the leader topic in `group_for_topic`).
    table: Any = app.Table(
        "bench",
        schema=faust.Schema(key_type=str, key_serializer="raw", value_serializer="json"),
        partitions=settings.partitions,
    )
    seen = {"count": 0, "first": 0.0}

    @app.agent(topic, name="bare")
    async def bare(stream: faust.StreamT) -> None:
        async for event in stream.events():
            if not seen["count"]:
                seen["first"] = time.time()
            value = orjson.loads(event.message.value or b"")
            if with_table:
                async with atomic_message(event.message):
                    table[value["event_id"]] = value["received"]
            seen["count"] += 1
            if seen["count"] == expect:
                result = {"first": seen["first"], "last": time.time(), "count": seen["count"]}
                out.write_text(json.dumps(result))

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topic")
    parser.add_argument("expect", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--table", action="store_true", help="one table write per message")
    parser.add_argument("--loglevel", default="warning")
    args = parser.parse_args()
    app = build(args.topic, args.expect, args.out, args.table)
    runner = faust.Worker(app, loglevel=args.loglevel)
    runner.spinner = None  # as streams/cli.py: the spinner's DEBUG handler slows everything
    runner.execute_from_commandline()


if __name__ == "__main__":
    main()
