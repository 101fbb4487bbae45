"""Alerts in the shape Prometheus Alertmanager accepts, plus fingerprint and evidence.

`endsAt` is absent while an alert fires (Alertmanager's API takes a time or nothing there), and
`generatorURL` is absent where no worker made the alert (offline `replay`).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, Field, SerializerFunctionWrapHandler, model_serializer

from schemas.common import Id, Kind, ShortText, Strict, Url

AlertName = Literal["ExchangeGap", "SuspensionReported", "SuspensionProlonged", "BehindCommitment"]
Severity = Literal["warning", "critical"]
# Fields written only when they hold a value.
OMITTED_WHEN_EMPTY = ("endsAt", "generatorURL")


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
    # Where a person sees the alert among the active ones: the worker's /alerts.
    generatorURL: Url | None = None

    @model_serializer(mode="wrap")
    def _omit_empty(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in OMITTED_WHEN_EMPTY:
                if data.get(name) is None:
                    data.pop(name, None)
        return data
