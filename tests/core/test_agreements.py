from __future__ import annotations

import datetime as dt

from agents.core.agreements import AgreementBook
from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.stores import Stores
from tests.core.helpers import REMAINS_ONLY, commitment, exchange

D = dt.date


def test_agreement_in_force_for_a_kind_on_a_date() -> None:
    book = AgreementBook(Config())
    assert book.in_force("pows", D(2025, 5, 15)) is None  # before any agreement
    assert book.in_force("pows", D(2025, 5, 16))["id"] == "istanbul-2025-05"  # on the signing day
    assert book.in_force("pows", D(2025, 6, 2))["id"] == "istanbul-2025-06"  # covers POWs too
    assert book.in_force("pows", D(2025, 7, 23))["id"] == "istanbul-2025-07"
    assert book.in_force("remains", D(2025, 7, 23))["id"] == "istanbul-2025-06"
    assert book.in_force("remains", D(2025, 6, 1)) is None
    assert book.in_force("civilians", D(2026, 1, 1)) is None


def test_attachment_named_else_in_force_else_none() -> None:
    book = AgreementBook(Config())
    assert book.attach("pows", D(2025, 8, 14), None) == "istanbul-2025-07"
    assert book.attach("pows", D(2025, 8, 14), "istanbul-2025-05") == "istanbul-2025-05"
    # A name nobody defined yet: the agreement in force takes it.
    assert book.attach("pows", D(2026, 1, 5), "abu-dhabi-2026-01") == "istanbul-2025-07"
    assert book.attach("remains", D(2023, 11, 1), None) is None


def test_commitment_events_create_and_amend_agreements_at_run_time() -> None:
    engine = Engine(Stores.in_memory(json_roundtrip=True), Config())
    book = engine.agreement_book
    engine.apply(exchange("x1", "2026-01-25", "pows", ua=200, ru=200))
    assert engine.stores.exchanges["x1"]["agreement"] == "istanbul-2025-07"
    # A new agreement signed before a known exchange takes it over (re-attachment).
    engine.apply(
        commitment("c1", "test-talks-2026-01", "pows", 500, "2026-01-20", reported="2026-01-26")
    )
    assert engine.stores.exchanges["x1"]["agreement"] == "test-talks-2026-01"
    assert engine.ledger.progress("test-talks-2026-01", "pows")["UA"] == 200
    assert engine.ledger.progress("istanbul-2025-07", "pows")["UA"] == 0
    # News does not override the file's figures; it adds its event id.
    engine.apply(
        commitment("c2", "istanbul-2025-06", "remains", 12000, "2025-06-02", per_side=False)
    )
    remains = book.get("istanbul-2025-06")["commitments"]["remains"]
    assert (remains["count"], remains["per_side"], remains["event_ids"]) == (6000, True, ["c2"])
    # An official event does, and a due date before signing is dropped.
    engine.apply(
        commitment(
            "c3",
            "istanbul-2025-06",
            "remains",
            12000,
            "2025-06-02",
            per_side=False,
            origin="official",
            due="2025-01",
        )
    )
    remains = book.get("istanbul-2025-06")["commitments"]["remains"]
    assert (remains["count"], remains["per_side"], remains["due"]) == (12000, False, None)
    assert remains["event_ids"] == ["c2", "c3"]
    # The file is untouched; the stores hold the amended agreements.
    assert Config().agreements[1].commitments[0].count == 6000
    assert sorted(engine.stores.agreements) == ["istanbul-2025-06", "test-talks-2026-01"]
    ids = [a["id"] for a in engine.agreements()]
    assert ids == [
        "istanbul-2025-05",
        "istanbul-2025-06",
        "istanbul-2025-07",
        "test-talks-2026-01",
        "geneva-2026-02",
    ]


def test_a_new_kind_on_a_known_agreement_takes_exchanges_of_that_kind() -> None:
    engine = Engine(Stores.in_memory(), REMAINS_ONLY)
    engine.apply(exchange("p1", "2025-03-01", "pows", ua=5, ru=5))
    assert engine.stores.exchanges["x1"]["agreement"] is None
    engine.apply(commitment("c1", "test-2025-01", "pows", 100, "2025-01-10"))
    assert engine.stores.exchanges["x1"]["agreement"] == "test-2025-01"
    assert engine.agreement_book.get("test-2025-01")["kinds"] == ["remains", "pows"]


def test_agreements_view_reports_progress_per_commitment() -> None:
    engine = Engine(Stores.in_memory(), Config())
    engine.apply(
        exchange("a", "2025-05-23", "pows", ua=390, ru=390, source="hq", origin="official")
    )
    engine.apply(
        exchange("b", "2025-05-24", "pows", ua=307, ru=307, source="hq", origin="official")
    )
    engine.apply(
        exchange("c", "2025-05-25", "pows", ua=303, ru=303, source="hq", origin="official")
    )
    first = engine.agreements()[0]
    assert first["id"] == "istanbul-2025-05" and first["signed"] == "2025-05-16"
    assert first["gap_days"] == {"pows": 45}
    assert first["last_delivery"] == {"pows": "2025-05-25"}
    (c,) = first["commitments"]
    assert [(p["side"], p["delivered"], p["share"], p["complete"]) for p in c["progress"]] == [
        ("UA", 1000, 1.0, True),
        ("RU", 1000, 1.0, True),
    ]
    june = engine.agreements()[1]
    assert [c["count"] for c in june["commitments"]] == [6000, None]
