"""JSON views of agreements (with commitment progress) and suspensions, for the HTTP pages."""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from agents.core.agreements import AgreementBook, signed_day
from agents.core.config import Config
from agents.core.dates import period
from agents.core.ledger import Ledger
from agents.core.pace import side_progress
from agents.core.rules import Rules
from agents.core.stores import JSON


class Engine(Protocol):
    """The parts of `agents.core.engine.Engine` the views read (the engine imports this
    module, so the views name what they need instead of importing the engine)."""

    config: Config
    ledger: Ledger
    agreement_book: AgreementBook
    rules: Rules


def agreement_view(engine: Engine, record: JSON, day: dt.date | None) -> JSON:
    agreement = str(record["id"])
    signed = signed_day(record)
    at = max(day or signed, signed)
    kinds = list(record["kinds"])
    commitments: list[JSON] = []
    for kind in kinds:
        spec = record["commitments"].get(kind)
        if spec is None:
            continue
        c = engine.rules.commitment(record, kind)
        progress: list[JSON] = []
        if c is not None:
            s = engine.rules.series(c, at - dt.timedelta(days=c.window_days), at)
            progress = [side_progress(c, s, side, at) for side in c.sides()]
        commitments.append(
            {
                "kind": kind,
                "count": int(spec["count"]) or None,
                "per_side": spec["per_side"],
                "categories": spec["categories"],
                "due": spec["due"],
                "approximate": spec["approximate"],
                "origin": spec["origin"],
                "event_ids": spec["event_ids"],
                "urls": spec["urls"],
                "progress": progress,
            }
        )
    last = {k: engine.ledger.last_delivery(agreement, k, signed, at) for k in kinds}
    return {
        "id": agreement,
        "name": record.get("name") or "",
        "parties": record["parties"],
        "mediators": record["mediators"],
        "signed": record["signed"],
        "origin": record["origin"],
        # the agreements file in force, for agreements that come from it
        "file": engine.config.source if record["origin"] == "file" else None,
        "kinds": kinds,
        "gap_days": {k: engine.agreement_book.gap_days(record, k) for k in kinds},
        "delivered": {k: engine.ledger.progress(agreement, k) for k in kinds},
        "last_delivery": {k: (v.isoformat() if v else None) for k, v in last.items()},
        "commitments": commitments,
        "event_ids": record["event_ids"],
        "urls": record["urls"],
    }


def suspension_view(engine: Engine, record: JSON, day: dt.date | None) -> JSON:
    since = period(record["since"]).start
    end = period(record["ended"]).start if record.get("ended") else day
    found = engine.agreement_book.in_force(record["kind"], since)
    return {
        "kind": record["kind"],
        "since": record["since"],
        "ended": record.get("ended"),
        "ended_by": record.get("ended_by"),
        "duration_days": max(0, (end - since).days) if end is not None else None,
        "active": not record.get("ended"),
        "agreement": None if found is None else found["id"],
        "reason": record.get("reason"),
        "by": record.get("by"),
        "event_ids": record["event_ids"],
        "urls": record["urls"],
    }
