"""Builders of events and configurations, and a scenario runner over both kinds of stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from agents.core.config import AgreementSpec, CommitmentSpec, Config, Thresholds
from agents.core.engine import Engine, Outcome
from agents.core.replay import alert_line
from agents.core.stores import Stores
from schemas.alerts import Alert
from schemas.events import (
    AnyEvent,
    Claim,
    CommitmentEvent,
    ExchangeEvent,
    ResumptionEvent,
    SourceRef,
    SuspensionEvent,
    TotalEvent,
)

UTC = dt.UTC


def at(text: str, hour: int = 12) -> dt.datetime:
    """Noon UTC of a day (reports are published during the day)."""
    day = dt.date.fromisoformat(text)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def _reported(reported: str | dt.datetime | None, fallback: str) -> dt.datetime:
    if isinstance(reported, dt.datetime):
        return reported
    if reported is None:
        # Reduced dates: report on their first day.
        parts = fallback.split("-")
        fallback = "-".join([parts[0], *[*parts[1:], "01", "01"][:2]])
        return at(fallback)
    return at(reported)


def claim(
    by: str | None = None,
    ua: int | None = None,
    ru: int | None = None,
    combined: int | None = None,
    source: str = "outlet",
) -> Claim:
    received = {k: v for k, v in (("UA", ua), ("RU", ru)) if v is not None}
    return Claim(by=by, received=received, combined=combined, source=source)  # type: ignore[arg-type]


def exchange(
    eid: str,
    occurred: str,
    kind: str = "remains",
    ua: int | None = None,
    ru: int | None = None,
    combined: int | None = None,
    *,
    source: str = "exchange-watch/reader",
    origin: str = "news",
    historical: bool = False,
    reported: str | dt.datetime | None = None,
    claims: Sequence[Claim] = (),
    agreement: str | None = None,
    url: str | None = None,
) -> ExchangeEvent:
    received = {k: v for k, v in (("UA", ua), ("RU", ru)) if v is not None}
    return ExchangeEvent(
        event_id=eid,
        source=source,
        kind=kind,  # type: ignore[arg-type]
        occurred=occurred,
        received=received,  # type: ignore[arg-type]
        combined=combined,
        origin=origin,  # type: ignore[arg-type]
        historical=historical,
        reported_at=_reported(reported, occurred),
        claims=list(claims),
        agreement_id=agreement,
        sources=[SourceRef(item_id=eid, url=url or f"https://example.org/{eid}", outlet="test")],
    )


def suspension(
    eid: str,
    kind: str,
    since: str,
    reported: str | None = None,
    *,
    reason: str | None = None,
    by: str | None = None,
) -> SuspensionEvent:
    return SuspensionEvent(
        event_id=eid,
        source="test",
        kind=kind,
        since=since,  # type: ignore[arg-type]
        reason=reason,
        by=by,
        reported_at=_reported(reported, since),  # type: ignore[arg-type]
        sources=[SourceRef(url=f"https://example.org/{eid}")],
    )


def resumption(eid: str, kind: str, on: str, reported: str | None = None) -> ResumptionEvent:
    return ResumptionEvent(
        event_id=eid,
        source="test",
        kind=kind,
        on=on,  # type: ignore[arg-type]
        reported_at=_reported(reported, on),
    )


def commitment(
    eid: str,
    agreement: str,
    kind: str,
    count: int,
    signed: str,
    *,
    due: str | None = None,
    per_side: bool = True,
    origin: str = "news",
    reported: str | None = None,
) -> CommitmentEvent:
    return CommitmentEvent(
        event_id=eid,
        source="test",
        agreement_id=agreement,
        kind=kind,  # type: ignore[arg-type]
        count=count,
        signed=signed,
        due=due,
        per_side=per_side,
        origin=origin,  # type: ignore[arg-type]
        reported_at=_reported(reported, signed),
    )


def total(
    eid: str,
    kind: str,
    side: str | None,
    count: int,
    as_of: str,
    *,
    since: str | None = None,
    claimed_by: str | None = None,
    reported: str | None = None,
) -> TotalEvent:
    return TotalEvent(
        event_id=eid,
        source="test",
        kind=kind,
        received_by=side,  # type: ignore[arg-type]
        count=count,
        as_of=as_of,
        since=since,
        claimed_by=claimed_by,  # type: ignore[arg-type]
        reported_at=_reported(reported, as_of),
    )


def clock_at(eid: str, day: str) -> TotalEvent:
    """An event that only moves the clock (a cumulative figure never touches the tables)."""
    return total(eid, "civilians", None, 1, day, reported=day)


def agreement(
    aid: str,
    signed: str,
    kinds: Sequence[str],
    *,
    commitments: Sequence[CommitmentSpec] = (),
    gap_days: dict[str, int] | None = None,
) -> AgreementSpec:
    return AgreementSpec(
        id=aid,
        signed=signed,
        kinds=tuple(kinds),  # type: ignore[arg-type]
        commitments=tuple(commitments),
        gap_days=gap_days or {},  # type: ignore[arg-type]
    )


def config(*agreements: AgreementSpec, **thresholds: Any) -> Config:
    return Config(thresholds=Thresholds(**thresholds), agreements=tuple(agreements))


# One agreement covering remains only, signed well before the scenarios' exchanges.
REMAINS_ONLY = config(agreement("test-2025-01", "2025-01-10", ["remains"]))


@dataclass(frozen=True)
class Tick:
    """The live worker's timer: evaluate the rules at `now` (the clock does not move)."""

    now: dt.datetime


Step = AnyEvent | Tick


@dataclass
class Run:
    engine: Engine
    outcomes: list[Outcome | list[Alert]] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    @property
    def lines(self) -> list[bytes]:
        return [alert_line(a) for a in self.alerts]

    def summary_bytes(self) -> bytes:
        return orjson.dumps(self.engine.summary(), option=orjson.OPT_SORT_KEYS)

    def state(self) -> dict[str, dict[str, Any]]:
        return {name: dict(store.items()) for name, store in self.engine.stores.named().items()}

    def brief(self) -> list[tuple[str, str, str, str, str]]:
        """(status, alertname, agreement, kind, severity) of every message, in order."""
        return [
            (a.status, a.labels.alertname, a.labels.agreement, a.labels.kind, a.labels.severity)
            for a in self.alerts
        ]


def run_steps(steps: Sequence[Step], cfg: Config, json_roundtrip: bool = False) -> Run:
    run = Run(Engine(Stores.in_memory(json_roundtrip=json_roundtrip), cfg))
    for step in steps:
        if isinstance(step, Tick):
            got = run.engine.tick(step.now)
            run.outcomes.append(got)
            run.alerts.extend(got)
        else:
            outcome = run.engine.apply(step)
            run.outcomes.append(outcome)
            run.alerts.extend(outcome.alerts)
    return run


def run_both(steps: Sequence[Step], cfg: Config) -> Run:
    """Run with plain dicts and with JSON round-tripping stores; both must agree exactly."""
    plain = run_steps(steps, cfg)
    tables = run_steps(steps, cfg, json_roundtrip=True)
    assert plain.lines == tables.lines
    assert plain.summary_bytes() == tables.summary_bytes()
    assert plain.state() == tables.state()
    return plain
