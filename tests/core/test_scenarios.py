"""Scenario timelines through the engine, each run over plain dicts and JSON-round-trip stores."""

from __future__ import annotations

import datetime as dt

from agents.core.config import CommitmentSpec
from tests.core.helpers import (
    REMAINS_ONLY,
    Tick,
    agreement,
    at,
    claim,
    clock_at,
    config,
    exchange,
    resumption,
    run_both,
    suspension,
)


def test_steady_cadence_then_silence_fires_a_warning_then_a_critical_both_resolved() -> None:
    steps = [
        exchange("e1", "2025-02-01", ua=500, ru=20),
        exchange("e2", "2025-03-01", ua=400, ru=10),
        exchange("e3", "2025-03-29", ua=450, ru=15),
        exchange("e4", "2025-04-26", ua=480, ru=12),
        clock_at("c1", "2025-05-20"),  # 24 days: nothing
        clock_at("c2", "2025-05-27"),  # 31 days: warning
        clock_at("c3", "2025-06-10"),  # 45 days: still warning, no message
        clock_at("c4", "2025-06-26"),  # 61 days: critical beside the warning
        clock_at("c5", "2025-07-01"),  # both still firing, no message
        exchange("e5", "2025-07-03", ua=300, ru=9),
    ]
    run = run_both(steps, REMAINS_ONLY)
    assert run.brief() == [
        ("firing", "ExchangeGap", "test-2025-01", "remains", "warning"),
        ("firing", "ExchangeGap", "test-2025-01", "remains", "critical"),
        ("resolved", "ExchangeGap", "test-2025-01", "remains", "warning"),
        ("resolved", "ExchangeGap", "test-2025-01", "remains", "critical"),
    ]
    warning, critical, warning_end, critical_end = run.alerts
    # Each severity is its own alert: its own fingerprint, and the time its condition began.
    assert warning.fingerprint == warning_end.fingerprint != critical.fingerprint
    assert critical.fingerprint == critical_end.fingerprint
    assert warning.startsAt == warning_end.startsAt == at("2025-05-26", 0)
    assert critical.startsAt == critical_end.startsAt == at("2025-06-25", 0)
    assert warning_end.endsAt == critical_end.endsAt == at("2025-07-03", 0)
    assert warning.annotations.description == (
        "Latest remains exchange recorded: 2025-04-26. Agreement in force for remains: "
        "test-2025-01, signed 2025-01-10. Gap threshold: 30 days, exceeded on 2025-05-26."
    )
    assert (
        "Twice the threshold (60 days) exceeded on 2025-06-25." in critical.annotations.description
    )
    assert warning_end.evidence.event_ids == critical_end.evidence.event_ids == ["e5"]
    assert run.engine.alerts() == []


def test_live_ticks_give_one_message_per_state_change() -> None:
    steps: list = [exchange("e1", "2025-04-26", ua=480, ru=12)]
    day = dt.date(2025, 4, 27)
    while day <= dt.date(2025, 7, 1):
        for hour in (0, 6, 12, 18):
            steps.append(Tick(dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)))
        day += dt.timedelta(days=1)
    steps.append(exchange("e2", "2025-07-02", ua=100, ru=1))
    run = run_both(steps, REMAINS_ONLY)
    assert [(s, sev) for s, *_, sev in run.brief()] == [
        ("firing", "warning"),
        ("firing", "critical"),
        ("resolved", "warning"),
        ("resolved", "critical"),
    ]
    assert run.alerts[0].startsAt == at("2025-05-26", 0)
    assert run.alerts[1].startsAt == at("2025-06-25", 0)
    # The clock only follows events; ticks never move it.
    assert run.engine.clock() == "2025-07-02T12:00:00Z"


