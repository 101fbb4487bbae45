"""Agreements: the file's (Config) overlaid by those added or amended by commitment events.

An agreement covers the kinds it names and the kinds of its commitments; it holds at most one
commitment per kind (count 0: no fixed number, e.g. the POW categories of istanbul-2025-06).

Commitment events:
- an unknown `agreement_id` creates the agreement (signed, parties and mediators from the event);
- a kind the agreement has no commitment for adds that commitment;
- for a kind it already has, an `official` event replaces count, per_side, categories, due and
  approximate (the file is the curated reference, news does not override it), while a news
  event only adds its event id and sources;
- the signed date of an existing agreement is never changed; a `due` before signing is dropped.

Attachment: an exchange attaches to the agreement named in it when that agreement is known,
else to the agreement in force for its kind on its date: the latest signed on or before that
date among those covering the kind (ties by id). Exchanges before any agreement attach to none.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from agents.core.config import AgreementSpec, Config
from agents.core.dates import period
from agents.core.stores import JSON, Stores, fresh
from schemas.common import KINDS
from schemas.events import CommitmentEvent

MAX_REFS = 50


def spec_record(spec: AgreementSpec) -> dict[str, JSON]:
    return {
        "id": spec.id,
        "name": spec.name,
        "signed": spec.signed,
        "parties": list(spec.parties),
        "mediators": list(spec.mediators),
        "kinds": list(spec.covered_kinds()),
        "gap_days": {k: int(v) for k, v in sorted(spec.gap_days.items())},
        "origin": "file",
        "commitments": {
            c.kind: {
                "count": c.count,
                "per_side": c.per_side,
                "categories": list(c.categories),
                "due": c.due,
                "approximate": c.approximate,
                "origin": "file",
                "event_ids": [],
                "urls": [],
            }
            for c in spec.commitments
        },
        "event_ids": [],
        "urls": [],
    }


def signed_day(record: JSON) -> dt.date:
    return period(record["signed"]).start


def add_capped(items: list[str], new: list[str], cap: int = MAX_REFS) -> list[str]:
    out = list(items)
    for item in new:
        if item not in out and len(out) < cap:
            out.append(item)
    return out


@dataclass(frozen=True)
class AgreementChange:
    agreement: str
    created: bool
    kind_added: bool


class AgreementBook:
    """Read and amend agreements. Without stores (the news reader) it knows the file only.

    The rules ask for the agreements in force several times per event: the sorted list and,
    per kind, the signing days are kept in memory until `forget` (called by `apply`, and by
    the engine whenever the stores may have changed under it). `generation` counts the
    forgets, for memos built on the records.
    """

    def __init__(self, config: Config, stores: Stores | None = None) -> None:
        self.config = config
        self.s = stores
        self._file = {spec.id: spec_record(spec) for spec in config.agreements}
        self.generation = 0
        self._sorted: list[JSON] | None = None
        self._by_kind: dict[str, tuple[list[dt.date], list[JSON]]] = {}

    def forget(self) -> None:
        self.generation += 1
        self._sorted = None
        self._by_kind = {}

    def ids(self) -> list[str]:
        runtime = list(self.s.meta.get("agreements") or []) if self.s is not None else []
        return sorted(set(self._file) | set(runtime))

    def get(self, agreement_id: str) -> JSON | None:
        """The agreement as in force now (read-only: copy with `fresh` before changing)."""
        if self.s is not None:
            stored = self.s.agreements.get(agreement_id)
            if stored is not None:
                return stored
        return self._file.get(agreement_id)

    def all(self) -> list[JSON]:
        """Every agreement, by signing day then id (read-only records)."""
        if self._sorted is None:
            records = [r for r in (self.get(i) for i in self.ids()) if r is not None]
            self._sorted = sorted(records, key=lambda r: (signed_day(r), r["id"]))
        return list(self._sorted)

    def in_force(self, kind: str, day: dt.date) -> JSON | None:
        """The latest signed on or before `day` among those covering `kind` (ties by id)."""
        found = self._by_kind.get(kind)
        if found is None:
            covering = [r for r in self.all() if kind in r["kinds"]]
            found = ([signed_day(r) for r in covering], covering)
            self._by_kind[kind] = found
        signed, records = found
        at = bisect.bisect_right(signed, day)
        return records[at - 1] if at else None

    def attach(self, kind: str, day: dt.date, named: str | None) -> str | None:
        if named is not None and self.get(named) is not None:
            return named
        record = self.in_force(kind, day)
        return None if record is None else str(record["id"])

    def gap_days(self, record: JSON, kind: str) -> int:
        """The one door to a gap threshold: the agreement's own for the kind, else the
        configured one (file, then settings)."""
        own = record.get("gap_days") or {}
        return int(own[kind]) if kind in own else self.config.thresholds.gap_days(kind)

    def apply(self, ev: CommitmentEvent) -> AgreementChange:
        if self.s is None:
            raise RuntimeError("an AgreementBook without stores cannot be amended")
        old = self.get(ev.agreement_id)
        if old is None:
            record: dict[str, JSON] = {
                "id": ev.agreement_id,
                "name": "",
                "signed": ev.signed,
                "parties": sorted(ev.parties),
                "mediators": sorted(set(ev.mediators)),
                "kinds": [],
                "gap_days": {},
                "origin": "event",
                "commitments": {},
                "event_ids": [],
                "urls": [],
            }
        else:
            record = fresh(old)
        due = ev.due
        if due is not None and period(due).start < signed_day(record):
            due = None
        figures = {
            "count": ev.count,
            "per_side": ev.per_side,
            "categories": list(ev.categories),
            "due": due,
            "approximate": ev.approximate,
            "origin": ev.origin,
        }
        current = record["commitments"].get(ev.kind)
        commitment: dict[str, JSON]
        if current is None:
            commitment = {**figures, "event_ids": [], "urls": []}
        elif ev.origin == "official":
            commitment = {**current, **figures}
        else:
            commitment = dict(current)
        urls = [ref.url for ref in ev.sources if ref.url]
        commitment["event_ids"] = add_capped(commitment["event_ids"], [ev.event_id])
        commitment["urls"] = add_capped(commitment["urls"], urls)
        record["commitments"] = {**record["commitments"], ev.kind: commitment}
        kind_added = ev.kind not in record["kinds"]
        record["kinds"] = [k for k in KINDS if k in record["kinds"] or k == ev.kind]
        record["mediators"] = sorted(set(record["mediators"]) | set(ev.mediators))
        record["event_ids"] = add_capped(record["event_ids"], [ev.event_id])
        record["urls"] = add_capped(record["urls"], urls)
        self.s.agreements[ev.agreement_id] = record
        runtime = list(self.s.meta.get("agreements") or [])
        if ev.agreement_id not in runtime:
            self.s.meta["agreements"] = sorted([*runtime, ev.agreement_id])
        self.forget()
        return AgreementChange(ev.agreement_id, created=old is None, kind_added=kind_added)
