"""The rules run again for a kind only when what they read of it changed or a deadline passed.

`Rules` keeps what each kind's rules wanted (`KindPart`), with the versions of what they read and
the first instant a time-based condition of theirs turns. These tests watch which kinds run.
"""

from __future__ import annotations

import datetime as dt

import pytest

from agents.core.engine import Engine
from agents.core.rules import Rules
from agents.core.stores import Stores
from tests.core.helpers import agreement, at, config, exchange

CONFIG = config(
    agreement("test-2025-01", "2025-01-10", ["remains", "pows"]),
    gap_remains_days=20,
    gap_pows_days=25,
)
UTC = dt.UTC


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The kinds whose rules ran, in order."""
    ran: list[str] = []
    original = Rules._run_kind

    def spy(self: Rules, kind: str, *args: object) -> object:
        ran.append(kind)
        return original(self, kind, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Rules, "_run_kind", spy)
    return ran


def test_an_untouched_kind_keeps_its_result(runs: list[str]) -> None:
    e = Engine(Stores.in_memory(), CONFIG)
    e.apply(exchange("r1", "2025-01-12", "remains", ua=10, reported="2025-01-12"))
    e.apply(exchange("p1", "2025-01-12", "pows", ua=20, reported="2025-01-12"))
    kept = e.rules._parts["remains"]
    runs.clear()
    # Same day, so the clock does not move: only the evaluation after the swap runs.
    e.apply(exchange("p2", "2025-01-12", "pows", ua=300, ru=5, reported="2025-01-12"))
    assert runs == ["pows"]
    assert e.rules._parts["remains"] is kept
    runs.clear()
    e.apply(exchange("r2", "2025-01-12", "remains", ua=400, reported="2025-01-12"))
    assert runs == ["remains"]
    assert e.rules._parts["remains"] is not kept


def test_a_deadline_crossed_runs_the_kind_again(runs: list[str]) -> None:
    e = Engine(Stores.in_memory(), CONFIG)
    e.apply(exchange("r1", "2025-01-12", "remains", ua=10, reported="2025-01-12"))
    e.apply(exchange("p1", "2025-01-12", "pows", ua=20, reported="2025-01-12"))
    threshold = dt.datetime(2025, 2, 1, tzinfo=UTC)  # 2025-01-12 + 20 days, 00:00
    runs.clear()
    assert e.tick(threshold - dt.timedelta(days=3)) == []
    assert e.tick(threshold) == []  # at it, not past it: nothing fires
    assert runs == []  # nothing written, no deadline reached: nothing runs
    # One second later the remains gap is past its threshold: that kind runs and fires; the
    # pows gap (25 days) has no deadline before 2025-02-06.
    fired = e.tick(threshold + dt.timedelta(seconds=1))
    assert runs == ["remains"]
    assert [(a.labels.alertname, a.labels.kind, a.labels.severity) for a in fired] == [
        ("ExchangeGap", "remains", "warning")
    ]
    assert fired[0].startsAt == threshold


def test_a_tick_before_the_memo_runs_again(runs: list[str]) -> None:
    """What a kind wanted at an instant holds from that instant on, not before it: an
    earlier evaluation runs the kind again and says what an engine without memory says."""
    stores = Stores.in_memory()
    e = Engine(stores, CONFIG)
    e.apply(exchange("r1", "2025-01-12", "remains", ua=10, reported="2025-01-12"))
    assert e.tick(at("2025-03-20"))  # past the gaps
    assert e.tick(at("2025-03-20")) == []  # (what each kind wants is kept at 2025-03-20)
    runs.clear()
    # An earlier wall clock is raised to the event clock (2025-01-12), where the gap has not
    # passed: the memo made at 2025-03-20 cannot answer for that instant.
    got = e.tick(at("2025-01-13"))
    assert "remains" in runs
    stores_again = Stores(**{n: dict(s) for n, s in stores.named().items()})
    e.tick(at("2025-03-20"))  # (back where the alerts fire, in both)
    Engine(stores_again, CONFIG).tick(at("2025-03-20"))
    fresh = Engine(stores_again, CONFIG).tick(at("2025-01-13"))
    assert got == fresh


def test_swaps_of_a_kind_without_agreement_run_nothing_until_one_is_signed(
    runs: list[str],
) -> None:
    cfg = config(
        agreement("test-2025-01", "2025-01-10", ["remains"]),
        agreement("test-2025-02", "2025-01-25", ["civilians"]),
        gap_remains_days=20,
        gap_civilians_days=20,
    )
    e = Engine(Stores.in_memory(), cfg)
    e.apply(exchange("r1", "2025-01-12", "remains", ua=10, reported="2025-01-12"))
    runs.clear()
    # No agreement in force for civilians yet: their rules read none of their swaps.
    e.apply(exchange("c1", "2025-01-12", "civilians", ua=10, reported="2025-01-12"))
    e.apply(exchange("c2", "2025-01-12", "civilians", ua=300, reported="2025-01-12"))
    assert runs == []
    # From the signing on they do: the signing day is a deadline, then every swap counts.
    e.apply(exchange("r2", "2025-01-25", "remains", ua=10, reported="2025-01-25"))
    assert runs == ["remains", "pows", "civilians", "remains"]
    runs.clear()
    e.apply(exchange("c3", "2025-01-25", "civilians", ua=700, reported="2025-01-25"))
    assert runs == ["civilians"]


def test_the_same_wants_against_the_same_alerts_skip_the_state_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    transitions: list[dt.datetime] = []
    original = Rules._transition

    def spy(self: Rules, at: dt.datetime, *args: object) -> object:
        transitions.append(at)
        return original(self, at, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(Rules, "_transition", spy)
    e = Engine(Stores.in_memory(), CONFIG)
    e.apply(exchange("r1", "2025-01-12", "remains", ua=10, reported="2025-01-12"))
    transitions.clear()
    # Civilians have no agreement: their swaps change no kind's wants, nothing is compared.
    e.apply(exchange("c1", "2025-01-12", "civilians", ua=10, reported="2025-01-12"))
    assert transitions == []
    # A remains swap makes the remains rules run again: their wants are compared again.
    e.apply(exchange("r2", "2025-01-12", "remains", ua=500, reported="2025-01-12"))
    assert len(transitions) == 1
    # A pows swap dated past the gaps moves the clock: alerts fire and resolve, the state
    # machine writes. The next evaluation compares the same wants against the alerts as
    # they now are, once; the one after has nothing new to compare.
    assert e.apply(exchange("p1", "2025-02-05", "pows", ua=30, reported="2025-02-05")).alerts
    after_writes = len(transitions)
    e.apply(exchange("c2", "2025-02-05", "civilians", ua=20, reported="2025-02-05"))
    assert len(transitions) == after_writes + 1
    e.apply(exchange("c3", "2025-02-05", "civilians", ua=30, reported="2025-02-05"))
    assert len(transitions) == after_writes + 1