def test_suspension_announced_prolonged_then_ended_by_a_later_exchange() -> None:
    cfg = config(agreement("test-2025-01", "2025-01-10", ["pows"], gap_days={"pows": 400}))
    steps = [
        exchange("e1", "2025-03-10", "pows", ua=100, ru=100),
        suspension("s1", "pows", "2025-04", "2025-04-20", reason="Lists disputed."),
        clock_at("c1", "2025-04-30"),
        clock_at("c2", "2025-05-05"),  # more than 30 days since 2025-04-01
        # Dated inside the since month: not after it, the suspension stands.
        exchange("e2", "2025-04-15", "pows", ua=10, ru=10, reported="2025-05-10"),
        suspension("s2", "pows", "2025-04-03", "2025-05-12"),  # a second report, more precise
        exchange("e3", "2025-06-02", "pows", ua=50, ru=50),
    ]
    run = run_both(steps, cfg)
    assert run.brief() == [
        ("firing", "SuspensionReported", "test-2025-01", "pows", "warning"),
        ("firing", "SuspensionProlonged", "test-2025-01", "pows", "critical"),
        # The second report dates it precisely: both re-sent with their current text.
        ("firing", "SuspensionReported", "test-2025-01", "pows", "warning"),
        ("firing", "SuspensionProlonged", "test-2025-01", "pows", "critical"),
        ("resolved", "SuspensionReported", "test-2025-01", "pows", "warning"),
        ("resolved", "SuspensionProlonged", "test-2025-01", "pows", "critical"),
    ]
    reported, prolonged, reported2, prolonged2, end1, end2 = run.alerts
    assert reported.startsAt == at("2025-04-01", 0)
    assert prolonged.startsAt == at("2025-05-01", 0)
    assert reported2.fingerprint == reported.fingerprint
    assert reported2.startsAt == at("2025-04-03", 0)
    assert prolonged2.startsAt == at("2025-05-03", 0)
    assert reported2.annotations.description.startswith(
        "2 reports state that prisoner-of-war exchanges have been suspended since 2025-04-03."
    )
    assert reported2.evidence.event_ids == ["s1", "s2"]
    assert end1.endsAt == end2.endsAt == at("2025-06-02", 0)
    assert (
        reported.annotations.summary
        == "Suspension of prisoner-of-war exchanges reported since 2025-04"
    )
    assert "Reason given in the reports: Lists disputed." in reported.annotations.description
    views = run.engine.suspensions()
    assert views["active"] == []
    (ended,) = views["ended"]
    assert ended["since"] == "2025-04-03"
    assert ended["ended"] == "2025-06-02"
    assert ended["ended_by"] == {"type": "exchange", "event_id": "e3"}
    assert ended["duration_days"] == 60
    assert ended["event_ids"] == ["s1", "s2"]


def test_suspension_ended_by_resumption() -> None:
    cfg = config(agreement("test-2025-01", "2025-01-10", ["pows"], gap_days={"pows": 400}))
    steps = [
        suspension("s1", "pows", "2025-10", "2025-11-15"),
        resumption("r1", "pows", "2025-12-01", "2025-12-02"),
    ]
    run = run_both(steps, cfg)
    assert run.brief() == [
        ("firing", "SuspensionReported", "test-2025-01", "pows", "warning"),
        ("firing", "SuspensionProlonged", "test-2025-01", "pows", "critical"),
        ("resolved", "SuspensionReported", "test-2025-01", "pows", "warning"),
        ("resolved", "SuspensionProlonged", "test-2025-01", "pows", "critical"),
    ]
    assert run.alerts[-1].endsAt == at("2025-12-01", 0)
    assert (
        "Resolved: resumption dated 2025-12-01 recorded." in run.alerts[-1].annotations.description
    )


def test_commitment_falls_behind_then_catches_up() -> None:
    # 1,000 each way, due 120 days after signing, 35 days of slack (the kind's gap).
    cfg = config(
        agreement(
            "test-2025-07",
            "2025-07-01",
            ["pows"],
            gap_days={"pows": 35},
            commitments=[CommitmentSpec(kind="pows", count=1000, per_side=True, due="2025-10-29")],
        )
    )
    steps = [
        exchange("e1", "2025-07-21", "pows", ua=100, ru=100),
        exchange("e2", "2025-08-10", "pows", ua=100, ru=100),
        clock_at("c1", "2025-08-20"),  # expected (1000 * 15 / 120 = 125) not above 200 yet
        clock_at("c2", "2025-09-05"),  # expected 1000 * 31 / 120 = 258 > 200: behind
        exchange("e3", "2025-09-09", "pows", ua=300, ru=300),  # 500 >= 291: on pace
    ]
    run = run_both(steps, cfg)
    assert run.brief() == [
        ("firing", "BehindCommitment", "test-2025-07", "pows", "warning"),
        ("resolved", "BehindCommitment", "test-2025-07", "pows", "warning"),
    ]
    fired, resolved = run.alerts
    # Behind from the first day when 200 * 120 < 1000 * (days since signing - 35): day 60.
    assert fired.startsAt == at("2025-08-30", 0)
    assert resolved.endsAt == at("2025-09-09", 0)
    assert "UA received 200 of 1000; RU received 200 of 1000" in fired.annotations.description
    (view,) = run.engine.agreements()
    (c,) = view["commitments"]
    assert [p["delivered"] for p in c["progress"]] == [500, 500]
    assert [p["share"] for p in c["progress"]] == [0.5, 0.5]


