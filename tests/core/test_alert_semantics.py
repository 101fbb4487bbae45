"""Alerts as Alertmanager and its users expect them: one alert per severity, current text while
firing, no flap at the threshold, the JSON shape, evidence where the data has it."""

from __future__ import annotations

import datetime as dt

import orjson

from agents.core.config import CommitmentSpec
from agents.core.engine import Engine
from agents.core.rules import alert_changes, drop_flaps, fingerprint
from agents.core.stores import Stores
from schemas.alerts import Alert
from tests.core.helpers import (
    REMAINS_ONLY,
    Tick,
    agreement,
    at,
    clock_at,
    config,
    exchange,
    run_both,
)

# 6,000 each way, no due date (the Istanbul June round): judged by the recent rate.
BODIES = config(
    agreement(
        "test-2025-06",
        "2025-06-02",
        ["remains"],
        commitments=[CommitmentSpec(kind="remains", count=6000, per_side=True)],
    )
)


def test_an_exchange_dated_at_the_threshold_and_reported_later_that_day_sends_nothing() -> None:
    # Gap 30 days from 2025-04-26: the threshold is 2025-05-26 00:00. The exchange of that day,
    # reported at noon, moves the clock past the threshold, but the gap never exceeded 30 days.
    run = run_both(
        [exchange("e1", "2025-04-26", ua=5), exchange("e2", "2025-05-26", ua=5)], REMAINS_ONLY
    )
    assert run.alerts == []
    assert run.engine.alerts() == []


def test_an_exchange_a_day_past_the_threshold_fires_and_resolves() -> None:
    # The gap did exceed 30 days (one day): reported, then resolved by the event itself.
    run = run_both(
        [exchange("e1", "2025-04-26", ua=5), exchange("e2", "2025-05-27", ua=5)], REMAINS_ONLY
    )
    assert [(a.status, a.startsAt, a.endsAt) for a in run.alerts] == [
        ("firing", at("2025-05-26", 0), None),
        ("resolved", at("2025-05-26", 0), at("2025-05-27", 0)),
    ]


def test_drop_flaps_keeps_what_fired_before() -> None:
    e = Engine(Stores.in_memory(), REMAINS_ONLY)
    e.apply(exchange("e1", "2025-04-26", ua=5))
    fired = e.tick(at("2025-06-01"))
    (alert,) = fired
    resolved = alert.model_copy(update={"status": "resolved", "endsAt": alert.startsAt})
    # Fired in the same step: both go. Fired before the step: the resolution must be sent.
    assert drop_flaps(set(), fired, [resolved]) == []
    assert drop_flaps({alert.fingerprint}, [], [resolved]) == [resolved]
    later = resolved.model_copy(update={"endsAt": alert.startsAt + dt.timedelta(days=1)})
    assert drop_flaps(set(), fired, [later]) == [alert, later]


def test_changed_figures_are_resent_while_firing_and_ticks_resend_nothing() -> None:
    steps: list = [
        exchange("e1", "2025-06-16", ua=6057, ru=78, url="https://example.org/june"),
        clock_at("c1", "2025-07-20"),  # RU 78 of 6,000, nothing since: behind
    ]
    # Months of wall-clock ticks with nothing new: no message, whatever the recent rate does.
    day = dt.date(2025, 7, 21)
    while day <= dt.date(2025, 8, 18):
        steps.append(Tick(dt.datetime(day.year, day.month, day.day, 6, tzinfo=dt.UTC)))
        day += dt.timedelta(days=1)
    steps.append(exchange("e2", "2025-08-19", ua=1000, ru=19))
    run = run_both(steps, BODIES)
    behind = [a for a in run.alerts if a.labels.alertname == "BehindCommitment"]
    assert [a.status for a in behind] == ["firing", "firing"]
    first, update = behind
    assert update.fingerprint == first.fingerprint
    assert update.startsAt == first.startsAt
    assert "RU received 78 of 6000" in first.annotations.description
    assert "RU received 97 of 6000" in update.annotations.description
    assert "Latest delivery recorded under it: 2025-08-19." in update.annotations.description
    # Evidence: the latest delivery under the commitment.
    assert first.evidence.event_ids == ["e1"]
    assert first.evidence.urls == ["https://example.org/june"]
    assert update.evidence.event_ids == ["e2"]
    # What /alerts shows is the current text.
    (shown,) = [a for a in run.engine.alerts() if a["labels"]["alertname"] == "BehindCommitment"]
    assert shown["annotations"] == update.model_dump(mode="json")["annotations"]


