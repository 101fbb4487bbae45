"""The stall rules of docs/design.md and the alert state machine.

Rules are evaluated at one instant `at` (the event-time clock, or the later of it and the wall
clock on a tick). Each rule says which alerts should be firing, with their severity, the event
time their condition began and their current text and evidence; the state machine compares that
with the active alerts in `stores.alerts` and emits one message per change:

- firing: a new alert;
- firing again, same fingerprint and startsAt: the alert's text or evidence changed while it
  fires (figures received, the latest exchange, the sides behind), so receivers never hold a
  stale description;
- resolved, with endsAt: the condition no longer holds;
- resolved then firing, same fingerprint: an ExchangeGap whose gap was closed by an exchange
  that arrived late, after which a new gap had already passed the threshold (two episodes).
Re-evaluating with nothing changed emits nothing. The texts say only what the data says, never
what the passing of time alone changes, so a tick never re-sends an alert.

Severity (the Prometheus convention): each severity is its own alert with its own labels,
fingerprint and startsAt. ExchangeGap fires a warning past the gap and, past twice the gap, a
critical beside it (startsAt: when each threshold was passed); both resolve when an exchange
arrives. SuspensionReported (warning) and SuspensionProlonged (critical) are the same pattern
under two names. Receivers that want one notification per gap inhibit the warning while the
critical fires (deploy/alertmanager/alertmanager.yml).

- ExchangeGap (agreement in force for the kind, kind): no exchange of the kind for more than
  the gap, measured from the later of signing and the latest exchange of the kind (whatever
  agreement it attached to). startsAt = anchor + gap (warning), anchor + 2 gap (critical).
  No agreement in force for a kind (civilians, by default): no gap alert.
- SuspensionReported (agreement in force for the kind at `since`, or "none"): an active
  suspension; warning; startsAt = first day of since.
- SuspensionProlonged: an active suspension older than the limit; critical;
  startsAt = since + limit.
- BehindCommitment (agreement, kind): see `pace.py`; warning; startsAt = first day of the
  current stretch of days behind pace, kept while it fires.

startsAt does not depend on when the rules ran. endsAt is the event time the condition ended
when the data tells it (the date of the exchange or resumption, the day back on pace), never
before startsAt.

Fingerprint: 16 hex digits of SHA-256 over all the labels, sorted (agreement, alertname, kind,
severity), as Alertmanager identifies an alert by all its labels.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from dataclasses import dataclass, field
from operator import is_

from agents.core.agreements import AgreementBook, signed_day
from agents.core.config import Config
from agents.core.dates import midnight, month_text, parse_instant, period
from agents.core.exchanges import ExchangeBook, evidence
from agents.core.ledger import Ledger
from agents.core.pace import Commitment, Series, behind, onset, recovery
from agents.core.stores import JSON, Stores
from agents.core.suspensions import SuspensionBook, since_day
from schemas.alerts import Alert, AlertAnnotations, AlertEvidence, AlertLabels
from schemas.common import KINDS

ALERT_ORDER = {
    "ExchangeGap": 0,
    "SuspensionReported": 1,
    "SuspensionProlonged": 2,
    "BehindCommitment": 3,
}
SEVERITY_ORDER = {"warning": 0, "critical": 1}
NO_AGREEMENT = "none"
MAX_EVIDENCE = 20
MAX_TEXT = 2000
# Deadlines: a condition `at > t` turns at t + TICK (instants have microseconds at most).
TICK = dt.timedelta(microseconds=1)
FAR = dt.datetime.max.replace(tzinfo=dt.UTC)
# Entries a memo of the rules holds before it starts afresh (a bound on memory, not a tuning).
MEMO_SIZE = 4096
KIND_EXCHANGE = {
    "remains": "remains exchange",
    "pows": "prisoner-of-war exchange",
    "civilians": "civilian exchange",
}
KIND_NOUN = {"remains": "remains", "pows": "POWs", "civilians": "civilians"}
KIND_EXCHANGES = {
    "remains": "remains exchanges",
    "pows": "prisoner-of-war exchanges",
    "civilians": "civilian exchanges",
}


@functools.lru_cache(maxsize=4096)  # pure: a memo of the hash, not state
def fingerprint(alertname: str, agreement: str, kind: str, severity: str) -> str:
    labels = {"alertname": alertname, "agreement": agreement, "kind": kind, "severity": severity}
    text = "\n".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def label_fingerprint(alert: JSON) -> str:
    """The fingerprint of a stored alert's labels (a stored key may predate the rule)."""
    labels = alert["labels"]
    return fingerprint(labels["alertname"], labels["agreement"], labels["kind"], labels["severity"])


