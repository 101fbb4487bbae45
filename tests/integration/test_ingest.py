"""Structured events on the real broker: CLI and kcat producers, totals, windows, dead letters."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.support import (
    Worker,
    changelog_records,
    consume,
    free_port,
    http_get,
    http_get_json,
    produce,
    swap_stream,
    totals_of,
    unique,
    wait_until,
)


def exchange(eid: str, occurred: str, kind: str, ua: int, ru: int) -> dict[str, Any]:
    return {
        "type": "exchange",
        "event_id": eid,
        "source": "test-scraper",
        "kind": kind,
        "occurred": occurred,
        "received": {"UA": ua, "RU": ru},
        "origin": "official",
    }


# Dates far apart, so that no two of them are one swap.
EVENTS = [
    exchange("e1", "2025-06-16", "remains", 6057, 78),
    exchange("e2", "2025-08-19", "remains", 1000, 19),
    exchange("e3", "2025-08-14", "pows", 84, 84),
    exchange("e4", "2025-10-02", "pows", 185, 185),
    exchange("e5", "2026-01-29", "civilians", 31, 0),
]
EXPECTED = {
    "remains": {"UA": 7057, "RU": 97},
    "pows": {"UA": 269, "RU": 269},
    "civilians": {"UA": 31, "RU": 0},
}


def sides(totals: dict[str, Any]) -> dict[str, dict[str, int]]:
    """Totals by kind for the two parties (an absent side reads 0)."""
    return {k: {s: totals.get(k, {}).get(s, 0) for s in ("UA", "RU")} for k in EXPECTED}


def wait_totals(worker: Worker, expected: dict[str, Any], timeout: float = 60) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        status, body = http_get(worker.url + "/totals")
        return body if status == 200 and sides(body) == expected else None

    try:
        return wait_until(check, timeout, "exact totals")
    except AssertionError:
        raise AssertionError(
            f"totals {http_get(worker.url + '/totals')} != {expected}\n{worker.log_tail()}"
        ) from None


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in rows))
    return path


def test_cli_produced_events_reach_totals_and_windows(make_worker: Any, tmp_path: Path) -> None:
    worker: Worker = make_worker()
    # Each event twice: a scraper's re-delivery (same source and id) must not count again.
    path = write_jsonl(tmp_path / "events.jsonl", EVENTS + EVENTS)
    done = worker.cli_produce(path, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "sent 10, rejected 0" in done.stderr
    wait_totals(worker, EXPECTED)
    windows = http_get_json(worker.url + "/totals/windows?kind=remains&size=day")
    text = orjson.dumps(windows).decode()
    assert "2025-06-16" in text and "2025-08-19" in text, windows
    status, body = http_get(worker.url + "/totals/windows?kind=remains&size=fortnight")
    assert status == 400 and "size" in body["error"]
    status, body = http_get(worker.url + "/totals?debug=1")
    assert status == 400 and "debug" in body["error"]


def test_cli_rejects_bad_lines_and_sends_the_good(make_worker: Any, tmp_path: Path) -> None:
    worker: Worker = make_worker()
    lines = [
        orjson.dumps(EVENTS[0]),
        b"{broken",
        orjson.dumps({**EVENTS[1], "received": {"UA": -3}}),
        orjson.dumps(EVENTS[2]),
    ]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    done = worker.cli_produce(path, timeout=120)
    assert done.returncode == 1
    assert "line 2: rejected (not_json)" in done.stderr
    assert "line 3: rejected (invalid)" in done.stderr and "received.UA" in done.stderr
    assert "sent 2, rejected 2" in done.stderr
    wait_totals(
        worker,
        {
            "remains": {"UA": 6057, "RU": 78},
            "pows": {"UA": 84, "RU": 84},
            "civilians": {"UA": 0, "RU": 0},
        },
    )


@pytest.mark.skipif(shutil.which("kcat") is None, reason="kcat is installed by `make install`")
def test_kcat_produced_events_reach_totals(make_worker: Any) -> None:
    worker: Worker = make_worker()
    # kcat is a client nobody here wrote: keyed by the dyad, with Java's murmur2 partitioner
    # as every producer of exchange.events must use (see README, Topics).
    payload = b"".join(b"RU-UA\t" + orjson.dumps(e) + b"\n" for e in EVENTS)
    done = subprocess.run(
        [
            "kcat",
            "-b",
            worker.bootstrap,
            "-t",
            worker.topic("exchange.events"),
            "-P",
            "-K",
            "\t",
            "-X",
            "partitioner=murmur2_random",
        ],
        input=payload,
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    wait_totals(worker, EXPECTED)


def test_bad_messages_go_to_deadletter_and_the_good_are_counted(make_worker: Any) -> None:
    worker: Worker = make_worker()
    bad: list[tuple[bytes, str]] = [
        (b"\xff\xfe\x00garbage", "not_utf8"),
        (b"{this is not json", "not_json"),
        (b'{"a": NaN}', "not_json"),
        (orjson.dumps({**EVENTS[0], "event_id": "x1", "received": {"UA": -1}}), "invalid"),
        (orjson.dumps({**EVENTS[0], "event_id": "x2", "kind": "tanks"}), "invalid"),
        (orjson.dumps({**EVENTS[0], "event_id": "x3", "occurred": "1990-01-01"}), "invalid"),
        (orjson.dumps({**EVENTS[0], "event_id": "x4", "received": {"XX": 5}}), "invalid"),
        (b"[" * 5000 + b"]" * 5000, "not_json"),
    ]
    messages: list[tuple[bytes | None, bytes]] = []
    for i, event in enumerate(EVENTS):  # interleave good and bad
        messages.append((b"RU-UA", orjson.dumps(event)))
        if i < len(bad):
            messages.append((b"RU-UA", bad[i][0]))
    messages += [(b"RU-UA", raw) for raw, _ in bad[len(EVENTS) :]]
    produce(worker.bootstrap, worker.topic("exchange.events"), messages)
    wait_totals(worker, EXPECTED)
    letters = consume(worker.bootstrap, worker.topic("deadletter"), len(bad), timeout=60)
    assert len(letters) == len(bad), worker.log_tail()
    decoded = [orjson.loads(r.value) for r in letters]
    by_bytes = {base64.b64decode(d["value"]): d for d in decoded}
    for raw, reason in bad:
        letter = by_bytes[raw]
        assert letter["reason"] == reason, letter
        assert letter["topic"] == worker.topic("exchange.events")
        assert letter["stage"] == "ingest"
        assert letter["offset"] >= 0 and letter["error"]
    # The worker kept going: healthy, and a later good event still counts.
    assert http_get(worker.url + "/healthz")[0] == 200
    produce(
        worker.bootstrap,
        worker.topic("exchange.events"),
        [(b"RU-UA", orjson.dumps(exchange("e6", "2026-02-26", "remains", 1000, 35)))],
    )
    wait_totals(worker, {**EXPECTED, "remains": {"UA": 8057, "RU": 132}})


def backlog_applied(
    kafka_bootstrap: str, tmp_path: Path, swaps: int, name: str, **env: str
) -> tuple[list[bytes], dict[str, dict[str, int]], Worker]:
    """`swaps` distinct swaps produced to a new worker's topic before it starts (one
    partition); the worker is started, left to apply them all (exact totals), and stopped."""
    lines, expected, _ = swap_stream(swaps, 0, seed=swaps, source=name, id_prefix=name)
    worker = Worker(
        bootstrap=kafka_bootstrap,
        prefix=unique(name) + ".",
        app_id=unique(f"exwatch-{name}"),
        port=free_port(),
        data_dir=tmp_path / "worker",
        extra_env={"EXWATCH_PARTITIONS": "1", **env},
    )
    produce(kafka_bootstrap, worker.topic("exchange.events"), [(b"RU-UA", v) for v in lines])
    worker.start()
    try:
        wait_until(lambda: totals_of(worker) == expected or None, 120, "exact totals")
    finally:
        worker.stop()
    return lines, expected, worker


@pytest.mark.parametrize("batch", [1000, 1])
def test_a_backlog_writes_each_changed_key_once_per_batch(
    kafka_bootstrap: str, tmp_path: Path, batch: int
) -> None:
    """A worker started on a backlog holds its table writes across events (agents/stream/
    held.py): the totals and its position, changed by every event, are written once per
    batch, not once per event; with EXWATCH_BATCH_EVENTS=1, once per event. Either way the
    totals are exact."""
    lines, _, worker = backlog_applied(
        kafka_bootstrap, tmp_path, 600, "held", EXWATCH_BATCH_EVENTS=str(batch)
    )
    records = changelog_records(kafka_bootstrap, worker.app_id)
    per_event = len(lines)
    if batch == 1:
        assert records["totals"] >= per_event and records["positions"] >= per_event, records
    else:
        # (commit markers count too: one per transaction and changelog)
        assert records["totals"] < per_event / 5 and records["positions"] < per_event / 5, records


def test_healthz_says_recovering_while_the_tables_are_rebuilt(
    kafka_bootstrap: str, tmp_path: Path
) -> None:
    """After its data directory is deleted, a worker rebuilds its tables from their changelogs;
    /healthz answers 503 "recovering" meanwhile, then 200 with the totals whole."""
    _, expected, worker = backlog_applied(
        kafka_bootstrap, tmp_path, 3000, "rebuild", EXWATCH_STORE="rocksdb://"
    )
    shutil.rmtree(tmp_path / "worker" / "state")
    worker.start(timeout=180)
    try:
        assert "recovering" in worker.health_seen, worker.health_seen
        assert worker.health_seen[-1] == "ok"
        assert totals_of(worker) == expected
    finally:
        worker.stop()
