"""The stall rules of DESIGN.md and the alert state machine.

Rules are evaluated at one instant `at` (the event-time clock, or the later of it and the wall
clock on a tick). Each rule says which alerts should be firing, with their severity and the
event time their condition began; the state machine compares that with the active alerts in
`stores.alerts` and emits exactly one message per state change: firing (new), firing with
another severity (escalation, same fingerprint and startsAt), resolved (with endsAt).
Re-evaluating with nothing changed emits nothing.

- ExchangeGap (agreement in force for the kind, kind): no exchange of the kind for more than
  the gap, measured from the later of signing and the latest exchange of the kind (whatever
  agreement it attached to); warning, critical past twice the gap. startsAt = anchor + gap.
  No agreement in force for a kind (civilians, by default): no gap alert.
- SuspensionReported (agreement in force for the kind at `since`, or "none"): an active
  suspension; warning; startsAt = first day of since.
- SuspensionProlonged: an active suspension older than the limit; critical;
  startsAt = since + limit.
- BehindCommitment (agreement, kind): see `pace.py`; warning; startsAt = first day of the
  current stretch of days behind pace.

startsAt does not depend on when the rules ran; it stays as first emitted while the alert
fires. endsAt is the event time the condition ended when the data tells it (the date of the
exchange or resumption, the day back on pace), never before startsAt.

Fingerprint: 16 hex digits of SHA-256 over the sorted identifying labels
(agreement, alertname, kind), severity excluded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from agents.core.agreements import AgreementBook, signed_day
from agents.core.config import Config
from agents.core.dates import midnight, parse_instant, period
from agents.core.exchanges import ExchangeBook, evidence
from agents.core.ledger import Ledger
from agents.core.pace import Commitment, Series, behind, onset, recovery, side_progress
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
NO_AGREEMENT = "none"
MAX_EVIDENCE = 20
MAX_TEXT = 2000
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


def fingerprint(alertname: str, agreement: str, kind: str) -> str:
    labels = {"alertname": alertname, "agreement": agreement, "kind": kind}
    text = "\n".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _day(moment: dt.date) -> str:
    return moment.isoformat()


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

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.alertname, self.agreement, self.kind)


@dataclass(frozen=True)
class Ending:
    """When and why a condition ended, as far as the data tells it."""

    at: dt.datetime
    note: str
    event_ids: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)


def alert_order(alert: Alert) -> tuple[int, str, str, str]:
    labels = alert.labels
    return (ALERT_ORDER[labels.alertname], labels.agreement, labels.kind, alert.status)


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

    def active(self) -> list[str]:
        return list(self.s.meta.get("alerts") or [])

    def evaluate(self, at: dt.datetime) -> list[Alert]:
        """Run every rule at `at` and apply the state changes; returns the messages."""
        wanted: dict[str, Wanted] = {}
        endings: dict[str, Ending] = {}
        active = set(self.active())
        self._gaps(at, wanted, endings, active)
        self._suspensions(at, wanted, endings)
        self._commitments(at, wanted, endings, active)
        return self._transition(at, wanted, endings)

    # ExchangeGap.

    def _gaps(
        self,
        at: dt.datetime,
        wanted: dict[str, Wanted],
        endings: dict[str, Ending],
        active: set[str],
    ) -> None:
        in_force: dict[str, JSON] = {}
        for kind in KINDS:
            record = self.agreements.in_force(kind, at.date())
            if record is None:
                continue
            in_force[kind] = record
            agreement = str(record["id"])
            gap = self.agreements.gap_days(record, kind)
            signed = signed_day(record)
            last = self.exchanges.last(kind)
            last_day = period(last["date"]).start if last else None
            anchor = max(signed, last_day) if last_day is not None else signed
            starts = midnight(anchor + dt.timedelta(days=gap))
            fp = fingerprint("ExchangeGap", agreement, kind)
            last_record = self.s.exchanges.get(last["key"]) if last else None
            if at > starts:
                critical = at > midnight(anchor + dt.timedelta(days=2 * gap))
                wanted[fp] = self._gap_alert(
                    agreement, kind, gap, signed, last, last_record, anchor, critical, starts
                )
            elif last is not None and last_day is not None and last_record is not None:
                ids, urls = evidence(last_record)
                endings[fp] = Ending(
                    midnight(last_day),
                    f"Resolved: {KIND_EXCHANGE[kind]} dated {last['date']} recorded.",
                    ids[-MAX_EVIDENCE:],
                    urls[-MAX_EVIDENCE:],
                )
        # A gap alert of an agreement no longer in force for its kind ends with the signing
        # of the one that replaced it.
        for fp in active:
            alert = self.s.alerts.get(fp)
            if alert is None or alert["labels"]["alertname"] != "ExchangeGap":
                continue
            kind = alert["labels"]["kind"]
            record = in_force.get(kind)
            if record is not None and record["id"] != alert["labels"]["agreement"]:
                endings[fp] = Ending(
                    midnight(signed_day(record)),
                    f"Resolved: {record['id']}, signed {record['signed']}, is now the "
                    f"agreement in force for {KIND_NOUN[kind]}.",
                )

    def _gap_alert(
        self,
        agreement: str,
        kind: str,
        gap: int,
        signed: dt.date,
        last: JSON | None,
        last_record: JSON | None,
        anchor: dt.date,
        critical: bool,
        starts: dt.datetime,
    ) -> Wanted:
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
        text += (
            f" Agreement in force for {KIND_NOUN[kind]}: {agreement}, signed {_day(signed)}."
            f" Gap threshold: {gap} days, exceeded on {_day(starts.date())}."
        )
        if critical:
            twice = anchor + dt.timedelta(days=2 * gap)
            text += f" Twice the threshold ({2 * gap} days) exceeded on {_day(twice)}."
        ids, urls = evidence(last_record) if last_record is not None else ([], [])
        return Wanted(
            "ExchangeGap",
            agreement,
            kind,
            "critical" if critical else "warning",
            starts,
            summary,
            text,
            ids[-MAX_EVIDENCE:],
            urls[-MAX_EVIDENCE:],
        )

    # SuspensionReported, SuspensionProlonged.

    def _suspension_agreement(self, record: JSON) -> str:
        found = self.agreements.in_force(record["kind"], since_day(record))
        return NO_AGREEMENT if found is None else str(found["id"])

    def _suspensions(
        self, at: dt.datetime, wanted: dict[str, Wanted], endings: dict[str, Ending]
    ) -> None:
        limit = self.t.suspension_limit_days
        for kind in KINDS:
            ended = self.suspensions.latest_ended(kind)
            if ended is not None:
                agreement = self._suspension_agreement(ended)
                by = ended.get("ended_by") or {}
                note = (
                    f"Resolved: {'resumption' if by.get('type') == 'resumption' else 'exchange'}"
                    f" dated {ended['ended']} recorded."
                )
                ids = [by["event_id"]] if by.get("event_id") else []
                for name in ("SuspensionReported", "SuspensionProlonged"):
                    endings[fingerprint(name, agreement, kind)] = Ending(
                        midnight(period(ended["ended"]).start), note, ids
                    )
            record = self.suspensions.active(kind)
            if record is None or at < midnight(since_day(record)):
                continue  # none, or announced ahead of its start
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
            wanted[fingerprint("SuspensionReported", agreement, kind)] = Wanted(
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
            prolonged = midnight(start + dt.timedelta(days=limit))
            if at > prolonged:
                wanted[fingerprint("SuspensionProlonged", agreement, kind)] = Wanted(
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
        return Series(
            total=self.ledger.progress(c.agreement, c.kind),
            daily=self.ledger.daily(c.agreement, c.kind, first, last),
        )

    def _commitments(
        self,
        at: dt.datetime,
        wanted: dict[str, Wanted],
        endings: dict[str, Ending],
        active: set[str],
    ) -> None:
        day = at.date()
        for record in self.agreements.all():
            for kind in sorted(record["commitments"]):
                c = self.commitment(record, kind)
                if c is None or day < c.signed:
                    continue
                fp = fingerprint("BehindCommitment", c.agreement, kind)
                recent = self.series(c, day - dt.timedelta(days=c.window_days), day)
                sides = behind(c, recent, day)
                firing = fp in active
                if sides:
                    if firing:
                        starts = parse_instant(self.s.alerts[fp]["startsAt"])
                    else:
                        starts = midnight(onset(c, self.series(c, c.signed, day), day))
                    wanted[fp] = self._behind_alert(record, c, recent, day, sides, starts)
                elif firing:
                    floor = parse_instant(self.s.alerts[fp]["startsAt"]).date()
                    back = recovery(c, self.series(c, c.signed, day), day, floor)
                    endings[fp] = Ending(midnight(back), f"Resolved: on pace from {_day(back)}.")

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
        text = (
            f"Commitment under {c.agreement} (signed {_day(c.signed)}): {c.count} "
            f"{KIND_NOUN[c.kind]} {what}. Recorded since signing (resolved figures from reported "
            f"claims): " + "; ".join(parts) + "."
        )
        if c.due is not None:
            text += (
                f" Expected pace: linear from signing to {_day(c.due)}, with {c.slack_days}"
                f" days of slack."
            )
        else:
            first = side_progress(c, s, sides[0], day)
            horizon = c.signed + dt.timedelta(days=c.horizon_days)
            window = min(c.window_days, (day - c.signed).days)
            if first["rate_per_30_days"] == 0:
                text += f" No delivery recorded for {sides[0]} in the last {window} days."
            else:
                text += (
                    f" At the rate of the last {window} days ({first['rate_per_30_days']} per "
                    f"30 days), {sides[0]} would complete on {first['projected_completion']}."
                )
            text += f" Horizon: {c.horizon_days} days from signing ({_day(horizon)})."
        text += (
            f" Behind pace: {', '.join('both sides together' if x == 'all' else x for x in sides)}."
        )
        commitment = record["commitments"][c.kind]
        return Wanted(
            "BehindCommitment",
            c.agreement,
            c.kind,
            "warning",
            starts,
            f"Commitment on {KIND_NOUN[c.kind]} under {c.agreement} behind its expected pace",
            text,
            list(commitment.get("event_ids", []))[-MAX_EVIDENCE:],
            list(commitment.get("urls", []))[-MAX_EVIDENCE:],
        )

    # The state machine.

    def _transition(
        self, at: dt.datetime, wanted: dict[str, Wanted], endings: dict[str, Ending]
    ) -> list[Alert]:
        active = self.active()
        changes: list[Alert] = []
        still: list[str] = []
        for fp in sorted(set(active) | set(wanted)):
            current = self.s.alerts.get(fp) if fp in active else None
            want = wanted.get(fp)
            if want is not None:
                if current is not None and current["labels"]["severity"] == want.severity:
                    still.append(fp)
                    continue
                starts = parse_instant(current["startsAt"]) if current else want.starts_at
                alert = Alert(
                    labels=AlertLabels(
                        alertname=want.alertname,  # type: ignore[arg-type]
                        agreement=want.agreement,
                        kind=want.kind,  # type: ignore[arg-type]
                        severity=want.severity,  # type: ignore[arg-type]
                    ),
                    annotations=AlertAnnotations(
                        summary=want.summary[:MAX_TEXT], description=want.description[:MAX_TEXT]
                    ),
                    startsAt=starts,
                    status="firing",
                    fingerprint=fp,
                    evidence=AlertEvidence(event_ids=want.event_ids, urls=want.urls),
                )
                self.s.alerts[fp] = alert.model_dump(mode="json")
                still.append(fp)
                changes.append(alert)
            elif current is not None:
                fired = Alert.model_validate(current)
                ending = endings.get(fp) or Ending(at, "Resolved: the condition no longer holds.")
                ends = min(max(ending.at, fired.startsAt), max(at, fired.startsAt))
                description = f"{fired.annotations.description} {ending.note}"[:MAX_TEXT]
                proof = fired.evidence
                if ending.event_ids or ending.urls:
                    proof = AlertEvidence(
                        event_ids=(ending.event_ids or list(proof.event_ids))[:MAX_EVIDENCE],
                        urls=(ending.urls or list(proof.urls))[:MAX_EVIDENCE],
                    )
                changes.append(
                    fired.model_copy(
                        update={
                            "status": "resolved",
                            "endsAt": ends,
                            "annotations": AlertAnnotations(
                                summary=fired.annotations.summary, description=description
                            ),
                            "evidence": proof,
                        }
                    )
                )
                del self.s.alerts[fp]
        if still != active:
            self.s.meta["alerts"] = still
        return sorted(changes, key=alert_order)

    def active_alerts(self) -> list[JSON]:
        alerts = [self.s.alerts[fp] for fp in self.active() if fp in self.s.alerts]
        return sorted(
            alerts,
            key=lambda a: (
                ALERT_ORDER[a["labels"]["alertname"]],
                a["labels"]["agreement"],
                a["labels"]["kind"],
            ),
        )