TEN_REPORTS = [
    exchange("r1", "2025-12-19", ua=1003, ru=26, claims=[claim("UA", ua=1003, ru=26)]),
    exchange("r2", "2025-12-19", ua=1000, ru=29),
    exchange("r3", "2025-12-19", ua=1000, ru=29, claims=[claim("RU", ru=29), claim("RU", ua=1000)]),
    exchange("r4", "2025-12-19", ua=1000),
    exchange("r5", "2025-12-19", combined=1029),
    exchange("r6", "2025-12-19", ru=29, claims=[claim("RU", ru=29), claim("RU", ru=26)]),
    exchange("r7", "2025-12-20", ua=1003),
    exchange("r8", "2025-12", ua=1000, reported="2025-12-21"),
    exchange("r9", "2025-12-18", ua=1000, ru=29, reported="2025-12-19"),
    exchange("r10", "2025-12-19", ua=1003, claims=[claim("UA", ua=1003)]),
]


def test_ten_reports_of_one_swap_count_once_with_each_sides_own_figure() -> None:
    run = run_both(TEN_REPORTS, REMAINS_ONLY)
    # UA's own figure for what it received, and RU's own (29 twice against 26 once).
    assert run.engine.totals()["remains"] == {"UA": 1003, "RU": 29, "unattributed": 0}
    month = run.engine.windows("remains", "month")["windows"]
    assert [(w["start"], w["UA"], w["RU"]) for w in month] == [("2025-12-01", 1003, 29)]
    (day,) = [w for w in run.engine.windows("remains", "day")["windows"] if w["total"]]
    assert day["start"] == "2025-12-19"
    outcomes = run.outcomes
    assert outcomes[0].created  # type: ignore[union-attr]
    assert all(o.merged_into == "r1" for o in outcomes[1:])  # type: ignore[union-attr]
    # The totals moved by differences only: their sum is the final figure.
    moved: dict[tuple[str, str], int] = {}
    for o in outcomes:
        for key, n in o.totals_delta.items():  # type: ignore[union-attr]
            moved[key] = moved.get(key, 0) + n
    assert moved == {("remains", "UA"): 1003, ("remains", "RU"): 29}


def test_historical_mention_of_a_counted_exchange_changes_nothing() -> None:
    steps = [
        exchange("e1", "2025-11-20", ua=1000, ru=30, claims=[claim("UA", ua=1000, ru=30)]),
        exchange("e2", "2025-12-19", ua=1003, ru=26),
    ]
    base = run_both(steps, REMAINS_ONLY)
    mention = exchange("h1", "2025-11", ua=1000, ru=31, historical=True, reported="2025-12-19")
    run = run_both([*steps, mention], REMAINS_ONLY)
    assert run.engine.totals() == base.engine.totals()
    assert run.engine.windows("remains", "day") == base.engine.windows("remains", "day")
    assert run.outcomes[-1].merged_into == "e1"  # type: ignore[union-attr]
    assert run.outcomes[-1].totals_delta == {}  # type: ignore[union-attr]
    record = run.engine.stores.exchanges[run.outcomes[-1].exchange_key]  # type: ignore[union-attr]
    assert record["event_ids"] == ["e1", "h1"] and record["occurred"] == "2025-11-20"


def test_historical_exchange_not_seen_before_counts_once_in_its_own_window() -> None:
    steps = [
        exchange("e1", "2025-12-19", ua=1003, ru=26),
        exchange("h1", "2023-11", ua=1000, ru=30, historical=True, reported="2025-12-19"),
        exchange("h2", "2023-11", ua=1000, ru=30, historical=True, reported="2026-01-29"),
    ]
    run = run_both(steps, REMAINS_ONLY)
    assert run.engine.totals()["remains"] == {"UA": 2003, "RU": 56, "unattributed": 0}
    windows = run.engine.windows("remains", "month", "2023-11-01", "2023-11-30")["windows"]
    assert windows == [
        {
            "start": "2023-11-01",
            "end": "2023-11-30",
            "UA": 1000,
            "RU": 30,
            "unattributed": 0,
            "total": 1030,
        }
    ]
    # Before any agreement: attached to none.
    record = run.engine.stores.exchanges[run.outcomes[1].exchange_key]  # type: ignore[union-attr]
    assert record["agreement"] is None and record["historical"] is True


