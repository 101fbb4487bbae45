"""Suspensions of a kind of exchange: reported, merged, ended by a resumption or an exchange.

A suspension record (`suspensions[<kind>|<n>]`): {"key", "kind", "since", "reason", "by",
"ended", "ended_by": {"type": "resumption"|"exchange", "event_id"} | null, "event_ids",
"urls", "seq"}. The index `meta["suspensions|<kind>"]` = {"keys": [the latest 50 suspensions
of the kind, oldest first], "active": key | null, "last_ended": key | null}: at most one
suspension of a kind is active at a time; older ended ones leave the index (and the views).

- A report joins a known suspension of its kind when its `since` overlaps that suspension's
  since, or falls between its since and its end (or it is still active); a more precise since
  inside the known one replaces it. A report whose since is earlier than a known suspension
  joins it too (and moves its since earlier) unless an exchange of that kind lies in between.
- A new suspension is ended at once when a resumption dated on or after its since, or an
  exchange dated after its since period, is already known (the earlier of the two); otherwise
  it is active.
- An active suspension ends on a resumption dated on or after its since, or on an exchange of
  its kind dated after its since period ("since 2025-10" ends with an exchange from 2025-11-01;
  "since 2025-10-17" with one from 2025-10-18).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from agents.core.agreements import add_capped
from agents.core.dates import Period, period
from agents.core.exchanges import ExchangeBook
from agents.core.memo import Versions
from agents.core.stores import JSON, Stores, fresh
from schemas.events import ResumptionEvent, SourceRef, SuspensionEvent

MAX_KEPT = 50
MAX_RESUMPTIONS = 50
MAX_REASON = 300


def since_day(record: JSON) -> dt.date:
    return period(record["since"]).start


def ended_day(record: JSON) -> dt.date | None:
    return period(record["ended"]).start if record.get("ended") else None


def urls_of(sources: list[SourceRef]) -> list[str]:
    return [ref.url for ref in sources if ref.url]


class SuspensionBook:
    def __init__(self, stores: Stores, exchanges: ExchangeBook) -> None:
        self.s = stores
        self.exchanges = exchanges
        # The rules read every kind's index and records on every evaluation: kept in memory,
        # written through, until the engine forgets them.
        self._indexes: dict[str, JSON] = {}
        self._records: dict[str, JSON] = {}
        # kind -> changes whenever a suspension of the kind is saved (the rules' token).
        self.versions = Versions()

    def forget(self) -> None:
        self._indexes.clear()
        self._records.clear()
        self.versions.forget()

    def _index(self, kind: str) -> JSON:
        found = self._indexes.get(kind)
        if found is None:
            found = self._indexes[kind] = self.s.meta.get(f"suspensions|{kind}") or {
                "keys": [],
                "active": None,
                "last_ended": None,
            }
        return found

    def _record(self, key: str) -> JSON:
        found = self._records.get(key)
        if found is None:
            found = self._records[key] = self.s.suspensions[key]
        return found

    def records(self, kind: str) -> list[JSON]:
        keys = self._index(kind)["keys"]
        return sorted((self._record(k) for k in keys), key=lambda r: (since_day(r), r["seq"]))

    def active(self, kind: str) -> JSON | None:
        key = self._index(kind)["active"]
        return None if key is None else self._record(key)

    def latest_ended(self, kind: str) -> JSON | None:
        key = self._index(kind)["last_ended"]
        return None if key is None else self._record(key)

    def _save(self, record: JSON) -> str:
        """Store a record and keep the index (active, latest ended, latest keys) right."""
        kind, key = record["kind"], record["key"]
        self.s.suspensions[key] = record
        self._records[key] = record
        self.versions.bump(kind)
        old = self._index(kind)
        keys = list(old["keys"]) if key in old["keys"] else [*old["keys"], key]
        active, last_ended = old["active"], old["last_ended"]
        if record.get("ended"):
            if active == key:
                active = None
            current = self.latest_ended(kind) if last_ended not in (None, key) else None
            if current is None or (ended_day(record), record["seq"]) >= (
                ended_day(current),
                current["seq"],
            ):
                last_ended = key
        else:
            active = key
        while len(keys) > MAX_KEPT:
            dropped = next(k for k in keys if k not in (active, last_ended))
            keys.remove(dropped)
        new = {"keys": keys, "active": active, "last_ended": last_ended}
        if new != old:
            self.s.meta[f"suspensions|{kind}"] = new
            self._indexes[kind] = new
        return str(key)

    def report(self, ev: SuspensionEvent, seq: int) -> str:
        p = period(ev.since)
        found: list[JSON | None] = []

        def blocker() -> JSON | None:
            # The first exchange of the kind after the since period (looked up once, if needed).
            if not found:
                found.append(self.exchanges.first_after(ev.kind, p.end))
            return found[0]

        target = self._place(ev.kind, p, blocker)
        if target is not None:
            return self._merge(fresh(target), ev)
        return self._create(ev, seq, blocker())

    def _place(self, kind: str, new: Period, blocker: Callable[[], JSON | None]) -> JSON | None:
        start = new.start
        for record in self.records(kind):
            rp = period(record["since"])
            end = ended_day(record)
            if (
                rp.contains(new)
                or new.contains(rp)
                or (rp.start <= start and (end is None or start <= end))
            ):
                return record
            if start < rp.start:
                found = blocker()
                if found is None or period(found["occurred"]).start >= rp.start:
                    return record
        return None

    def _merge(self, record: dict[str, JSON], ev: SuspensionEvent) -> str:
        rp = period(record["since"])
        new = period(ev.since)
        if (rp.contains(new) and new.rank > rp.rank) or (
            new.start < rp.start and not new.contains(rp)
        ):
            record["since"] = new.text
        record["event_ids"] = add_capped(record["event_ids"], [ev.event_id], 200)
        record["urls"] = add_capped(record["urls"], urls_of(list(ev.sources)), 200)
        if not record.get("reason") and ev.reason:
            record["reason"] = ev.reason[:MAX_REASON]
        if record.get("by") is None and ev.by is not None:
            record["by"] = ev.by
        return self._save(record)

    def _create(self, ev: SuspensionEvent, seq: int, blocker: JSON | None) -> str:
        p = period(ev.since)
        ends: list[tuple[dt.date, str, dict[str, JSON]]] = []
        if blocker is not None:
            ends.append(
                (
                    period(blocker["occurred"]).start,
                    blocker["occurred"],
                    {"type": "exchange", "event_id": blocker["first_event_id"]},
                )
            )
        for res in self.s.resumptions.get(ev.kind) or []:
            on = period(res["on"])
            if on.start >= p.start:
                ends.append(
                    (on.start, res["on"], {"type": "resumption", "event_id": res["event_id"]})
                )
        ended = min(ends, key=lambda e: e[0]) if ends else None
        key = f"{ev.kind}|{seq}"
        return self._save(
            {
                "key": key,
                "kind": ev.kind,
                "since": ev.since,
                "reason": ev.reason[:MAX_REASON] if ev.reason else None,
                "by": ev.by,
                "ended": ended[1] if ended else None,
                "ended_by": ended[2] if ended else None,
                "event_ids": [ev.event_id],
                "urls": add_capped([], urls_of(list(ev.sources)), 200),
                "seq": seq,
            }
        )

    def _end(self, record: JSON, on: str, by: dict[str, JSON]) -> str:
        return self._save({**record, "ended": on, "ended_by": by})

    def resume(self, ev: ResumptionEvent) -> str | None:
        """Record a resumption; ends the active suspension of its kind when dated on or after
        its since. Returns the key of the suspension it ended."""
        kept = [r for r in self.s.resumptions.get(ev.kind) or [] if r["event_id"] != ev.event_id]
        kept.append({"on": ev.on, "event_id": ev.event_id, "urls": urls_of(list(ev.sources))[:20]})
        kept.sort(key=lambda r: (period(r["on"]).start, r["event_id"]))
        self.s.resumptions[ev.kind] = kept[-MAX_RESUMPTIONS:]
        active = self.active(ev.kind)
        if active is not None and period(ev.on).start >= since_day(active):
            return self._end(active, ev.on, {"type": "resumption", "event_id": ev.event_id})
        return None

    def on_exchange(self, kind: str, occurred: str, event_id: str) -> str | None:
        """An exchange of `kind` dated `occurred` is known: it ends an active suspension
        whose since period it is after."""
        active = self.active(kind)
        if active is not None and period(occurred).start > period(active["since"]).end:
            return self._end(active, occurred, {"type": "exchange", "event_id": event_id})
        return None