def _day(moment: dt.date) -> str:
    return moment.isoformat()


@dataclass(frozen=True)
class Ending:
    """When and why a condition ended, as far as the data tells it."""

    at: dt.datetime
    note: str
    event_ids: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Wanted:
    """An alert the rules want firing now."""

    alertname: str
    agreement: str
    kind: str
    severity: str
    starts_at: dt.datetime
    summary: str
    description: str
    event_ids: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)
    # The firing episode in the store ended here, and this is a new one (ExchangeGap).
    restart: Ending | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.alertname, self.agreement, self.kind, self.severity)

    def alert(self, starts_at: dt.datetime) -> Alert:
        return Alert(
            labels=AlertLabels(
                alertname=self.alertname,  # type: ignore[arg-type]
                agreement=self.agreement,
                kind=self.kind,  # type: ignore[arg-type]
                severity=self.severity,  # type: ignore[arg-type]
            ),
            annotations=AlertAnnotations(
                summary=self.summary[:MAX_TEXT], description=self.description[:MAX_TEXT]
            ),
            startsAt=starts_at,
            status="firing",
            fingerprint=self.fingerprint,
            evidence=AlertEvidence(
                event_ids=self.event_ids[-MAX_EVIDENCE:], urls=self.urls[-MAX_EVIDENCE:]
            ),
        )


@dataclass(frozen=True)
class KindPart:
    """What the rules of one kind wanted when run at `at`, valid while what they read is
    unchanged (`token`) and until the clock reaches `until`."""

    token: tuple[object, ...]
    reads: tuple[bool, bool]  # whether they read the kind's swaps, its progress
    at: dt.datetime
    until: dt.datetime
    wanted: dict[str, Wanted]
    endings: dict[str, Ending]


def alert_order(alert: Alert) -> tuple[int, str, str, int]:
    labels = alert.labels
    return (
        ALERT_ORDER[labels.alertname],
        labels.agreement,
        labels.kind,
        SEVERITY_ORDER[labels.severity],
    )


def resolve(fired: Alert, ending: Ending, at: dt.datetime) -> Alert:
    """The resolved message of a firing alert: endsAt from the ending, never before startsAt
    nor after `at`; the ending's note appended to the description; its evidence, if any."""
    ends = min(max(ending.at, fired.startsAt), max(at, fired.startsAt))
    description = f"{fired.annotations.description} {ending.note}"[:MAX_TEXT]
    proof = fired.evidence
    if ending.event_ids or ending.urls:
        proof = AlertEvidence(
            event_ids=(ending.event_ids or list(proof.event_ids))[-MAX_EVIDENCE:],
            urls=(ending.urls or list(proof.urls))[-MAX_EVIDENCE:],
        )
    return fired.model_copy(
        update={
            "status": "resolved",
            "endsAt": ends,
            "annotations": AlertAnnotations(
                summary=fired.annotations.summary, description=description
            ),
            "evidence": proof,
        }
    )


def alert_changes(active_before: set[str], alerts: list[Alert]) -> list[str]:
    """What each message of `alerts` is, given the fingerprints firing before them:
    "fired" (new), "updated" (re-sent with current text) or "resolved"."""
    firing = set(active_before)
    out = []
    for alert in alerts:
        if alert.status == "resolved":
            firing.discard(alert.fingerprint)
            out.append("resolved")
        else:
            out.append("updated" if alert.fingerprint in firing else "fired")
            firing.add(alert.fingerprint)
    return out


