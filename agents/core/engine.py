"""The engine facade: events in, alert state changes out, views of the tables.

The Faust worker and the offline `replay` command drive the same `Engine` over the same
`Stores`, so the same events in the same order give the same alerts, byte for byte.

Time: `apply` advances the event-time clock to the latest of the event's `reported_at` and
its dates (occurred, since, on, signed, as_of: their first day, 00:00 UTC). A date later than
the event's own `reported_at` is taken as given for the tables but does not move the clock (a
mistyped year must not raise every alert at once). When the clock moved (and was set before),
the rules are first evaluated at the new clock on the state before the event: what a live
worker's timer would have seen just before the event arrived, so that a stall the event itself
ends is still reported, then resolved. Then the event is applied and the rules evaluated again.
An alert the first evaluation fires and the second resolves at or before its own start never
held in event time (an exchange dated exactly at the threshold, reported later that day):
neither message is sent (`rules.drop_flaps`).
`tick(now)` evaluates at the later of the clock and `now` without moving the clock. A
redelivered event (same source and event_id) changes nothing, not even the clock, and emits
nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import orjson

from agents.core.agreements import AgreementBook
from agents.core.config import Config
from agents.core.dates import WINDOW_SIZES, iso, midnight, parse_instant, period, utc
from agents.core.exchanges import ExchangeBook
from agents.core.ledger import Ledger
from agents.core.reported import ReportedTotals
from agents.core.rules import Rules, drop_flaps
from agents.core.stores import JSON, Stores
from agents.core.suspensions import SuspensionBook
from agents.core.views import agreement_view, suspension_view
from schemas.alerts import Alert
from schemas.common import KINDS
from schemas.events import (
    AnyEvent,
    CommitmentEvent,
    ExchangeEvent,
    ResumptionEvent,
    SuspensionEvent,
    TotalEvent,
)


@dataclass(frozen=True)
class Outcome:
    """What applying one event changed, for the worker's messages and metrics."""

    event_type: str
    kind: str
    duplicate: bool = False
    # Exchanges: the swap the report is counted in, whether it created it, and (when it joined
    # a known swap) the first event id of that swap.
    exchange_key: str | None = None
    created: bool = False
    merged_into: str | None = None
    # Change of the totals per (kind, side); sides are UA, RU and unattributed.
    totals_delta: dict[tuple[str, str], int] = field(default_factory=dict)
    # Key of the suspension the event created, joined or ended.
    suspension_key: str | None = None
    alerts: list[Alert] = field(default_factory=list)
    clock: str | None = None


def seen_key(ev: AnyEvent) -> str:
    return orjson.dumps([ev.source or "", ev.event_id]).decode()


def event_dates(ev: AnyEvent) -> list[str]:
    if isinstance(ev, ExchangeEvent):
        return [ev.occurred]
    if isinstance(ev, SuspensionEvent):
        return [ev.since]
    if isinstance(ev, ResumptionEvent):
        return [ev.on]
    if isinstance(ev, CommitmentEvent):
        return [ev.signed]  # `due` is a deadline ahead, not a time seen
    return [d for d in (ev.as_of, ev.since) if d]


_UNKNOWN = object()


def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return period(value).start


