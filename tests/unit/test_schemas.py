"""The wire contract: what each model accepts and what it refuses."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from schemas.alerts import Alert
from schemas.common import check_reduced_date, date_precision, date_start
from schemas.events import EVENT_ADAPTER, CommitmentEvent, ExchangeEvent, TotalEvent
from schemas.news import MAX_BODY, ClassifiedNews, ExchangeFact, NewsItem

ITEM: dict[str, Any] = {
    "id": "n-1",
    "source": "wire",
    "published_at": "2026-01-29T12:00:00+00:00",
    "title": "Remains returned",
    "body": "Text of the report.",
}

EXCHANGE: dict[str, Any] = {
    "type": "exchange",
    "event_id": "e-1",
    "kind": "remains",
    "occurred": "2026-01-29",
    "received": {"UA": 1000, "RU": 38},
}


@pytest.mark.parametrize("value", ["2025", "2025-10", "2025-10-17", "2014-02-28", "2024-02-29"])
def test_reduced_dates_accepted(value: str) -> None:
    assert check_reduced_date(value) == value


@pytest.mark.parametrize(
    "value", ["25", "2025-1", "2025-13", "2025-02-30", "2013-12-31", "2101", "2025/10", " 2025", ""]
)
def test_reduced_dates_refused(value: str) -> None:
    with pytest.raises(ValueError):
        check_reduced_date(value)


def test_date_helpers() -> None:
    assert date_start("2025").isoformat() == "2025-01-01"
    assert date_start("2025-10").isoformat() == "2025-10-01"
    assert date_precision("2025-10-17") == "day"
    assert date_precision("2025-10") == "month"
    assert date_precision("2025") == "year"


def test_news_item_minimal_and_title_optional() -> None:
    item = NewsItem.model_validate({k: v for k, v in ITEM.items() if k != "title"})
    assert item.title is None
    assert item.published_at.utcoffset() is not None


@pytest.mark.parametrize(
    "change",
    [
        {"published_at": "2026-01-29T12:00:00"},  # naive datetime
        {"published_at": "yesterday"},
        {"body": "x" * (MAX_BODY + 1)},
        {"title": "t" * 1001},
        {"id": ""},
        {"lang": "english"},
        {"extra": 1},
        {"body": 5},
    ],
)
def test_news_item_refuses(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        NewsItem.model_validate({**ITEM, **change})


def test_exchange_event_round_trip() -> None:
    ev = EVENT_ADAPTER.validate_python(EXCHANGE)
    assert isinstance(ev, ExchangeEvent)
    assert ev.received == {"UA": 1000, "RU": 38}
    assert EVENT_ADAPTER.validate_json(ev.model_dump_json()) == ev


@pytest.mark.parametrize(
    "change",
    [
        {"received": {"UA": -1}},
        {"received": {"XX": 5}},
        {"received": {"UA": 10_000_000}},
        {"received": {}},  # no figure at all
        {"occurred": "2031-02-30"},
        {"occurred": "1999-01-01"},
        {"kind": "tanks"},
        {"type": "rumour"},
        {"confidence": float("nan")},
        {"received": {"UA": "many"}},
    ],
)
def test_exchange_event_refuses(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        EVENT_ADAPTER.validate_python({**EXCHANGE, **change})


def test_combined_figure_alone_is_an_exchange() -> None:
    ev = EVENT_ADAPTER.validate_python({**EXCHANGE, "received": {}, "combined": 115})
    assert isinstance(ev, ExchangeEvent) and ev.combined == 115


def test_other_event_types() -> None:
    c = EVENT_ADAPTER.validate_python(
        {
            "type": "commitment",
            "event_id": "c-1",
            "kind": "remains",
            "agreement_id": "istanbul-2025-06",
            "count": 6000,
            "per_side": True,
            "signed": "2025-06-02",
        }
    )
    assert isinstance(c, CommitmentEvent) and c.parties == ["RU", "UA"]
    t = EVENT_ADAPTER.validate_python(
        {
            "type": "total",
            "event_id": "t",
            "kind": "pows",
            "received_by": "UA",
            "count": 4757,
            "as_of": "2025-05",
        }
    )
    assert isinstance(t, TotalEvent)
    with pytest.raises(ValidationError):
        EVENT_ADAPTER.validate_python({**EXCHANGE, "type": "commitment"})


def test_classified_news_facts_are_discriminated() -> None:
    cn = ClassifiedNews.model_validate(
        {
            "item_id": "n-1",
            "primary": "remains_exchange",
            "labels": ["remains_exchange", "negotiation"],
            "classifier": "test",
            "facts": [
                {"type": "exchange", "kind": "remains", "received_by": "UA", "count": 1000},
                {"type": "suspension", "kind": "pows", "since": "2025-10"},
            ],
        }
    )
    assert isinstance(cn.facts[0], ExchangeFact)
    assert cn.facts[1].type == "suspension"


def test_alert_fingerprint_and_status() -> None:
    base = {
        "labels": {
            "alertname": "ExchangeGap",
            "agreement": "istanbul-2025-06",
            "kind": "remains",
            "severity": "warning",
        },
        "annotations": {"summary": "s", "description": "d"},
        "startsAt": "2026-03-01T00:00:00+00:00",
        "status": "firing",
        "fingerprint": "0123456789abcdef",
    }
    assert Alert.model_validate(base).endsAt is None
    with pytest.raises(ValidationError):
        Alert.model_validate({**base, "fingerprint": "xyz"})
    with pytest.raises(ValidationError):
        Alert.model_validate({**base, "status": "pending"})


def test_dates_after_tomorrow_are_refused() -> None:
    import datetime as dt

    soon = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=3)).isoformat()
    next_year = str(dt.datetime.now(dt.UTC).year + 1)
    for value in (soon, next_year, "2099-01-01"):
        with pytest.raises(ValidationError, match="in the future"):
            EVENT_ADAPTER.validate_python({**EXCHANGE, "occurred": value})
        with pytest.raises(ValidationError, match="in the future"):
            EVENT_ADAPTER.validate_python(
                {"type": "suspension", "event_id": "s", "kind": "pows", "since": value}
            )
    this_month = dt.datetime.now(dt.UTC).strftime("%Y-%m")
    assert EVENT_ADAPTER.validate_python({**EXCHANGE, "occurred": this_month})
    # A commitment's due date may lie ahead; its signing may not.
    EVENT_ADAPTER.validate_python(
        {
            "type": "commitment",
            "event_id": "c",
            "kind": "pows",
            "agreement_id": "x",
            "count": 10,
            "signed": "2025-06-02",
            "due": "2099-01-01",
        }
    )
    with pytest.raises(ValidationError, match="published_at"):
        NewsItem.model_validate({**ITEM, "published_at": "2099-01-01T00:00:00+00:00"})
    with pytest.raises(ValidationError, match="published_at"):
        NewsItem.model_validate({**ITEM, "published_at": "2013-12-31T00:00:00+00:00"})
