"""Session fixtures: one real Kafka broker for every integration test of the run."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import Worker, broker_module, free_port, unique


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "integration" in item.nodeid.split("/"):
            item.add_marker(pytest.mark.kafka)


@pytest.fixture(scope="session")
def kafka_bootstrap(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """EXWATCH_BROKER when it answers (make test starts it), else a broker of our own."""
    broker = broker_module()
    named = os.environ.get("EXWATCH_BROKER")
    if named:
        bootstrap = broker.parse_bootstrap(named)
        if broker.is_reachable(bootstrap, timeout=10):
            yield bootstrap
            return
    started = broker.start(
        port=free_port(),
        controller_port=free_port(),
        data_dir=tmp_path_factory.mktemp("kafka"),
    )
    try:
        yield started.bootstrap
    finally:
        broker.stop(started)


@pytest.fixture
def make_worker(kafka_bootstrap: str, tmp_path: Path) -> Iterator[Worker.__class__]:
    """Start workers with their own topic prefix, group id and port; stopped after the test."""
    started: list[Worker] = []

    def factory(prefix: str | None = None, **env: str) -> Worker:
        w = Worker(
            bootstrap=kafka_bootstrap,
            prefix=prefix or unique("t") + ".",
            app_id=unique("exwatch-test"),
            port=free_port(),
            data_dir=tmp_path / f"worker{len(started)}",
            extra_env=env,
        )
        started.append(w)
        return w.start()

    yield factory  # type: ignore[misc]
    for w in started:
        w.stop()