def drop_flaps(active_before: set[str], first: list[Alert], then: list[Alert]) -> list[Alert]:
    """`first` then `then`, less every alert that `first` fired anew and `then` resolved at or
    before its startsAt: a condition that never held in event time is not announced (an
    exchange dated exactly at the threshold, reported later that day)."""
    firing = set(active_before)
    new: dict[str, Alert] = {}  # fingerprint -> its newest firing in `first`, if new there
    for alert in first:
        if alert.status == "resolved":
            firing.discard(alert.fingerprint)
            new.pop(alert.fingerprint, None)
            continue
        if alert.fingerprint not in firing:
            new[alert.fingerprint] = alert
        firing.add(alert.fingerprint)
    flaps: set[str] = set()
    for alert in then:
        fired = new.get(alert.fingerprint)
        if fired is None:
            continue
        ended = alert.endsAt
        if alert.status == "resolved" and ended is not None and ended <= fired.startsAt:
            flaps.add(alert.fingerprint)
        new.pop(alert.fingerprint, None)  # re-sent or resolved later: settled either way
    if not flaps:
        return first + then
    # The firing in `first` and its resolution in `then` both go (a new episode after the
    # resolution, if any, stays).
    return [a for a in first if not (a.fingerprint in flaps and a.status == "firing")] + [
        a for a in then if not (a.fingerprint in flaps and a.status == "resolved")
    ]


