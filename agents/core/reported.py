"""Cumulative figures as reported (TotalEvent): kept beside the tables, never added to them.

Per kind, receiving side (or "combined") and claimant (or "media"), the latest figure is kept:
a later `as_of` replaces an earlier one; on the same first day, the more precise date wins,
then the report seen last. The view sets each figure beside what the tracked exchanges
explain: the people the tables count for that side (all sides for a combined figure) from
`since` (or the first tracked exchange) to the end of `as_of`.
"""

from __future__ import annotations

from agents.core.dates import period
from agents.core.ledger import SIDES, Ledger
from agents.core.stores import JSON, Stores
from schemas.events import TotalEvent


def total_key(ev: TotalEvent) -> str:
    return f"{ev.kind}|{ev.received_by or 'combined'}|{ev.claimed_by or 'media'}"


class ReportedTotals:
    def __init__(self, stores: Stores, ledger: Ledger) -> None:
        self.s = stores
        self.ledger = ledger

    def record(self, ev: TotalEvent) -> str:
        key = total_key(ev)
        old = self.s.reported_totals.get(key)
        new = period(ev.as_of)
        if old is not None:
            cur = period(old["as_of"])
            if (new.start, new.rank) < (cur.start, cur.rank):
                return key
        self.s.reported_totals[key] = {
            "kind": ev.kind,
            "received_by": ev.received_by,
            "claimed_by": ev.claimed_by,
            "count": ev.count,
            "as_of": ev.as_of,
            "since": ev.since,
            "approximate": ev.approximate,
            "origin": ev.origin,
            "event_id": ev.event_id,
            "urls": [ref.url for ref in ev.sources if ref.url][:20],
        }
        keys = list(self.s.meta.get("reported_totals") or [])
        if key not in keys:
            self.s.meta["reported_totals"] = sorted([*keys, key])
        return key

    def view(self) -> list[JSON]:
        out: list[JSON] = []
        for key in self.s.meta.get("reported_totals") or []:
            rec = self.s.reported_totals[key]
            kind = rec["kind"]
            last = period(rec["as_of"]).end
            bounds = self.ledger.bounds(kind)
            if rec.get("since"):
                first = period(rec["since"]).start
            else:
                first = bounds[0] if bounds else last
            counted = self.ledger.sum_range(kind, first, last) if first <= last else None
            side = rec["received_by"]
            if counted is None:
                tracked = 0
            elif side is None:
                tracked = sum(counted[s] for s in SIDES)
            else:
                tracked = counted[side]
            count = int(rec["count"])
            out.append(
                {
                    **rec,
                    "tracked": tracked,
                    "explained_share": round(tracked / count, 4) if count else None,
                }
            )
        return out
