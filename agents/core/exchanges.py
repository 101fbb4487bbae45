"""Exchange reports into swaps: match, merge, resolve, and count the difference.

One stored swap (`exchanges[x<seq>]`) gathers every report of one exchange:
{"key", "kind", "occurred" (resolved date), "historical" (known only from background
mentions so far), "named" / "named_official" (agreement named by a report), "agreement"
(attached), "first_event_id", "first_source", "official_sources", "event_ids", "sources",
"claims", "votes" / "date_votes" (tallies of current reports' figures and dates), "hvotes" /
"hdate_votes" (the same for background mentions, used while no current report is known),
"counted" (contribution now in the tables), "reports", "seq"}.

Policies (see `dedupe.py` for matching and resolution):
- a report of the same kind whose date and figures fit an existing swap joins it: its sources,
  event id and claims are added, and the tables move by the difference of the resolved
  figures, never by the sum;
- an `official` event never joins a swap that already holds another event of the same
  official producer (`source`): one producer lists each swap once, so waves of one operation on
  consecutive days with near-equal figures stay apart;
- a `historical` report that fits a swap already reported as current adds only its sources,
  event id and claims (kept for the record, without votes): totals, windows and dates do not
  change. A historical report of an unknown swap creates it and counts once, at its own date;
  while a swap is known only from such background mentions, they resolve its figures and date
  among themselves (one gives UA's figure, another RU's); the first current report replaces
  them;
- the swap's date is resolved from its reports' dates like its figures: the most precise
  date wins (a day inside a known month, a month inside a known year), then official over
  news, then the date most reports give, and a tie goes to the earliest date, so that the
  result does not depend on the order of arrival. When it changes, the windows move;
- lists kept on a swap are capped (200 event ids, sources and claims); the tallies that decide
  the figures are not capped.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import NamedTuple

from agents.core.agreements import AgreementBook
from agents.core.config import Config
from agents.core.dates import Period, day_text, days, month_text, period
from agents.core.dedupe import (
    Figures,
    add_votes,
    compare_figures,
    contribution,
    date_distance,
    resolve,
    share_a_figure,
)
from agents.core.ledger import Ledger, Placement, sides_of
from agents.core.memo import Versions
from agents.core.stores import JSON, Stores, fresh
from schemas.events import ExchangeEvent

MAX_LIST = 200


def source_of(ev: ExchangeEvent) -> str:
    return ev.source or ""


def report_claims(ev: ExchangeEvent) -> list[dict[str, JSON]]:
    """The report's claims; figures of `received`/`combined` no claim gives become one more
    claim, attributed to nobody, from the event's producer."""
    claims: list[dict[str, JSON]] = [
        {"by": c.by, "received": dict(c.received), "combined": c.combined, "source": c.source}
        for c in ev.claims
    ]
    covered = {side for c in ev.claims for side in c.received}
    has_combined = any(c.combined is not None for c in ev.claims)
    missing = {s: n for s, n in ev.received.items() if s not in covered}
    missing_combined = ev.combined if ev.combined is not None and not has_combined else None
    if missing or missing_combined is not None:
        claims.append(
            {
                "by": None,
                "received": missing,
                "combined": missing_combined,
                "source": ev.source or "unknown",
            }
        )
    return claims


def resolved(record: JSON) -> Figures:
    return resolve(record["votes"] or record["hvotes"])


def resolved_date(record: JSON) -> str:
    return resolve_date(record["date_votes"] or record["hdate_votes"])


def vote_date(votes: dict[str, int], occurred: str, official: bool) -> dict[str, int]:
    key = f"{1 if official else 0}|{occurred}"
    return {**votes, key: votes.get(key, 0) + 1}


def resolve_date(votes: dict[str, int]) -> str:
    """Most precise, then official, then most reports, then the earliest date."""

    def rank(item: tuple[str, int]) -> tuple[int, int, int, str]:
        tier, text = item[0].split("|", 1)
        p = period(text)
        return (-p.rank, -int(tier), -item[1], text)

    return min(votes.items(), key=rank)[0].split("|", 1)[1]