class Engine:
    def __init__(self, stores: Stores, config: Config) -> None:
        # Every write is journaled until the event is through: an event that raises is
        # undone, never left half applied (its dead letter then means "changed nothing").
        self.stores = stores.journaled()
        stores = self.stores
        self.config = config
        self.ledger = Ledger(stores)
        self.agreement_book = AgreementBook(config, stores)
        self.exchanges = ExchangeBook(stores, config, self.ledger, self.agreement_book)
        self.suspension_book = SuspensionBook(stores, self.exchanges)
        self.reported = ReportedTotals(stores, self.ledger)
        self.rules = Rules(
            stores,
            config,
            self.ledger,
            self.agreement_book,
            self.exchanges,
            self.suspension_book,
        )
        # The value of meta["seq"] the memory of the books and rules is valid for. Only the
        # engine writes the stores, and every event it applies moves seq (a tick writes only
        # the alerts, which are never kept in memory across calls); so a different seq means
        # the tables changed under it (a rebalance, a recovery): forget and read them again.
        self._seq: JSON = _UNKNOWN

    # Events.

    def forget(self) -> None:
        """Drop what the books and rules keep in memory, to read the stores again: called by
        the worker at every rebalance. Tables rebuilt from their changelogs can match the
        remembered meta["seq"] while another table is still being rebuilt, so the seq alone
        cannot tell (a view read during the rebuild would leave half-rebuilt values kept)."""
        self._forget()
        self._seq = _UNKNOWN

    def _forget(self) -> None:
        self.agreement_book.forget()
        self.ledger.forget()
        self.exchanges.forget()
        self.suspension_book.forget()
        self.rules.forget()

    def _sync(self, seq: JSON = _UNKNOWN) -> None:
        """Forget what is kept in memory unless meta["seq"] is still the one it is valid for."""
        if seq is _UNKNOWN:
            seq = self.stores.meta.get("seq")
        if seq != self._seq:
            self._forget()
            self._seq = seq

    def apply(self, event: AnyEvent) -> Outcome:
        # `Stores.all_or_nothing`, spelt out (once per event: the generator costs more).
        stores = self.stores
        stores.keep()  # what was read before (a view) may have changed since
        try:
            outcome = self._apply(event)
        except BaseException:
            stores.undo()
            self._seq = _UNKNOWN  # the stores were put back: what memory holds may be newer
            raise
        stores.keep()
        return outcome

    def _apply(self, event: AnyEvent) -> Outcome:
        key = seen_key(event)
        if self.stores.seen.get(key) is not None:  # (get: the write below needs no new read)
            return Outcome(event.type, event.kind, duplicate=True, clock=self.clock())
        stored_seq = self.stores.meta.get("seq")
        self._sync(stored_seq)
        seq = int(stored_seq or 0) + 1
        self.stores.meta["seq"] = seq
        self._seq = seq
        before = self.stores.meta.get("clock")
        now, clock = self._advance(event, before)
        firing_before = self.active_fingerprints()
        # Before the first event the rules never ran: there is no earlier state to evaluate.
        first = self.rules.evaluate(now) if before is not None and clock != before else []
        out: dict[str, object] = {}
        ref: str | None = None
        if isinstance(event, ExchangeEvent):
            got = self.exchanges.ingest(event, seq)
            ref = got.key
            out["exchange_key"] = got.key
            out["created"] = got.created
            out["merged_into"] = None if got.created else got.first_event_id
            out["totals_delta"] = {(event.kind, s): n for s, n in got.totals_delta.items()}
            ended = self.suspension_book.on_exchange(event.kind, got.occurred, event.event_id)
            if ended is not None:
                out["suspension_key"] = ended
        elif isinstance(event, SuspensionEvent):
            ref = self.suspension_book.report(event, seq)
            out["suspension_key"] = ref
        elif isinstance(event, ResumptionEvent):
            out["suspension_key"] = self.suspension_book.resume(event)
        elif isinstance(event, CommitmentEvent):
            change = self.agreement_book.apply(event)
            ref = change.agreement
            if change.created or change.kind_added:
                self.exchanges.reattach(event.kind, period(event.signed).start)
        elif isinstance(event, TotalEvent):
            ref = self.reported.record(event)
        self.stores.seen[key] = {"type": event.type, "ref": ref}
        alerts = drop_flaps(firing_before, first, self.rules.evaluate(now))
        return Outcome(event.type, event.kind, alerts=alerts, clock=clock, **out)  # type: ignore[arg-type]

    def _advance(self, ev: AnyEvent, old: str | None) -> tuple[dt.datetime, str]:
        """The clock after `ev`: the latest of the clock, the event's `reported_at` and its
        dates not after it; as an instant and as stored."""
        now = parse_instant(old) if old else None
        reported = utc(ev.reported_at) if ev.reported_at is not None else None
        if reported is not None and (now is None or reported > now):
            now = reported
        for text in event_dates(ev):
            moment = midnight(period(text).start)
            if (reported is None or moment <= reported) and (now is None or moment > now):
                now = moment
        if now is None:  # (every event has a date: never)
            raise ValueError(f"{ev.type} {ev.event_id}: no date to set the clock by")
        text = iso(now)
        if text != old:
            self.stores.meta["clock"] = text
        return parse_instant(text), text

    def tick(self, now: dt.datetime) -> list[Alert]:
        """Evaluate the rules at the later of the clock and `now`; the clock does not move."""
        clock = self.stores.meta.get("clock")
        at = utc(now)
        if clock:
            at = max(at, parse_instant(clock))
        try:
            with self.stores.all_or_nothing():
                self._sync()
                return self.rules.evaluate(parse_instant(iso(at)))
        except BaseException:
            self._seq = _UNKNOWN
            raise

    def active_fingerprints(self) -> set[str]:
        """Fingerprints of the alerts firing now (`rules.alert_changes` takes them)."""
        return set(self.rules.active())

    # Views (JSON-ready).

    def clock(self) -> str | None:
        value = self.stores.meta.get("clock")
        return None if value is None else str(value)

    def _clock_day(self) -> dt.date | None:
        value = self.clock()
        return parse_instant(value).date() if value else None

    def totals(self) -> dict[str, dict[str, int]]:
        return {kind: self.ledger.totals(kind) for kind in KINDS}

    def windows(
        self,
        kind: str,
        size: str = "day",
        from_date: dt.date | str | None = None,
        to_date: dt.date | str | None = None,
    ) -> dict[str, JSON]:
        """Totals by window of the exchange date, every window from `from_date` to `to_date`
        (default: the first and last windows with data). A date given only as a month or a
        year counts in the window of the first day of its period."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}")
        if size not in WINDOW_SIZES:
            raise ValueError(f"size must be one of {', '.join(WINDOW_SIZES)}")
        first, last = _date(from_date), _date(to_date)
        bounds = self.ledger.bounds(kind)
        if bounds is not None:
            first = first or bounds[0]
            last = last or bounds[1]
        first = first or last
        last = last or first
        rows: list[dict[str, object]] = []
        truncated = False
        if first is not None and last is not None and first <= last:
            rows, truncated = self.ledger.window_rows(kind, size, first, last)
        return {
            "kind": kind,
            "size": size,
            "from": first.isoformat() if first else None,
            "to": last.isoformat() if last else None,
            "windows": rows,
            "truncated": truncated,
        }

    def agreements(self) -> list[JSON]:
        self._sync()
        day = self._clock_day()
        return [agreement_view(self, record, day) for record in self.agreement_book.all()]

    def suspensions(self) -> dict[str, list[JSON]]:
        self._sync()
        day = self._clock_day()
        active: list[JSON] = []
        ended: list[JSON] = []
        for kind in KINDS:
            for record in self.suspension_book.records(kind):
                view = suspension_view(self, record, day)
                (ended if record.get("ended") else active).append(view)
        return {"active": active, "ended": ended}

    def alerts(self) -> list[JSON]:
        return self.rules.active_alerts()

    def reported_totals(self) -> list[JSON]:
        return self.reported.view()

    def gauges(self, now: dt.datetime | None = None) -> dict[str, JSON]:
        """Figures for the worker's gauges: days since the latest exchange per agreement in
        force and kind (to the clock, or to `now` when later: the live worker's wall clock),
        with the gap threshold, and active suspensions per kind."""
        self._sync()
        day = self._clock_day()
        if now is not None:
            day = max(day, utc(now).date()) if day is not None else None
        gaps: list[JSON] = []
        if day is not None:
            for kind in KINDS:
                record = self.agreement_book.in_force(kind, day)
                if record is None:
                    continue
                last = self.exchanges.last(kind)
                anchor = period(record["signed"]).start
                if last is not None:
                    anchor = max(anchor, period(last["date"]).start)
                gaps.append(
                    {
                        "agreement": record["id"],
                        "kind": kind,
                        "days": (day - anchor).days,
                        "gap_days": self.agreement_book.gap_days(record, kind),
                    }
                )
        active = {k: int(self.suspension_book.active(k) is not None) for k in KINDS}
        return {"days_since_last_exchange": gaps, "active_suspensions": active}

    def summary(self) -> dict[str, JSON]:
        """Everything the views show, in one JSON-ready dict (replay prints it)."""
        return {
            "clock": self.clock(),
            "totals": self.totals(),
            "windows": {kind: self.windows(kind, "month")["windows"] for kind in KINDS},
            "agreements": self.agreements(),
            "suspensions": self.suspensions(),
            "alerts": self.alerts(),
            "reported_totals": self.reported_totals(),
        }