def test_alert_changes_tell_new_updated_and_resolved_apart() -> None:
    e = Engine(Stores.in_memory(), BODIES)
    before = e.active_fingerprints()
    out = e.apply(exchange("e1", "2025-06-16", ua=6057, ru=78))
    out = e.apply(clock_at("c1", "2025-07-10"))  # behind; no gap yet (30 days on 07-16)
    assert alert_changes(before, out.alerts) == ["fired"]
    before = e.active_fingerprints()
    out = e.apply(exchange("e2", "2025-07-12", ua=1000, ru=19))
    assert alert_changes(before, out.alerts) == ["updated"]
    before = e.active_fingerprints()
    out = e.apply(exchange("e3", "2025-07-13", ua=1, ru=6000))
    assert alert_changes(before, out.alerts) == ["resolved"]
    # A resolution and a new episode of one fingerprint in one step: resolved, then fired.
    (alert,) = out.alerts
    again = alert.model_copy(update={"status": "firing", "endsAt": None})
    assert alert_changes({alert.fingerprint}, [alert, again]) == ["resolved", "fired"]


def test_a_late_report_closes_the_stored_gap_and_the_new_gap_fires_from_its_own_start() -> None:
    steps = [
        exchange("e1", "2025-04-26", ua=5),
        clock_at("c1", "2025-06-01"),  # warning since 2025-05-26
        clock_at("c2", "2025-07-20"),  # critical since 2025-06-25
        # Reported late: an exchange on 2025-05-10. The gap from it passed 30 days on
        # 2025-06-09 and 60 days on 2025-07-09, both before the clock.
        exchange("e2", "2025-05-10", ua=5, reported="2025-07-21"),
    ]
    run = run_both(steps, REMAINS_ONLY)
    assert [(a.status, a.labels.severity, a.startsAt, a.endsAt) for a in run.alerts] == [
        ("firing", "warning", at("2025-05-26", 0), None),
        ("firing", "critical", at("2025-06-25", 0), None),
        # The stored warning's condition never held (an exchange 16 days before it began):
        # it ends where it began; the new episode starts when its own condition began.
        ("resolved", "warning", at("2025-05-26", 0), at("2025-05-26", 0)),
        ("firing", "warning", at("2025-06-09", 0), None),
        ("resolved", "critical", at("2025-06-25", 0), at("2025-06-25", 0)),
        ("firing", "critical", at("2025-07-09", 0), None),
    ]
    assert "Latest remains exchange recorded: 2025-05-10." in run.alerts[3].annotations.description
    assert {a["startsAt"] for a in run.engine.alerts()} == {
        "2025-06-09T00:00:00Z",
        "2025-07-09T00:00:00Z",
    }


def test_json_shape_endsat_only_when_resolved() -> None:
    run = run_both(
        [exchange("e1", "2025-04-26", ua=5), exchange("e2", "2025-05-30", ua=5)], REMAINS_ONLY
    )
    fired, resolved = (orjson.loads(line) for line in run.lines)
    assert "endsAt" not in fired and fired["status"] == "firing"
    assert resolved["endsAt"] == "2025-05-30T00:00:00Z"
    assert "generatorURL" not in fired  # no worker made it
    assert Alert.model_validate(fired).endsAt is None


def test_an_alert_stored_under_the_old_fingerprint_is_superseded() -> None:
    e = Engine(Stores.in_memory(), REMAINS_ONLY)
    e.apply(exchange("e1", "2025-04-26", ua=5))
    (fired,) = e.tick(at("2025-06-01"))
    # As a worker of the previous release stored it: keyed by alertname, agreement and kind.
    old = "726f2e7067bfeed9"
    stored = {**fired.model_dump(mode="json"), "fingerprint": old}
    fp = fired.fingerprint
    del e.stores.alerts[fp]
    e.stores.alerts[old] = stored
    e.stores.meta["alerts"] = [old]
    out = e.tick(at("2025-06-02"))
    assert [(a.status, a.fingerprint) for a in out] == [("resolved", old), ("firing", fp)]
    assert out[0].annotations.description.endswith(
        "Resolved: superseded by the same alert under the fingerprint of all its labels."
    )
    assert out[1].startsAt == fired.startsAt
    assert e.tick(at("2025-06-03")) == []
    assert fp == fingerprint("ExchangeGap", "test-2025-01", "remains", "warning")