def add_sources(old: list[JSON], ev: ExchangeEvent) -> list[JSON]:
    out = list(old)
    for ref in ev.sources:
        item = ref.model_dump(mode="json")
        if item not in out and len(out) < MAX_LIST:
            out.append(item)
    return out


def evidence(record: JSON) -> tuple[list[str], list[str]]:
    urls = [s["url"] for s in record.get("sources", []) if s.get("url")]
    return list(record.get("event_ids", [])), urls


def index_keys(kind: str, p: Period, tol: int) -> list[str]:
    """The `exchange_index` keys where a swap matching a report dated `p` can be listed.
    (Built afresh each time: a memo of them would keep two objects per date seen.)"""
    start = p.start
    if p.precision == "day":  # the days within the tolerance, then one month and one year
        keys = [f"{kind}|{(start + step).isoformat()}" for step in _steps(tol)]
        keys.append(f"{kind}|{month_text(start)}")
        keys.append(f"{kind}|{start.year:04d}")
        return keys
    span = days(p.start, p.end)
    keys = [f"{kind}|{day_text(d)}" for d in span]
    keys += sorted({f"{kind}|{month_text(d)}" for d in (p.start, p.end, *span)})
    keys += sorted({f"{kind}|{d.year:04d}" for d in (p.start, p.end)})
    return keys


@functools.lru_cache(maxsize=16)
def _steps(tol: int) -> tuple[dt.timedelta, ...]:
    """-tol .. tol days."""
    return tuple(dt.timedelta(days=i) for i in range(-tol, tol + 1))


class ExchangeResult(NamedTuple):
    key: str
    first_event_id: str
    created: bool
    occurred: str
    totals_delta: dict[str, int]


