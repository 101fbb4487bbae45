"""An alert message as Alertmanager's API takes it (postableAlert)."""

from __future__ import annotations

import datetime as dt

from schemas.alerts import Alert
from streams.alertmanager import to_alertmanager

FIRING = {
    "labels": {
        "alertname": "ExchangeGap",
        "agreement": "istanbul-2025-06",
        "kind": "remains",
        "severity": "critical",
    },
    "annotations": {"summary": "s", "description": "d"},
    "startsAt": "2025-08-15T00:00:00Z",
    "status": "firing",
    "fingerprint": "0123456789abcdef",
    "evidence": {"event_ids": ["s-004"], "urls": ["https://example.org/a"]},
}


def test_a_firing_alert_has_no_end_and_links_to_the_workers() -> None:
    alert = Alert.model_validate(FIRING)
    assert to_alertmanager(alert, "http://w:6066/alerts") == {
        "labels": FIRING["labels"],
        "annotations": {
            "summary": "s",
            "description": "d",
            "evidence": "s-004, https://example.org/a",
        },
        "startsAt": "2025-08-15T00:00:00Z",
        "generatorURL": "http://w:6066/alerts",
    }
    linked = alert.model_copy(update={"generatorURL": "http://worker-2:6066/alerts"})
    assert to_alertmanager(linked, "http://w:6066/alerts")["generatorURL"] == (
        "http://worker-2:6066/alerts"
    )


def test_a_resolved_alert_carries_its_end_and_no_empty_evidence() -> None:
    alert = Alert.model_validate(
        {
            **FIRING,
            "status": "resolved",
            "endsAt": "2025-08-19T00:00:00+00:00",
            "evidence": {"event_ids": [], "urls": []},
        }
    )
    posted = to_alertmanager(alert, "http://w:6066/alerts")
    assert posted["endsAt"] == "2025-08-19T00:00:00Z"
    assert "evidence" not in posted["annotations"]
    assert alert.endsAt == dt.datetime(2025, 8, 19, tzinfo=dt.UTC)