class Rules:
    def __init__(
        self,
        stores: Stores,
        config: Config,
        ledger: Ledger,
        agreements: AgreementBook,
        exchanges: ExchangeBook,
        suspensions: SuspensionBook,
    ) -> None:
        self.s = stores
        self.t = config.thresholds
        self.ledger = ledger
        self.agreements = agreements
        self.exchanges = exchanges
        self.suspensions = suspensions
        # Memos (see `forget`): the commitments of the agreements' generation; series by
        # (agreement, kind, first month, last month) with the progress version they were read
        # at; BehindCommitment alerts by everything their text is made of; built alerts.
        self._units: tuple[int, dict[str, list[tuple[JSON, Commitment]]]] | None = None
        self._series: dict[tuple[str, str, str, str], tuple[int, Series]] = {}
        self._behind: dict[tuple[object, ...], Wanted] = {}
        self._built: dict[tuple[object, ...], tuple[Alert, JSON]] = {}
        self._last_records: dict[str, tuple[int, str, JSON, Ending | None]] = {}
        # What each kind's rules wanted at their latest run, and how long it holds.
        self._parts: dict[str, KindPart] = {}
        self._alert_writes = 0  # alerts written so far (the rules read the stored ones)
        # The counters of every write when the kept parts were last checked.
        self._checked: tuple[object, ...] | None = None
        # What the kind's rules running read (see `_kind_token`).
        self._reads_swaps = self._reads_progress = False
        # The alerts (active, writes) and the kinds' parts of the latest state machine run
        # that wrote nothing.
        self._settled: tuple[tuple[object, ...], list[KindPart]] | None = None
        # The latest evaluation that changed nothing: (what it read, at, its first deadline).
        self._quiet: tuple[tuple[object, ...], dt.datetime, dt.datetime] | None = None
        self._until = FAR  # the first deadline seen by the evaluation running
        self._wrote = False  # whether the latest transition wrote anything
        self._signing: tuple[tuple[int, dt.date], dt.datetime] | None = None

    def forget(self) -> None:
        """Drop every memo (the engine calls this when the stores may have changed under it)."""
        self._units = None
        self._series.clear()
        self._behind.clear()
        self._built.clear()
        self._last_records.clear()
        self._parts.clear()
        self._checked = None
        self._settled = None
        self._quiet = None

    def active(self) -> list[str]:
        return list(self.s.meta.get("alerts") or [])

    def evaluate(self, at: dt.datetime) -> list[Alert]:
        """Run every rule at `at` and apply the state changes; returns the messages.

        The rules of one kind read only that kind's swaps, progress and suspensions (besides
        the agreements and the active alerts): what they want is kept per kind, with what it
        was read from (the token) and the first deadline of its time-based conditions (a
        threshold passed, a day turned while a commitment is judged, an agreement signed),
        and they run again only when their token changed or the clock reached that deadline.
        An evaluation where that changed nothing, and whose state machine then wrote nothing,
        has nothing to do again until one kind must run again.
        """
        sorted_active = self.active()
        active_key = tuple(sorted_active)
        # Any write bumps one of these: while they are the same, so is every kind's token.
        written = (
            active_key,
            self._alert_writes,
            self.agreements.generation,
            self.exchanges.versions.writes,
            self.ledger.versions.writes,
            self.suspensions.versions.writes,
        )
        quiet = self._quiet
        if quiet is not None and quiet[0] == written and quiet[1] <= at < quiet[2]:
            return []
        # The kept parts were all checked at the latest evaluation: again only after a write.
        check = written != self._checked
        active = set(sorted_active)
        until = FAR
        parts = []
        for kind in KINDS:
            part = self._parts.get(kind)
            if (
                part is None
                or not part.at <= at < part.until
                or (check and part.token != self._kind_token(kind, active_key, part.reads))
            ):
                part = self._parts[kind] = self._run_kind(kind, at, active, active_key)
            parts.append(part)
            if part.until < until:
                until = part.until
        self._checked = written
        settled = self._settled
        if settled is not None and settled[0] == written[:2] and all(map(is_, settled[1], parts)):
            # The same wants against the same alerts, which then changed nothing: nor now.
            self._quiet = (written, at, until)
            return []
        wanted: dict[str, Wanted] = {}
        endings: dict[str, Ending] = {}
        for part in parts:
            wanted.update(part.wanted)
            endings.update(part.endings)
        changes = self._transition(at, wanted, endings, sorted_active)
        if self._wrote:
            self._quiet = self._settled = None
        else:
            self._quiet = (written, at, until)
            self._settled = ((active_key, self._alert_writes), parts)
        return changes

    def _kind_token(
        self, kind: str, active_key: tuple[str, ...], reads: tuple[bool, bool]
    ) -> tuple[object, ...]:
        """The versions of what the rules of `kind` read: equal tokens, equal inputs. They
        read the kind's swaps and progress only while an agreement is in force for it or a
        commitment on it is judged (`reads`, as the run found)."""
        swaps, progress = reads
        return (
            active_key,
            self._alert_writes,
            self.agreements.generation,
            self.suspensions.versions.of(kind),
            self.exchanges.versions.of(kind) if swaps else None,
            self.ledger.versions.of(kind) if progress else None,
        )

    def _run_kind(
        self, kind: str, at: dt.datetime, active: set[str], active_key: tuple[str, ...]
    ) -> KindPart:
        """Run the rules of one kind at `at`."""
        wanted: dict[str, Wanted] = {}
        endings: dict[str, Ending] = {}
        self._until = self._next_signing(at)
        self._reads_swaps = self._reads_progress = False
        self._gaps(kind, at, wanted, endings, active)
        self._suspensions(kind, at, wanted, endings)
        self._commitments(kind, at, wanted, endings, active)
        reads = (self._reads_swaps, self._reads_progress)
        token = self._kind_token(kind, active_key, reads)
        return KindPart(token, reads, at, self._until, wanted, endings)

    def _next_signing(self, at: dt.datetime) -> dt.datetime:
        """Midnight of the first signing day after `at`'s day (the agreements in force and
        the commitments judged change there), or the far future."""
        key = (self.agreements.generation, at.date())
        if self._signing is None or self._signing[0] != key:
            later = [signed_day(r) for r in self.agreements.all() if signed_day(r) > key[1]]
            self._signing = (key, midnight(min(later)) if later else FAR)
        return self._signing[1]

    def _stored_start(self, fp: str, active: set[str]) -> dt.datetime | None:
        if fp not in active or fp not in self.s.alerts:
            return None
        return parse_instant(self.s.alerts[fp]["startsAt"])

    # ExchangeGap.

    def _gaps(
        self,
        kind: str,
        at: dt.datetime,
        wanted: dict[str, Wanted],
        endings: dict[str, Ending],
        active: set[str],
    ) -> None:
        record = self.agreements.in_force(kind, at.date())
        if record is not None:
            self._reads_swaps = True
            agreement = str(record["id"])
            gap = self.agreements.gap_days(record, kind)
            signed = signed_day(record)
            last = self.exchanges.last(kind)
            last_day = period(last["date"]).start if last else None
            anchor = max(signed, last_day) if last_day is not None else signed
            last_record, ended = self._latest(kind, last)
            for severity, times in (("warning", 1), ("critical", 2)):
                fp = fingerprint("ExchangeGap", agreement, kind, severity)
                starts = midnight(anchor + dt.timedelta(days=times * gap))
                if not at > starts:
                    self._until = min(self._until, starts + TICK)
                if at > starts:
                    stored = self._stored_start(fp, active)
                    # A newer exchange closed the stored gap, and the new one passed the
                    # threshold too: the stored episode ends at that exchange.
                    restart = ended if stored is not None and stored < starts else None
                    wanted[fp] = self._gap_alert(
                        agreement,
                        kind,
                        gap,
                        signed,
                        last,
                        last_record,
                        anchor,
                        severity,
                        starts,
                        restart,
                    )
                elif ended is not None:
                    endings[fp] = ended
        # A gap alert of an agreement no longer in force for its kind ends with the signing
        # of the one that replaced it.
        for fp in active:
            alert = self.s.alerts.get(fp)
            if alert is None:
                continue
            labels = alert["labels"]
            if labels["alertname"] != "ExchangeGap" or labels["kind"] != kind:
                continue
            if record is not None and record["id"] != labels["agreement"]:
                endings[fp] = Ending(
                    midnight(signed_day(record)),
                    f"Resolved: {record['id']}, signed {record['signed']}, is now the "
                    f"agreement in force for {KIND_NOUN[kind]}.",
                )

    def _latest(self, kind: str, last: JSON | None) -> tuple[JSON | None, Ending | None]:
        """The stored swap `last` names, and the ending it gives a gap alert; read and built
        again only after a swap of the kind was written."""
        if last is None:
            return None, None
        version = self.exchanges.versions.of(kind)
        found = self._last_records.get(kind)
        if found is not None and found[0] == version and found[1] == last["key"]:
            return found[2], found[3]
        record = self.s.exchanges.get(last["key"])
        ended = None
        if record is not None:
            ids, urls = evidence(record)
            ended = Ending(
                midnight(period(last["date"]).start),
                f"Resolved: {KIND_EXCHANGE[kind]} dated {last['date']} recorded.",
                ids[-MAX_EVIDENCE:],
                urls[-MAX_EVIDENCE:],
            )
        self._last_records[kind] = (version, last["key"], record, ended)
        return record, ended

    def _gap_alert(
        self,
        agreement: str,
        kind: str,
        gap: int,
        signed: dt.date,
        last: JSON | None,
        last_record: JSON | None,
        anchor: dt.date,
        severity: str,
        starts: dt.datetime,
        restart: Ending | None,
    ) -> Wanted:
        critical = severity == "critical"
        days = 2 * gap if critical else gap
        summary = f"No {KIND_EXCHANGE[kind]} recorded for more than {days} days ({agreement})"
        if last is not None and period(last["date"]).start >= signed:
            text = f"Latest {KIND_EXCHANGE[kind]} recorded: {last['date']}."
        else:
            before = f"latest before it: {last['date']}" if last is not None else "none before"
            text = (
                f"No {KIND_EXCHANGE[kind]} recorded since {agreement} was signed on "
                f"{_day(signed)} ({before})."
            )
        first = anchor + dt.timedelta(days=gap)
        text += (
            f" Agreement in force for {KIND_NOUN[kind]}: {agreement}, signed {_day(signed)}."
            f" Gap threshold: {gap} days, exceeded on {_day(first)}."
        )
        if critical:
            text += f" Twice the threshold ({2 * gap} days) exceeded on {_day(starts.date())}."
        ids, urls = evidence(last_record) if last_record is not None else ([], [])
        return Wanted(
            "ExchangeGap",
            agreement,
            kind,
            severity,
            starts,
            summary,
            text,
            ids[-MAX_EVIDENCE:],
            urls[-MAX_EVIDENCE:],
            restart,
        )

    # SuspensionReported, SuspensionProlonged.

    def _suspension_agreement(self, record: JSON) -> str:
        found = self.agreements.in_force(record["kind"], since_day(record))
        return NO_AGREEMENT if found is None else str(found["id"])

    def _suspensions(
        self, kind: str, at: dt.datetime, wanted: dict[str, Wanted], endings: dict[str, Ending]
    ) -> None:
        limit = self.t.suspension_limit_days
        ended = self.suspensions.latest_ended(kind)
        if ended is not None:
            agreement = self._suspension_agreement(ended)
            by = ended.get("ended_by") or {}
            note = (
                f"Resolved: {'resumption' if by.get('type') == 'resumption' else 'exchange'}"
                f" dated {ended['ended']} recorded."
            )
            ids = [by["event_id"]] if by.get("event_id") else []
            for name, severity in (
                ("SuspensionReported", "warning"),
                ("SuspensionProlonged", "critical"),
            ):
                endings[fingerprint(name, agreement, kind, severity)] = Ending(
                    midnight(period(ended["ended"]).start), note, ids
                )
        record = self.suspensions.active(kind)
        if record is not None and at < midnight(since_day(record)):
            self._until = min(self._until, midnight(since_day(record)))
        if record is None or at < midnight(since_day(record)):
            return  # none, or announced ahead of its start
        agreement = self._suspension_agreement(record)
        since = record["since"]
        start = since_day(record)
        ids = list(record["event_ids"])[-MAX_EVIDENCE:]
        urls = list(record["urls"])[-MAX_EVIDENCE:]
        reports = len(record["event_ids"])
        text = (
            f"{reports} {'reports state' if reports != 1 else 'report states'} that "
            f"{KIND_EXCHANGES[kind]} have been suspended since {since}"
        )
        if record.get("by"):
            text += f"; statement attributed to {record['by']}"
        text += "."
        if record.get("reason"):
            text += f" Reason given in the reports: {record['reason']}"
            text += "" if str(record["reason"]).endswith(".") else "."
        text += f" Agreement in force for {KIND_NOUN[kind]} at that date: {agreement}."
        reported = Wanted(
            "SuspensionReported",
            agreement,
            kind,
            "warning",
            midnight(start),
            f"Suspension of {KIND_EXCHANGES[kind]} reported since {since}",
            text,
            ids,
            urls,
        )
        wanted[reported.fingerprint] = reported
        prolonged = midnight(start + dt.timedelta(days=limit))
        if not at > prolonged:
            self._until = min(self._until, prolonged + TICK)
        if at > prolonged:
            long = Wanted(
                "SuspensionProlonged",
                agreement,
                kind,
                "critical",
                prolonged,
                f"Suspension of {KIND_EXCHANGES[kind]} reported since {since} has lasted "
                f"more than {limit} days",
                f"{KIND_EXCHANGES[kind].capitalize()} reported as suspended since {since};"
                f" no resumption and no later {KIND_EXCHANGE[kind]} recorded. The "
                f"{limit}-day limit was exceeded on {_day(prolonged.date())}. Agreement in "
                f"force for {KIND_NOUN[kind]} at that date: {agreement}.",
                ids,
                urls,
            )
            wanted[long.fingerprint] = long

    # BehindCommitment.

    def commitment(self, record: JSON, kind: str) -> Commitment | None:
        c = record["commitments"].get(kind)
        if c is None or int(c["count"]) <= 0:
            return None
        return Commitment(
            agreement=str(record["id"]),
            kind=kind,
            count=int(c["count"]),
            per_side=bool(c["per_side"]),
            parties=tuple(sorted(record["parties"], key=lambda p: ("UA", "RU").index(p))),
            signed=signed_day(record),
            due=period(c["due"]).start if c.get("due") else None,
            slack_days=self.agreements.gap_days(record, kind),
            horizon_days=self.t.commitment_horizon_days,
            window_days=self.t.recent_rate_days,
        )

    def series(self, c: Commitment, first: dt.date, last: dt.date) -> Series:
        # A series holds whole months: the same months give the same series until `move`
        # changes the agreement's progress for the kind.
        key = (c.agreement, c.kind, month_text(first), month_text(last))
        version = self.ledger.versions.of((c.agreement, c.kind))
        found = self._series.get(key)
        if found is not None and found[0] == version:
            return found[1]
        made = Series(
            total=self.ledger.progress(c.agreement, c.kind),
            daily=self.ledger.daily(c.agreement, c.kind, first, last),
        )
        if len(self._series) >= MEMO_SIZE:
            self._series.clear()
        self._series[key] = (version, made)
        return made

    def _commitment_units(self) -> dict[str, list[tuple[JSON, Commitment]]]:
        """Every commitment with a count, by kind, then agreement (signing order)."""
        generation = self.agreements.generation
        if self._units is None or self._units[0] != generation:
            units: dict[str, list[tuple[JSON, Commitment]]] = {}
            for record in self.agreements.all():
                for kind in sorted(record["commitments"]):
                    c = self.commitment(record, kind)
                    if c is not None:
                        units.setdefault(kind, []).append((record, c))
            self._units = (generation, units)
        return self._units[1]

    def _latest_delivery(self, c: Commitment, day: dt.date) -> tuple[dt.date | None, JSON | None]:
        """The latest day up to `day` with a delivery under the commitment, and the swap."""
        last = self.ledger.last_delivery(c.agreement, c.kind, c.signed, day)
        if last is None:
            return None, None
        return last, self.exchanges.attached_on(c.kind, last, c.agreement)

    def _commitments(
        self,
        kind: str,
        at: dt.datetime,
        wanted: dict[str, Wanted],
        endings: dict[str, Ending],
        active: set[str],
    ) -> None:
        day = at.date()
        for record, c in self._commitment_units().get(kind, ()):
            if day < c.signed:
                continue  # (its signing day is among the deadlines already)
            self._reads_swaps = self._reads_progress = True
            self._until = min(self._until, midnight(day + dt.timedelta(days=1)))
            fp = fingerprint("BehindCommitment", c.agreement, kind, "warning")
            recent = self.series(c, day - dt.timedelta(days=c.window_days), day)
            sides = behind(c, recent, day)
            stored = self._stored_start(fp, active)
            if sides:
                if stored is not None:
                    starts = stored
                else:
                    starts = midnight(onset(c, self.series(c, c.signed, day), day))
                # The text depends on the day, the agreement, its progress and its swaps.
                key = (
                    c.agreement,
                    kind,
                    day,
                    tuple(sides),
                    starts,
                    self.agreements.generation,
                    self.ledger.versions.of((c.agreement, kind)),
                    self.exchanges.versions.of((c.agreement, kind)),
                )
                found = self._behind.get(key)
                if found is None:
                    found = self._behind_alert(record, c, recent, day, sides, starts)
                    if len(self._behind) >= MEMO_SIZE:
                        self._behind.clear()
                    self._behind[key] = found
                wanted[fp] = found
            elif stored is not None:
                back = recovery(c, self.series(c, c.signed, day), day, stored.date())
                _, swap = self._latest_delivery(c, back)
                ids, urls = evidence(swap) if swap is not None else ([], [])
                endings[fp] = Ending(
                    midnight(back), f"Resolved: on pace from {_day(back)}.", ids, urls
                )

    def _behind_alert(
        self,
        record: JSON,
        c: Commitment,
        s: Series,
        day: dt.date,
        sides: list[str],
        starts: dt.datetime,
    ) -> Wanted:
        what = "per side" if c.per_side else "in total"
        parts = []
        for side in c.sides():
            got = s.upto(side, day)
            who = "both sides together" if side == "all" else side
            parts.append(f"{who} received {got} of {c.count}")
        last, swap = self._latest_delivery(c, day)
        text = (
            f"Commitment under {c.agreement} (signed {_day(c.signed)}): {c.count} "
            f"{KIND_NOUN[c.kind]} {what}. Recorded since signing (resolved figures from reported "
            f"claims): " + "; ".join(parts) + "."
        )
        text += (
            f" Latest delivery recorded under it: {_day(last)}."
            if last is not None
            else " No delivery recorded under it."
        )
        if c.due is not None:
            text += (
                f" Expected pace: linear from signing to {_day(c.due)}, with {c.slack_days}"
                f" days of slack."
            )
        else:
            horizon = c.signed + dt.timedelta(days=c.horizon_days)
            text += (
                f" Expected pace: completion within {c.horizon_days} days of signing"
                f" ({_day(horizon)}) at the rate of the latest {c.window_days} days."
            )
        text += (
            f" Behind pace: {', '.join('both sides together' if x == 'all' else x for x in sides)}."
        )
        commitment = record["commitments"][c.kind]
        ids, urls = evidence(swap) if swap is not None else ([], [])
        return Wanted(
            "BehindCommitment",
            c.agreement,
            c.kind,
            "warning",
            starts,
            f"Commitment on {KIND_NOUN[c.kind]} under {c.agreement} behind its expected pace",
            text,
            # The commitment's own reports, then the latest delivery under it.
            [*commitment.get("event_ids", []), *ids][-MAX_EVIDENCE:],
            [*commitment.get("urls", []), *urls][-MAX_EVIDENCE:],
        )

    # The state machine.

    def _transition(
        self,
        at: dt.datetime,
        wanted: dict[str, Wanted],
        endings: dict[str, Ending],
        active: list[str],
    ) -> list[Alert]:
        changes: list[Alert] = []
        still: list[str] = []
        for fp in sorted(set(active) | set(wanted)):
            current = self.s.alerts.get(fp) if fp in active else None
            want = wanted.get(fp)
            if current is not None and label_fingerprint(current) != fp:
                # Stored under a fingerprint of fewer labels (before severity was one):
                # closed here; the rules raise it again under its own fingerprint.
                want = None
                endings[fp] = Ending(
                    at,
                    "Resolved: superseded by the same alert under the fingerprint of all "
                    "its labels.",
                )
            if want is None:
                if current is not None:
                    ending = endings.get(fp) or Ending(
                        at, "Resolved: the condition no longer holds."
                    )
                    changes.append(resolve(Alert.model_validate(current), ending, at))
                    del self.s.alerts[fp]
                    self._alert_writes += 1
                continue
            alert, shape = self._build(want)
            if current is None:
                pass
            elif want.restart is not None:
                changes.append(resolve(Alert.model_validate(current), want.restart, at))
            elif shape == current or alert == Alert.model_validate(current):
                # Unchanged (the JSON shapes equal means the alerts are; a stored shape that
                # differs may still hold the same alert).
                still.append(fp)
                continue
            self.s.alerts[fp] = alert.model_dump(mode="json")
            self._alert_writes += 1
            still.append(fp)
            changes.append(alert)
        if still != active:
            self.s.meta["alerts"] = still
        self._wrote = bool(changes) or still != active
        # Stable: a resolved episode stays before the new one of the same fingerprint.
        return sorted(changes, key=alert_order)

    def _build(self, want: Wanted) -> tuple[Alert, JSON]:
        """The firing alert of `want` and its JSON shape, built once for the same content."""
        key = (
            want.alertname,
            want.agreement,
            want.kind,
            want.severity,
            want.starts_at,
            want.summary,
            want.description,
            tuple(want.event_ids),
            tuple(want.urls),
        )
        found = self._built.get(key)
        if found is None:
            alert = want.alert(want.starts_at)
            found = (alert, alert.model_dump(mode="json"))
            if len(self._built) >= MEMO_SIZE:
                self._built.clear()
            self._built[key] = found
        return found

    def active_alerts(self) -> list[JSON]:
        alerts = [self.s.alerts[fp] for fp in self.active() if fp in self.s.alerts]
        return sorted(
            alerts,
            key=lambda a: (
                ALERT_ORDER[a["labels"]["alertname"]],
                a["labels"]["agreement"],
                a["labels"]["kind"],
                SEVERITY_ORDER[a["labels"]["severity"]],
            ),
        )
