"""The whole pipeline on the real broker: the reader's agent on the seed article, and the worker
agreeing with offline replay on every alert."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from agents.core.config import Config
from agents.core.replay import run as replay
from tests.support import (
    CORPUS,
    ROOT,
    Worker,
    alert_messages,
    consume,
    http_get_json,
    produce,
)

SEED = CORPUS / "seed-news.jsonl"
needs_corpus = pytest.mark.skipif(
    not SEED.exists(), reason="../shared/corpus is not beside the repo"
)


def facts_of(classified: dict[str, Any], type_: str) -> list[dict[str, Any]]:
    return [f for f in classified["facts"] if f["type"] == type_]


@needs_corpus
def test_seed_article_through_the_classify_agent(make_worker: Any) -> None:
    worker: Worker = make_worker(EXWATCH_PARTITIONS="1")
    line = SEED.read_bytes().splitlines()[0]
    item = orjson.loads(line)
    produce(worker.bootstrap, worker.topic("news.items"), [(item["id"].encode(), line)])
    records = consume(worker.bootstrap, worker.topic("news.classified"), 1, timeout=60)
    assert len(records) == 1, worker.log_tail()
    assert records[0].key == item["id"].encode()
    out = orjson.loads(records[0].value)
    assert out["item_id"] == item["id"]
    assert out["primary"] == "remains_exchange"
    assert {"negotiation", "attack", "infrastructure"} <= set(out["labels"])
    exchanges = {
        (f["received_by"], f["count"], f["historical"], f.get("occurred"))
        for f in facts_of(out, "exchange")
    }
    assert ("UA", 1000, False) in {e[:3] for e in exchanges}
    assert ("RU", 38, False) in {e[:3] for e in exchanges}
    assert ("UA", 1000, True, "2023-11") in exchanges
    assert ("RU", 30, True, "2023-11") in exchanges
    assert {(f["kind"], f["since"]) for f in facts_of(out, "suspension")} == {("pows", "2025-10")}
    [commitment] = facts_of(out, "commitment")
    assert commitment["count"] == 12000 and commitment["approximate"]
    assert commitment["agreement"] == "istanbul-2025-06"
    assert set(commitment["categories"]) == {"severely_injured", "ill", "under_25"}
    # Every fact points at the sentence it came from.
    for fact in out["facts"]:
        ev = fact["evidence"]
        text = item["body"] if ev["field"] == "body" else item["title"]
        assert text[ev["start"] : ev["end"]] == ev["text"]
    # The facts went on to exchange.events, keyed by the dyad.
    events = consume(worker.bootstrap, worker.topic("exchange.events"), 3, timeout=30)
    assert events and all(r.key == b"RU-UA" for r in events)
    types = {orjson.loads(r.value)["type"] for r in events}
    assert {"exchange", "suspension", "commitment"} <= types


def alerts_on_topic(worker: Worker, expect: int, timeout: float = 60) -> list[dict[str, Any]]:
    records = consume(worker.bootstrap, worker.topic("alerts"), expect, timeout=timeout)
    return alert_messages(worker, [r.value for r in records])


def check_same_alerts(worker: Worker, path: Path, topic: str, key: bytes | None) -> int:
    expected = [orjson.loads(line) for line in replay([path], Config.load()).alert_lines]
    assert expected, "the scenario must raise alerts"
    lines = [line for line in path.read_bytes().splitlines() if line.strip()]
    produce(
        worker.bootstrap,
        worker.topic(topic),
        [(key or orjson.loads(line)["id"].encode(), line) for line in lines],
    )
    got = alerts_on_topic(worker, len(expected))
    assert got == expected, worker.log_tail()
    # Nothing more arrives: one message per state change.
    assert len(alerts_on_topic(worker, len(expected) + 1, timeout=5)) == len(expected)
    return len(expected)


def test_worker_and_replay_agree_on_events(make_worker: Any, tmp_path: Path) -> None:
    worker: Worker = make_worker(EXWATCH_PARTITIONS="1")
    sample = ROOT / "deploy/sample/events.jsonl"
    n = check_same_alerts(worker, sample, "exchange.events", b"RU-UA")
    assert n >= 2
    # The alerts command: every state change with --all, the firing ones without it.
    cli = [sys.executable, "-m", "streams.cli", "alerts", "--json"]
    every = subprocess.run(
        [*cli, "--all"], cwd=ROOT, env=worker.env(), capture_output=True, timeout=60, check=True
    )
    assert len(every.stdout.splitlines()) == n
    firing = subprocess.run(
        cli, cwd=ROOT, env=worker.env(), capture_output=True, timeout=60, check=True
    )
    expected = replay([sample], Config.load()).summary["alerts"]
    got = [orjson.loads(line) for line in firing.stdout.splitlines()]
    assert sorted(a["fingerprint"] for a in got) == sorted(a["fingerprint"] for a in expected)
    assert all(a["status"] == "firing" for a in got)
    # And the worker's own view of the active alerts agrees.
    view = http_get_json(worker.url + "/alerts")
    assert sorted(a["fingerprint"] for a in view) == sorted(a["fingerprint"] for a in expected)


@needs_corpus
def test_worker_and_replay_agree_on_news(make_worker: Any, tmp_path: Path) -> None:
    worker: Worker = make_worker(EXWATCH_PARTITIONS="1")
    # The seed article, then the sample news: classified in order on one partition.
    path = tmp_path / "news.jsonl"
    path.write_bytes(SEED.read_bytes() + (ROOT / "deploy/sample/news.jsonl").read_bytes())
    check_same_alerts(worker, path, "news.items", None)
