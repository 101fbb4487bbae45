"""Decoding raw messages: every failure is a `Rejected` with a reason code a person can act on."""

from __future__ import annotations

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.codec import MAX_MESSAGE_BYTES, Rejected, decode_event, decode_news, dumps
from schemas.events import ExchangeEvent
from tests.unit.test_schemas import EXCHANGE, ITEM


def test_good_messages_decode() -> None:
    assert decode_news(orjson.dumps(ITEM)).id == "n-1"
    ev = decode_event(orjson.dumps(EXCHANGE))
    assert isinstance(ev, ExchangeEvent)
    assert decode_event(dumps(ev)) == ev


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"\xff\xfe not utf-8", "not_utf8"),
        (b"{not json", "not_json"),
        (b'{"a": NaN}', "not_json"),
        (b"", "not_json"),
        (b"[1, 2]", "invalid"),
        (orjson.dumps({**EXCHANGE, "received": {"UA": -5}}), "invalid"),
        (b" " * (MAX_MESSAGE_BYTES + 1), "too_large"),
    ],
)
def test_rejections(raw: bytes, reason: str) -> None:
    with pytest.raises(Rejected) as info:
        decode_event(raw)
    assert info.value.reason == reason
    assert info.value.message


def test_oversized_body_is_too_large() -> None:
    with pytest.raises(Rejected) as info:
        decode_news(orjson.dumps({**ITEM, "body": "x" * 100_001}))
    assert info.value.reason == "too_large"
    assert "body" in info.value.message


def test_error_names_the_field() -> None:
    with pytest.raises(Rejected) as info:
        decode_event(orjson.dumps({**EXCHANGE, "occurred": "2025-13"}))
    assert "occurred" in info.value.message


@given(st.binary(max_size=300))
def test_any_bytes_decode_or_reject(raw: bytes) -> None:
    try:
        decode_event(raw)
    except Rejected as exc:
        assert exc.reason in {"not_utf8", "not_json", "invalid", "too_large", "duplicate_keys"}


def test_duplicate_keys_are_refused() -> None:
    raw = b'{"type": "exchange", "event_id": "a", "kind": "pows", "kind": "remains"}'
    with pytest.raises(Rejected) as info:
        decode_event(raw)
    assert info.value.reason == "duplicate_keys"
    assert "kind" in info.value.message
    nested = orjson.dumps(EXCHANGE)[:-1] + b', "received": {"UA": 1, "UA": 2}}'
    with pytest.raises(Rejected) as info:
        decode_event(nested)
    assert info.value.reason == "duplicate_keys"
