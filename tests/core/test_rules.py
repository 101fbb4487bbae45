from __future__ import annotations

import re

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.rules import fingerprint
from agents.core.stores import Stores
from schemas.alerts import Alert
from tests.core.helpers import REMAINS_ONLY, Tick, at, exchange, run_steps, suspension

FP_GAP_REMAINS_JUNE = "e78baf87f090657e"


def test_fingerprint_is_over_every_label() -> None:
    fp = fingerprint("ExchangeGap", "istanbul-2025-06", "remains", "warning")
    assert re.fullmatch(r"[0-9a-f]{16}", fp)
    assert fp == fingerprint("ExchangeGap", "istanbul-2025-06", "remains", "warning")
    assert fp != fingerprint("ExchangeGap", "istanbul-2025-06", "pows", "warning")
    assert fp != fingerprint("BehindCommitment", "istanbul-2025-06", "remains", "warning")
    # Alertmanager tells alerts apart by all their labels: so does the fingerprint.
    assert fp != fingerprint("ExchangeGap", "istanbul-2025-06", "remains", "critical")
    # SHA-256 of "agreement=...\nalertname=...\nkind=...\nseverity=..." (sorted labels),
    # first 16 digits.
    assert fp == FP_GAP_REMAINS_JUNE
    run = run_steps([exchange("a", "2025-04-26", ua=1), Tick(at("2025-06-01"))], REMAINS_ONLY)
    (alert,) = run.alerts
    assert alert.fingerprint == fingerprint("ExchangeGap", "test-2025-01", "remains", "warning")


def test_starts_at_does_not_depend_on_when_rules_ran() -> None:
    base = [exchange("a", "2025-04-26", ua=1)]
    early = run_steps([*base, Tick(at("2025-05-27"))], REMAINS_ONLY)
    late = run_steps([*base, Tick(at("2025-06-20"))], REMAINS_ONLY)
    assert early.alerts[0].startsAt == late.alerts[0].startsAt == at("2025-05-26", 0)
    assert early.alerts[0] == late.alerts[0]


def test_reevaluating_changes_nothing() -> None:
    e = Engine(Stores.in_memory(), REMAINS_ONLY)
    e.apply(exchange("a", "2025-04-26", ua=1))
    assert len(e.tick(at("2025-07-01"))) == 2  # past twice the gap: warning and critical
    for _ in range(5):
        assert e.tick(at("2025-07-01")) == []
        assert e.tick(at("2025-06-30")) == []  # an earlier wall clock changes nothing either
    assert len(e.alerts()) == 2
    for alert in e.alerts():
        Alert.model_validate(alert)


def test_alert_wording_is_attributed_and_neutral() -> None:
    e = Engine(Stores.in_memory(), Config())
    e.apply(
        suspension(
            "s1", "pows", "2025-10", "2026-01-29", reason="Each side blames the other", by="RU"
        )
    )
    texts = [
        a["annotations"]["summary"] + " " + a["annotations"]["description"] for a in e.alerts()
    ]
    joined = " ".join(texts)
    assert "statement attributed to RU" in joined
    for word in ("brutal", "aggression", "terror", "heroic", "regime", "atrocious", "!"):
        assert word not in joined
    # Every alert says which agreement and kind, and carries its evidence.
    for alert in e.alerts():
        assert alert["labels"]["agreement"] in alert["annotations"]["description"] or (
            alert["labels"]["agreement"] in alert["annotations"]["summary"]
        )


def test_gap_alert_of_a_replaced_agreement_resolves_at_the_new_signing() -> None:
    from agents.core.config import CommitmentSpec
    from tests.core.helpers import agreement, config

    cfg = config(
        agreement("old-2025-01", "2025-01-10", ["pows"]),
        agreement("new-2025-06", "2025-06-15", ["pows"], commitments=[CommitmentSpec(kind="pows")]),
    )
    run = run_steps(
        [
            exchange("a", "2025-03-01", "pows", ua=5, ru=5),
            Tick(at("2025-05-01")),
            Tick(at("2025-06-20")),
        ],
        cfg,
    )
    assert run.brief() == [
        ("firing", "ExchangeGap", "old-2025-01", "pows", "warning"),
        ("resolved", "ExchangeGap", "old-2025-01", "pows", "warning"),
    ]
    assert run.alerts[1].endsAt == at("2025-06-15", 0)
