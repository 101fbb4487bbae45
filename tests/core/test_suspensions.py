from __future__ import annotations

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.stores import Stores
from tests.core.helpers import exchange, resumption, suspension


def engine() -> Engine:
    return Engine(Stores.in_memory(json_roundtrip=True), Config())


def test_reports_of_one_suspension_merge_and_refine_since() -> None:
    e = engine()
    e.apply(suspension("s1", "pows", "2025-10", "2025-11-20", reason="Lists disputed", by="UA"))
    e.apply(suspension("s2", "pows", "2025-10-17", "2025-12-01"))  # more precise: refines
    e.apply(suspension("s3", "pows", "2025-11", "2025-12-05"))  # later start: same suspension
    e.apply(suspension("s4", "pows", "2025-09", "2025-12-06"))  # earlier, nothing in between
    (active,) = e.suspensions()["active"]
    assert active["since"] == "2025-09"
    assert active["event_ids"] == ["s1", "s2", "s3", "s4"]
    assert active["reason"] == "Lists disputed" and active["by"] == "UA"
    assert active["agreement"] == "istanbul-2025-07"
    assert (
        active["duration_days"] == (e._clock_day() - __import__("datetime").date(2025, 9, 1)).days
    )


def test_an_exchange_must_be_after_the_since_period() -> None:
    e = engine()
    e.apply(suspension("s1", "pows", "2025-10", "2025-10-20"))
    e.apply(exchange("x1", "2025-10-25", "pows", ua=10, ru=10))  # inside October: not after
    assert len(e.suspensions()["active"]) == 1
    outcome = e.apply(exchange("x2", "2025-11-01", "pows", ua=10, ru=10))
    assert outcome.suspension_key is not None
    (ended,) = e.suspensions()["ended"]
    assert ended["ended"] == "2025-11-01" and ended["duration_days"] == 31
    # An exchange of another kind ends nothing.
    e.apply(suspension("s2", "remains", "2025-11-03", "2025-11-05"))
    e.apply(exchange("x3", "2025-11-10", "pows", ua=1, ru=1))
    assert [s["kind"] for s in e.suspensions()["active"]] == ["remains"]
    e.apply(exchange("x4", "2025-11-04", "remains", ua=100, reported="2025-11-11"))
    assert e.suspensions()["active"] == []


def test_a_suspension_reported_after_its_end_is_recorded_as_ended() -> None:
    e = engine()
    e.apply(exchange("x1", "2026-02-05", "pows", ua=157, ru=157))
    e.apply(suspension("s1", "pows", "2025-10", "2026-02-10"))  # a stale report
    (ended,) = e.suspensions()["ended"]
    assert ended["ended"] == "2026-02-05" and ended["ended_by"]["event_id"] == "x1"
    assert e.alerts() == [] or all(
        a["labels"]["alertname"] not in ("SuspensionReported", "SuspensionProlonged")
        for a in e.alerts()
    )
    r = engine()
    r.apply(resumption("r1", "remains", "2026-01-15", "2026-01-16"))
    r.apply(suspension("s1", "remains", "2025-12", "2026-01-20"))
    (ended,) = r.suspensions()["ended"]
    assert ended["ended_by"] == {"type": "resumption", "event_id": "r1"}


def test_a_resumption_before_since_ends_nothing() -> None:
    e = engine()
    e.apply(suspension("s1", "pows", "2025-10", "2025-11-20"))
    assert e.apply(resumption("r1", "pows", "2025-09-30", "2025-11-21")).suspension_key is None
    assert len(e.suspensions()["active"]) == 1
    assert e.apply(resumption("r2", "pows", "2025-10", "2025-11-22")).suspension_key is not None


def test_a_new_suspension_after_an_ended_one() -> None:
    e = engine()
    e.apply(suspension("s1", "pows", "2025-10", "2025-11-20"))
    e.apply(resumption("r1", "pows", "2025-12-01"))
    e.apply(suspension("s2", "pows", "2026-01", "2026-01-20"))
    views = e.suspensions()
    assert [s["since"] for s in views["active"]] == ["2026-01"]
    assert [s["since"] for s in views["ended"]] == ["2025-10"]


def test_a_suspension_announced_ahead_fires_from_its_start() -> None:
    from tests.core.helpers import clock_at

    e = engine()
    e.apply(exchange("x0", "2026-02-20", "remains", ua=1, reported="2026-02-20"))
    assert e.apply(suspension("s1", "remains", "2026-03", "2026-02-25")).alerts == []
    fired = e.apply(clock_at("c1", "2026-03-02")).alerts
    assert [a.labels.alertname for a in fired] == ["SuspensionReported"]
