"""Alerts in the shape Prometheus Alertmanager accepts, plus fingerprint and evidence."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from schemas.common import Id, Kind, ShortText, Strict, Url

AlertName = Literal["ExchangeGap", "SuspensionReported", "SuspensionProlonged", "BehindCommitment"]
Severity = Literal["warning", "critical"]


class AlertLabels(Strict):
    alertname: AlertName
    agreement: str = Field(max_length=100)
    kind: Kind
    severity: Severity


class AlertAnnotations(Strict):
    summary: ShortText
    description: ShortText


class AlertEvidence(Strict):
    event_ids: list[Id] = Field(default_factory=list, max_length=200)
    urls: list[Url] = Field(default_factory=list, max_length=200)


class Alert(Strict):
    labels: AlertLabels
    annotations: AlertAnnotations
    startsAt: AwareDatetime
    endsAt: AwareDatetime | None = None
    status: Literal["firing", "resolved"]
    fingerprint: str = Field(pattern=r"^[0-9a-f]{16}$")
    evidence: AlertEvidence = Field(default_factory=AlertEvidence)
