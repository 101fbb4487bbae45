from __future__ import annotations

import datetime as dt

import pytest

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.stores import Stores
from tests.core.helpers import REMAINS_ONLY, at, exchange, total


def engine(cfg: Config = REMAINS_ONLY) -> Engine:
    return Engine(Stores.in_memory(), cfg)


def test_clock_follows_reported_at_and_dates_but_not_future_typos() -> None:
    e = engine()
    assert e.clock() is None
    e.apply(exchange("a", "2025-01-29", ua=1, reported="2025-01-30"))
    assert e.clock() == "2025-01-30T12:00:00Z"
    # A date after its own publication (a mistyped year) does not move the clock.
    e.apply(exchange("b", "2026-01-29", ua=1, reported="2025-02-01"))
    assert e.clock() == "2025-02-01T12:00:00Z"
    # Without reported_at the dates move it.
    e.apply(exchange("c", "2025-02-03", ua=50).model_copy(update={"reported_at": None}))
    assert e.clock() == "2025-02-03T00:00:00Z"
    # An older report never moves it back.
    e.apply(exchange("d", "2024-01-01", ua=1, reported="2024-01-02"))
    assert e.clock() == "2025-02-03T00:00:00Z"


def test_tick_evaluates_without_moving_the_clock() -> None:
    e = engine()
    e.apply(exchange("a", "2025-04-26", ua=1))
    fired = e.tick(dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    assert [a.labels.alertname for a in fired] == ["ExchangeGap"]
    assert e.clock() == "2025-04-26T12:00:00Z"
    naive = e.tick(dt.datetime(2025, 7, 1))  # taken as UTC
    assert [a.labels.severity for a in naive] == ["critical"]  # beside the firing warning


def test_a_duplicate_moves_nothing() -> None:
    e = engine()
    ev = exchange("a", "2025-04-26", ua=1)
    e.apply(ev)
    again = ev.model_copy(update={"reported_at": at("2025-09-01")})
    outcome = e.apply(again)
    assert outcome.duplicate and e.clock() == "2025-04-26T12:00:00Z"


def test_the_first_event_is_not_judged_against_empty_tables() -> None:
    e = engine()
    assert e.apply(exchange("a", "2025-04-26", ua=1)).alerts == []


def test_windows_view_arguments() -> None:
    e = engine()
    assert e.windows("remains", "week")["windows"] == []
    e.apply(exchange("a", "2026-01-29", ua=1000, ru=38))
    e.apply(exchange("b", "2026-02-26", ua=1000, ru=35))
    view = e.windows("remains", "week", dt.date(2026, 1, 28), "2026-02-03")
    assert (view["from"], view["to"]) == ("2026-01-28", "2026-02-03")
    assert [(w["start"], w["end"], w["total"]) for w in view["windows"]] == [
        ("2026-01-26", "2026-02-01", 1038),
        ("2026-02-02", "2026-02-08", 0),
    ]
    month = e.windows("remains", "month")
    assert [w["UA"] for w in month["windows"]] == [1000, 1000]
    assert e.windows("remains", "day", "2026-02-26")["windows"][-1]["RU"] == 35
    with pytest.raises(ValueError):
        e.windows("tanks", "day")
    with pytest.raises(ValueError):
        e.windows("remains", "fortnight")


def test_reported_totals_and_what_the_tracked_exchanges_explain() -> None:
    e = engine()
    e.apply(exchange("a", "2025-06-16", ua=6057, ru=78))
    e.apply(exchange("b", "2025-08-19", ua=1000, ru=19))
    e.apply(total("t1", "remains", "UA", 7000, "2025-07", since="2025-06", claimed_by="UA"))
    e.apply(total("t2", "remains", "UA", 8000, "2025-08", claimed_by="UA"))
    e.apply(total("t0", "remains", "UA", 5000, "2025-05", claimed_by="UA"))  # older: ignored
    e.apply(total("t3", "remains", None, 7154, "2025-08-31"))
    views = {r["received_by"]: r for r in e.reported_totals()}
    assert len(e.reported_totals()) == 2
    mine, combined = views["UA"], views[None]
    assert (mine["count"], mine["tracked"], mine["as_of"]) == (8000, 7057, "2025-08")
    assert mine["explained_share"] == round(7057 / 8000, 4)
    assert (combined["tracked"], combined["explained_share"]) == (7154, 1.0)
    # Totals never add to the tables.
    assert e.totals()["remains"] == {"UA": 7057, "RU": 97, "unattributed": 0}


def test_gauges_for_the_worker() -> None:
    e = engine()
    e.apply(exchange("a", "2025-04-26", ua=1))
    e.apply(total("t", "pows", None, 1, "2025-05-06"))
    gauges = e.gauges()
    assert gauges["days_since_last_exchange"] == [
        {"agreement": "test-2025-01", "kind": "remains", "days": 10, "gap_days": 30}
    ]
    assert gauges["active_suspensions"] == {"remains": 0, "pows": 0, "civilians": 0}
    # A live worker counts to the wall clock when it is later than the event clock.
    later = e.gauges(dt.datetime(2025, 6, 5, 8, tzinfo=dt.UTC))
    assert later["days_since_last_exchange"][0]["days"] == 40
    assert e.gauges(dt.datetime(2025, 5, 1, tzinfo=dt.UTC)) == gauges


def _snapshot(e: Engine) -> dict[str, dict[str, object]]:
    return {name: dict(store.items()) for name, store in e.stores.named().items()}


@pytest.mark.parametrize("json_roundtrip", [False, True])
def test_an_event_the_engine_fails_on_is_undone_not_half_applied(
    json_roundtrip: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = Engine(Stores.in_memory(json_roundtrip=json_roundtrip), REMAINS_ONLY)
    e.apply(exchange("a", "2025-04-26", ua=10, ru=20))
    before = _snapshot(e)

    def fail(*args: object) -> None:
        raise RuntimeError("fault after the tables were written")

    # The swap is counted in the ledger before the suspension book is asked: a failure
    # there finds totals, windows and the exchange record already written.
    monkeypatch.setattr(e.suspension_book, "on_exchange", fail)
    second = exchange("b", "2025-06-01", ua=5, ru=7)
    with pytest.raises(RuntimeError):
        e.apply(second)
    assert _snapshot(e) == before
    monkeypatch.undo()
    # Applied again once the fault is gone, it counts once.
    assert not e.apply(second).duplicate
    assert e.totals()["remains"] == {"UA": 15, "RU": 27, "unattributed": 0}


def test_a_tick_the_rules_fail_on_is_undone(monkeypatch: pytest.MonkeyPatch) -> None:
    e = engine()
    e.apply(exchange("a", "2025-04-26", ua=1))
    before = _snapshot(e)

    def write_then_fail(now: dt.datetime) -> list[object]:
        e.stores.alerts["half"] = {"written": True}
        e.stores.meta["alerts"] = ["half"]
        raise RuntimeError("fault in a rule")

    monkeypatch.setattr(e.rules, "evaluate", write_then_fail)
    with pytest.raises(RuntimeError):
        e.tick(at("2025-09-01"))
    assert _snapshot(e) == before
