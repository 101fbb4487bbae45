from __future__ import annotations

import datetime as dt

from agents.core.ledger import Ledger, Placement
from agents.core.stores import Stores

D = dt.date


def test_move_counts_the_difference_in_every_window() -> None:
    stores = Stores.in_memory(json_roundtrip=True)
    ledger = Ledger(stores)
    first = Placement("2025-11", "a-1", {"UA": 1000, "RU": 30, "unattributed": 0})
    assert ledger.move("remains", None, first) == {"UA": 1000, "RU": 30}
    # The swap gets a day date and a new figure: the windows move, totals change by 3.
    second = Placement("2025-11-20", "a-1", {"UA": 1003, "RU": 30, "unattributed": 0})
    assert ledger.move("remains", first, second) == {"UA": 3}
    assert ledger.totals("remains") == {"UA": 1003, "RU": 30, "unattributed": 0}
    windows = dict(stores.windows.items())
    assert windows == {
        "remains|day|2025-11-20": {"UA": 1003, "RU": 30, "unattributed": 0},
        "remains|week|2025-11-17": {"UA": 1003, "RU": 30, "unattributed": 0},
        "remains|month|2025-11-01": {"UA": 1003, "RU": 30, "unattributed": 0},
    }
    assert ledger.progress("a-1", "remains")["UA"] == 1003
    assert dict(stores.progress_days.items()) == {
        "a-1|remains|2025-11": {"2025-11-20": {"UA": 1003, "RU": 30, "unattributed": 0}}
    }
    assert ledger.bounds("remains") == (D(2025, 11, 1), D(2025, 11, 20))


def test_reattaching_moves_progress_only() -> None:
    stores = Stores.in_memory()
    ledger = Ledger(stores)
    amounts = {"UA": 10, "RU": 10, "unattributed": 0}
    ledger.move("pows", None, Placement("2025-08-14", None, amounts))
    assert (
        ledger.move(
            "pows", Placement("2025-08-14", None, amounts), Placement("2025-08-14", "b", amounts)
        )
        == {}
    )
    assert ledger.progress("b", "pows") == amounts
    assert ledger.totals("pows") == amounts


def test_rows_and_ranges() -> None:
    stores = Stores.in_memory()
    ledger = Ledger(stores)
    for day, n in (("2026-01-29", 1000), ("2026-02-26", 1000), ("2026-03-02", 5)):
        ledger.move("remains", None, Placement(day, None, {"UA": n}))
    rows, cut = ledger.window_rows("remains", "week", D(2026, 2, 20), D(2026, 3, 3))
    assert not cut
    assert [(r["start"], r["UA"]) for r in rows] == [
        ("2026-02-16", 0),
        ("2026-02-23", 1000),
        ("2026-03-02", 5),
    ]
    assert ledger.sum_range("remains", D(2026, 1, 1), D(2026, 2, 28))["UA"] == 2000
    assert ledger.sum_range("remains", D(2026, 1, 30), D(2026, 3, 2))["UA"] == 1005
    _, cut = ledger.window_rows("remains", "day", D(1990, 1, 1), D(2026, 1, 1))
    assert cut
    assert ledger.last_delivery("x", "remains", D(2026, 1, 1), D(2026, 3, 1)) is None
