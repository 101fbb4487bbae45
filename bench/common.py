"""What the worker benchmarks share: the local broker, a worker as the bench runs it, and
events produced before it starts. Imported after the script puts the repository on sys.path."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from deploy.kafka import broker
from tests.support import Worker, free_port, produce, unique


@contextlib.contextmanager
def local_broker(
    port: int = broker.DEFAULT_PORT, controller_port: int = broker.DEFAULT_CONTROLLER_PORT
) -> Iterator[str]:
    """The bootstrap of a reachable local broker, started if none was; stopped after only if
    this started it."""
    bootstrap, started = broker.ensure(port, controller_port)
    try:
        yield bootstrap
    finally:
        if started is not None:
            broker.stop(started)


def bench_worker(bootstrap: str, data_dir: Path, name: str, guarantee: str, **env: str) -> Worker:
    """A worker on fresh topics and group, RocksDB, one partition, under `guarantee`; `env`
    adds EXWATCH_* variables."""
    return Worker(
        bootstrap=bootstrap,
        prefix=unique(name) + ".",
        app_id=unique(f"exwatch-{name}"),
        port=free_port(),
        data_dir=data_dir,
        extra_env={
            "EXWATCH_STORE": "rocksdb://",
            "EXWATCH_PROCESSING_GUARANTEE": guarantee,
            "EXWATCH_PARTITIONS": "1",
            **env,
        },
    )


def produce_lines(bootstrap: str, topic: str, lines: list[bytes]) -> None:
    """Every line to `topic` under the dyad's key, in batches of 5,000."""
    for n in range(0, len(lines), 5000):
        produce(bootstrap, topic, [(b"RU-UA", v) for v in lines[n : n + 5000]])