class ExchangeBook:
    def __init__(
        self, stores: Stores, config: Config, ledger: Ledger, agreements: AgreementBook
    ) -> None:
        self.s = stores
        self.tol = config.thresholds.match_tolerance_days
        self.rel = config.thresholds.figure_tolerance
        self.ledger = ledger
        self.agreements = agreements
        # kind -> changes whenever a swap of the kind is written, (agreement, kind) whenever
        # one attached to the agreement, before or after (the rules' memos of evidence).
        self.versions = Versions()
        self._last: dict[str, JSON | None] = {}  # meta["last|<kind>"], read once

    def forget(self) -> None:
        self.versions.forget()
        self._last.clear()

    # Matching.

    def candidate_keys(self, kind: str, p: Period) -> list[str]:
        out: list[str] = []
        listed = self.s.exchange_index.get
        for index_key in index_keys(kind, p, self.tol):
            for key in listed(index_key) or []:
                if key not in out:
                    out.append(key)
        return out

    def match(self, ev: ExchangeEvent, p: Period) -> JSON | None:
        candidates = self.candidate_keys(ev.kind, p)
        if not candidates:
            return None
        report = Figures(received={str(k): n for k, n in ev.received.items()}, combined=ev.combined)
        best: tuple[tuple[int, float, int], JSON] | None = None
        producer = source_of(ev) if ev.origin == "official" else None
        for key in candidates:
            record = self.s.exchanges[key]
            if producer is not None and producer in record["official_sources"]:
                continue  # (the cheaper test first: either one excludes the swap)
            distance = date_distance(p, period(record["occurred"]), self.tol)
            if distance is None:
                continue
            figures = resolved(record)
            diff = compare_figures(report, figures, self.rel)
            if diff is None:
                continue
            vague = p.precision != "day" or period(record["occurred"]).precision != "day"
            background = ev.historical or record["historical"]
            if vague and background and not share_a_figure(report, figures):
                continue
            score = (distance, diff, int(record["seq"]))
            if best is None or score < best[0]:
                best = (score, record)
        return None if best is None else best[1]

    # Ingesting.

    def ingest(self, ev: ExchangeEvent, seq: int) -> ExchangeResult:
        p = period(ev.occurred)
        found = self.match(ev, p)
        claims = report_claims(ev)
        if found is None:
            record = self._new(ev, seq, claims)
            before = None
        else:
            before = found
            record = self._merge(fresh(found), ev, p, claims, seq)
        delta = self._recount(before, record)
        return ExchangeResult(
            key=record["key"],
            first_event_id=record["first_event_id"],
            created=found is None,
            occurred=record["occurred"],
            totals_delta=delta,
        )

    def _new(self, ev: ExchangeEvent, seq: int, claims: list[dict[str, JSON]]) -> dict[str, JSON]:
        official = ev.origin == "official"
        tally: dict[str, JSON] = {}
        for claim in claims:
            tally = add_votes(
                tally, claim["received"], claim["combined"], claim["by"], official, seq
            )
        return {
            "key": f"x{seq}",
            "kind": ev.kind,
            "occurred": ev.occurred,
            "date_votes": {} if ev.historical else vote_date({}, ev.occurred, official),
            "hdate_votes": vote_date({}, ev.occurred, official) if ev.historical else {},
            "historical": ev.historical,
            "named": ev.agreement_id,
            "named_official": official and ev.agreement_id is not None,
            "agreement": None,
            "first_event_id": ev.event_id,
            "first_source": source_of(ev),
            "official_sources": [source_of(ev)] if official else [],
            "event_ids": [ev.event_id],
            "sources": add_sources([], ev),
            "claims": [
                {**c, "origin": ev.origin, "historical": ev.historical, "event_id": ev.event_id}
                for c in claims[:MAX_LIST]
            ],
            "votes": {} if ev.historical else tally,
            "hvotes": tally if ev.historical else {},
            "counted": None,
            "reports": 1,
            "seq": seq,
        }

    def _merge(
        self,
        record: dict[str, JSON],
        ev: ExchangeEvent,
        p: Period,
        claims: list[dict[str, JSON]],
        seq: int,
    ) -> dict[str, JSON]:
        official = ev.origin == "official"
        if len(record["event_ids"]) < MAX_LIST:
            record["event_ids"] = [*record["event_ids"], ev.event_id]
        record["sources"] = add_sources(record["sources"], ev)
        room = MAX_LIST - len(record["claims"])
        record["claims"] = record["claims"] + [
            {**c, "origin": ev.origin, "historical": ev.historical, "event_id": ev.event_id}
            for c in claims[: max(0, room)]
        ]
        record["reports"] = int(record["reports"]) + 1
        if official and source_of(ev) not in record["official_sources"]:
            record["official_sources"] = [*record["official_sources"], source_of(ev)]
        if ev.historical and not record["historical"]:
            return record  # a background mention of a swap reported as current: no change
        votes, dates = ("hvotes", "hdate_votes") if ev.historical else ("votes", "date_votes")
        tally = record[votes]
        for claim in claims:
            tally = add_votes(
                tally, claim["received"], claim["combined"], claim["by"], official, seq
            )
        record[votes] = tally
        record[dates] = vote_date(record[dates], p.text, official)
        record["historical"] = record["historical"] and ev.historical
        record["occurred"] = resolved_date(record)
        if ev.agreement_id is not None and (
            record["named"] is None or (official and not record["named_official"])
        ):
            record["named"], record["named_official"] = ev.agreement_id, official
        return record

    def _recount(self, before: JSON | None, record: dict[str, JSON]) -> dict[str, int]:
        kind = record["kind"]
        amounts = contribution(resolved(record))
        agreement = self.agreements.attach(kind, period(record["occurred"]).start, record["named"])
        old_place = None
        if before is not None:
            old_place = Placement(
                before["occurred"], before["agreement"], sides_of(before["counted"])
            )
        new_place = Placement(record["occurred"], agreement, amounts)
        delta: dict[str, int] = {}
        if old_place != new_place:
            delta = self.ledger.move(kind, old_place, new_place)
        record["counted"] = amounts
        record["agreement"] = agreement
        key = record["key"]
        self.s.exchanges[key] = record
        self._bump(kind, before["agreement"] if before is not None else None, agreement)
        old_date = before["occurred"] if before is not None else None
        if old_date != record["occurred"]:
            if old_date is not None:
                self._unindex(f"{kind}|{old_date}", key)
            index_key = f"{kind}|{record['occurred']}"
            self.s.exchange_index[index_key] = [*(self.s.exchange_index.get(index_key) or []), key]
            self._note_last(kind, key, old_date, record["occurred"])
        return delta

    def _bump(self, kind: str, old: str | None, new: str | None) -> None:
        """A swap of `kind` attached to agreement `old`, now to `new`, was written."""
        self.versions.bump(kind)
        if old is not None:
            self.versions.bump((old, kind))
        if new is not None and new != old:
            self.versions.bump((new, kind))

    def _unindex(self, index_key: str, key: str) -> None:
        keys = [k for k in self.s.exchange_index.get(index_key) or [] if k != key]
        if keys:
            self.s.exchange_index[index_key] = keys
        elif index_key in self.s.exchange_index:
            del self.s.exchange_index[index_key]

    # The latest exchange of a kind (ExchangeGap) and the first after a date (suspensions).

    def last(self, kind: str) -> JSON | None:
        """{"date": the swap's date, "key"} of the latest swap of `kind`, by its first day."""
        if kind not in self._last:
            self._last[kind] = self.s.meta.get(f"last|{kind}")
        return self._last[kind]

    def _note_last(self, kind: str, key: str, old_date: str | None, new_date: str) -> None:
        meta_key = f"last|{kind}"
        last = self.last(kind)
        new_start = period(new_date).start
        if last is None or new_start > period(last["date"]).start:
            self.s.meta[meta_key] = self._last[kind] = {"date": new_date, "key": key}
        elif last["key"] == key and new_start < period(last["date"]).start:
            # The latest swap moved earlier: the latest is now the latest in between.
            best = (new_start, new_date, key)
            for day in days(new_start, period(last["date"]).start):
                for record in self._records_starting(kind, day):
                    start = period(record["occurred"]).start
                    if start > best[0]:
                        best = (start, record["occurred"], record["key"])
            self.s.meta[meta_key] = self._last[kind] = {"date": best[1], "key": best[2]}

    def _records_starting(self, kind: str, day: dt.date) -> list[JSON]:
        index_keys = [f"{kind}|{day_text(day)}"]
        if day.day == 1:
            index_keys.append(f"{kind}|{month_text(day)}")
            if day.month == 1:
                index_keys.append(f"{kind}|{day.year:04d}")
        return [
            self.s.exchanges[key]
            for index_key in index_keys
            for key in self.s.exchange_index.get(index_key) or []
        ]

    def attached_on(self, kind: str, day: dt.date, agreement: str) -> JSON | None:
        """The latest-reported swap of `kind` dated from `day` and counted under `agreement`."""
        found = [
            r
            for r in self._records_starting(kind, day)
            if r["agreement"] == agreement and r["counted"] is not None
        ]
        return max(found, key=lambda r: int(r["seq"])) if found else None

    def first_after(self, kind: str, after: dt.date) -> JSON | None:
        """The earliest swap of `kind` whose date begins after `after` (None if none)."""
        last = self.last(kind)
        if last is None:
            return None
        for day in days(after + dt.timedelta(days=1), period(last["date"]).start):
            found = self._records_starting(kind, day)
            if found:
                return min(found, key=lambda r: int(r["seq"]))
        return None

    def reattach(self, kind: str, since: dt.date) -> None:
        """Re-attach the swaps of `kind` dated from `since` on (an agreement was added)."""
        last = self.last(kind)
        if last is None:
            return
        for day in days(since, period(last["date"]).start):
            for record in self._records_starting(kind, day):
                agreement = self.agreements.attach(kind, day, record["named"])
                if agreement == record["agreement"]:
                    continue
                counted = sides_of(record["counted"])
                self.ledger.move(
                    kind,
                    Placement(record["occurred"], record["agreement"], counted),
                    Placement(record["occurred"], agreement, counted),
                )
                self.s.exchanges[record["key"]] = {**record, "agreement": agreement}
                self._bump(kind, record["agreement"], agreement)