def test_out_of_order_arrival_gives_the_same_tables() -> None:
    cfg = config(
        agreement("test-2025-01", "2025-01-10", ["remains", "pows"], gap_days={"pows": 400}),
        agreement("test-2025-06", "2025-06-01", ["remains"]),
    )
    events = [
        exchange("a", "2025-02-03", ua=300, ru=10),
        exchange("b", "2025-02-04", ua=300, ru=10, reported="2025-02-05"),  # same swap as a
        exchange("c", "2025-06-20", ua=900, ru=40),
        exchange("d", "2025-07", ua=210, reported="2025-07-30"),
        exchange("e", "2025-07-14", ua=210, ru=5, reported="2025-07-31"),  # refines d
        exchange("p", "2025-03-01", "pows", ua=50, ru=50),
        suspension("s", "pows", "2025-04", "2025-05-01"),
        exchange("q", "2025-06-10", "pows", ua=20, ru=20),
    ]
    ordered = run_both(events, cfg)
    shuffled = run_both(list(reversed(events)), cfg)
    interleaved = run_both(events[1::2] + events[0::2], cfg)
    for other in (shuffled, interleaved):
        assert other.engine.totals() == ordered.engine.totals()
        for size in ("day", "week", "month"):
            assert other.engine.windows("remains", size) == ordered.engine.windows("remains", size)
        assert other.engine.suspensions() == ordered.engine.suspensions()
        assert other.engine.agreements() == ordered.engine.agreements()
    assert ordered.engine.totals()["remains"] == {"UA": 1410, "RU": 55, "unattributed": 0}
    july = ordered.engine.windows("remains", "day", "2025-07-14", "2025-07-14")["windows"]
    assert july[0]["UA"] == 210
    (ended,) = ordered.engine.suspensions()["ended"]
    assert ended["ended"] == "2025-06-10"


def test_redelivery_of_the_same_source_and_event_id_changes_nothing() -> None:
    first = exchange("e1", "2025-12-19", ua=1003, ru=26, reported="2025-12-20")
    later = exchange("e1", "2026-03-01", ua=5, ru=5, reported="2026-03-02")  # same id: duplicate
    run = run_both([first], REMAINS_ONLY)
    before = run.state()
    outcome = run.engine.apply(first)
    assert outcome.duplicate and outcome.alerts == [] and outcome.totals_delta == {}
    assert run.engine.apply(later).duplicate
    assert run.state() == before
    # The same id from another producer is another event (here: one more report of the swap).
    other = exchange("e1", "2025-12-19", ua=1003, ru=26, source="another-scraper")
    got = run.engine.apply(other)
    assert not got.duplicate and got.merged_into == "e1" and got.totals_delta == {}


def test_official_event_supersedes_news_figures_and_date() -> None:
    news = [
        exchange("n1", "2025-12-20", ua=1000, ru=29),
        exchange("n2", "2025-12-20", ua=1000, ru=29),
        exchange(
            "n3", "2025-12-20", ua=1000, ru=29, claims=[claim("RU", ru=29), claim(None, ua=1000)]
        ),
    ]
    official = exchange(
        "hq-77",
        "2025-12-19",
        ua=1003,
        ru=26,
        source="coordination-hq",
        origin="official",
        reported="2025-12-21",
        claims=[claim("UA", ua=1003, ru=26, source="coordination-hq")],
    )
    run = run_both([*news, official], REMAINS_ONLY)
    assert run.engine.totals()["remains"] == {"UA": 1003, "RU": 26, "unattributed": 0}
    assert run.outcomes[-1].totals_delta == {("remains", "UA"): 3, ("remains", "RU"): -3}  # type: ignore[union-attr]
    days = [w["start"] for w in run.engine.windows("remains", "day")["windows"] if w["total"]]
    assert days == ["2025-12-19"]


def test_waves_from_one_official_producer_stay_apart() -> None:
    cfg = config(agreement("test-2025-05", "2025-05-16", ["pows"]))
    steps = [
        exchange(f"w{i}", day, "pows", ua=n, ru=n, source="hq", origin="official")
        for i, (day, n) in enumerate(
            (("2025-05-23", 390), ("2025-05-24", 307), ("2025-05-25", 303))
        )
    ]
    run = run_both(steps, cfg)
    assert run.engine.totals()["pows"] == {"UA": 1000, "RU": 1000, "unattributed": 0}


def test_a_stall_between_two_events_is_reported_then_resolved() -> None:
    # What a live worker's timer would have raised in between: fired, then ended by the event.
    steps = [exchange("e1", "2025-02-01", ua=500), exchange("e2", "2025-04-15", ua=400)]
    run = run_both(steps, REMAINS_ONLY)
    assert run.brief() == [
        ("firing", "ExchangeGap", "test-2025-01", "remains", "warning"),
        ("firing", "ExchangeGap", "test-2025-01", "remains", "critical"),
        ("resolved", "ExchangeGap", "test-2025-01", "remains", "warning"),
        ("resolved", "ExchangeGap", "test-2025-01", "remains", "critical"),
    ]
    assert run.alerts[0].startsAt == at("2025-03-03", 0)
    assert run.alerts[1].startsAt == at("2025-04-02", 0)
    assert run.alerts[2].endsAt == run.alerts[3].endsAt == at("2025-04-15", 0)
    assert run.outcomes[1].alerts == run.alerts  # type: ignore[union-attr]
