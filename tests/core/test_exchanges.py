from __future__ import annotations

from agents.core.engine import Engine
from agents.core.exchanges import report_claims
from agents.core.stores import Stores
from tests.core.helpers import REMAINS_ONLY, claim, exchange


def engine() -> Engine:
    return Engine(Stores.in_memory(json_roundtrip=True), REMAINS_ONLY)


def swaps(e: Engine) -> int:
    return len(e.stores.exchanges)


def test_date_tolerance_decides_the_same_swap() -> None:
    e = engine()
    e.apply(exchange("a", "2026-01-29", ua=1000, ru=38))
    assert e.apply(exchange("b", "2026-01-31", ua=1000, ru=38)).merged_into == "a"
    assert e.apply(exchange("c", "2026-02-03", ua=1000, ru=38)).created  # 3 days after b's swap
    assert swaps(e) == 2
    assert e.totals()["remains"]["UA"] == 2000


def test_month_and_year_dates_match_inside_their_period() -> None:
    e = engine()
    e.apply(exchange("m", "2025-11", ua=1000, ru=30, reported="2025-12-01"))
    got = e.apply(exchange("d", "2025-11-20", ua=1000, ru=30))
    assert got.merged_into == "m"
    assert e.stores.exchanges[got.exchange_key]["occurred"] == "2025-11-20"
    assert e.apply(exchange("y", "2025", ua=1000, ru=30, reported="2025-12-02")).merged_into == "m"
    assert e.apply(exchange("o", "2025-12", ua=1000, ru=30, reported="2025-12-03")).created
    assert e.totals()["remains"] == {"UA": 2000, "RU": 60, "unattributed": 0}
    days = [w["start"] for w in e.windows("remains", "day")["windows"] if w["total"]]
    assert days == ["2025-11-20", "2025-12-01"]


def test_figures_beyond_the_tolerance_are_another_swap() -> None:
    e = engine()
    e.apply(exchange("a", "2026-02-26", ua=1000, ru=35))
    assert e.apply(exchange("b", "2026-02-26", ua=500)).created
    assert e.apply(exchange("c", "2026-02-26", ua=1000, ru=90)).created
    assert swaps(e) == 3


def test_the_nearest_candidate_wins() -> None:
    e = engine()
    e.apply(exchange("a", "2026-01-01", ua=100))
    e.apply(exchange("b", "2026-01-04", ua=100))  # 3 days: its own swap
    got = e.apply(exchange("c", "2026-01-03", ua=100))  # fits both: b is nearer
    assert got.merged_into == "b"


def test_a_combined_figure_joins_the_swap_of_its_sides() -> None:
    e = engine()
    e.apply(exchange("a", "2025-02-05", "pows", combined=300))
    assert e.totals()["pows"] == {"UA": 0, "RU": 0, "unattributed": 300}
    got = e.apply(exchange("b", "2025-02-05", "pows", ua=150, ru=150))
    assert got.merged_into == "a"
    assert got.totals_delta == {
        ("pows", "UA"): 150,
        ("pows", "RU"): 150,
        ("pows", "unattributed"): -300,
    }
    assert e.totals()["pows"] == {"UA": 150, "RU": 150, "unattributed": 0}


def test_report_claims_cover_every_figure() -> None:
    ev = exchange("a", "2026-01-29", ua=1000, ru=38, claims=[claim("UA", ua=1000)])
    assert report_claims(ev) == [
        {"by": "UA", "received": {"UA": 1000}, "combined": None, "source": "outlet"},
        {"by": None, "received": {"RU": 38}, "combined": None, "source": "exchange-watch/reader"},
    ]
    plain = exchange("b", "2026-01-29", combined=115)
    assert report_claims(plain)[0]["combined"] == 115


def test_swap_record_lists_are_capped_but_votes_are_not() -> None:
    e = engine()
    for i in range(230):
        e.apply(exchange(f"r{i}", "2026-01-29", ua=1000 if i % 3 else 1001))
    (record,) = e.stores.exchanges.values()
    assert len(record["event_ids"]) == 200 and len(record["claims"]) == 200
    assert record["votes"]["UA"]["0|1000"][0] == 153
    assert e.totals()["remains"]["UA"] == 1000


def test_latest_exchange_follows_date_changes() -> None:
    e = engine()
    e.apply(exchange("a", "2026-01-10", ua=10))
    e.apply(exchange("b", "2026-01-20", ua=10))
    assert e.exchanges.last("remains")["date"] == "2026-01-20"
    # An official date two days earlier moves the latest swap back.
    e.apply(exchange("c", "2026-01-18", ua=10, source="hq", origin="official"))
    assert e.exchanges.last("remains")["date"] == "2026-01-18"
    first = e.exchanges.first_after("remains", __import__("datetime").date(2026, 1, 10))
    assert first is not None and first["first_event_id"] == "b"


def test_a_vague_date_needs_a_shared_figure() -> None:
    e = engine()
    e.apply(exchange("m", "2026-02", "pows", ru=2, historical=True, reported="2026-03-05"))
    # Same month, but nothing in common: two swaps.
    assert e.apply(
        exchange("d", "2026-02-05", "pows", ua=200, historical=True, reported="2026-03-05")
    ).created
    # Dated to the day, one side each: one swap (UA 1000 and RU 38 are reported apart).
    e.apply(exchange("a", "2026-01-29", ua=1000))
    assert e.apply(exchange("b", "2026-01-30", ru=38)).merged_into == "a"


def test_background_mentions_of_an_unreported_swap_complete_each_other() -> None:
    e = engine()
    e.apply(exchange("h1", "2023-04-10", "pows", ru=106, historical=True, reported="2023-04-17"))
    got = e.apply(
        exchange("h2", "2023-04-10", "pows", ua=100, historical=True, reported="2023-04-17")
    )
    assert got.merged_into == "h1" and got.totals_delta == {("pows", "UA"): 100}
    # A current report takes over; later background mentions change nothing.
    e.apply(exchange("c1", "2023-04-10", "pows", ua=100, ru=106, reported="2023-04-18"))
    assert (
        e.apply(
            exchange(
                "h3", "2023-04", "pows", ua=100, ru=120, historical=True, reported="2023-05-01"
            )
        ).totals_delta
        == {}
    )
    assert e.totals()["pows"] == {"UA": 100, "RU": 106, "unattributed": 0}
