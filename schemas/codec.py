"""JSON on the wire: orjson for speed, pydantic for validation.

`decode_*` never raise anything but `Rejected`, which carries a reason code and a message a
person can act on; the worker sends such messages to the dead-letter topic.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from pydantic import BaseModel, ValidationError

from schemas.deadletter import DeadReason
from schemas.events import EVENT_ADAPTER, AnyEvent
from schemas.news import MAX_BODY, NewsItem

# A raw message larger than this is refused before parsing.
MAX_MESSAGE_BYTES = 4 * MAX_BODY + 64_000


class Rejected(Exception):
    """A message that cannot be used, with the reason code sent to the dead-letter topic."""

    def __init__(self, reason: DeadReason, message: str) -> None:
        super().__init__(message)
        self.reason: DeadReason = reason
        self.message = message


def dumps(obj: BaseModel | Any) -> bytes:
    """Encode a model (or plain JSON data) as compact UTF-8 JSON."""
    if isinstance(obj, BaseModel):
        return orjson.dumps(obj.model_dump(mode="json", exclude_none=False))
    return orjson.dumps(obj)


def loads_json(data: bytes | str | None) -> Any:
    """Parse JSON bytes, turning every failure into `Rejected`."""
    if data is None:
        raise Rejected("not_json", "message has no value (null, a Kafka tombstone)")
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    if len(data) > MAX_MESSAGE_BYTES:
        raise Rejected(
            "too_large", f"message is {len(data)} bytes; the limit is {MAX_MESSAGE_BYTES}"
        )
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(
            "not_utf8", f"message is not valid UTF-8 ({exc.reason} at byte {exc.start})"
        ) from None
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise Rejected("not_json", f"message is not JSON: {exc}") from None
    if data.count(b":") > 1:  # only an object with two or more members can repeat a key
        _refuse_duplicate_keys(data)
    return obj


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        repeated = sorted({k for k in keys if keys.count(k) > 1})
        raise Rejected("duplicate_keys", f"key(s) given twice in one object: {repeated[:5]}")
    return dict(pairs)


def _refuse_duplicate_keys(data: bytes) -> None:
    """orjson keeps the last of repeated keys silently; a message that says two things about
    one field is refused instead, as the producer meant one of them."""
    try:
        json.loads(data, object_pairs_hook=_no_duplicates)
    except RecursionError:
        raise Rejected("not_json", "message is nested too deeply to be read") from None


def describe(exc: ValidationError, limit: int = 5) -> str:
    """A short, readable account of a validation error: field path and problem."""
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(p) for p in err["loc"]) or "(message)"
        parts.append(f"{loc}: {err['msg']}")
    more = exc.error_count() - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


# A value past a maximum length at least this long is too large; past a shorter one (a date,
# a code) it is malformed.
SIZE_LIMIT = 100


def _reason(exc: ValidationError) -> DeadReason:
    for err in exc.errors():
        limit = (err.get("ctx") or {}).get("max_length", 0)
        if err["type"] in ("string_too_long", "too_long") and limit >= SIZE_LIMIT:
            return "too_large"
    return "invalid"


def validate_news(obj: Any) -> NewsItem:
    """A parsed object as a NewsItem, or `Rejected`."""
    try:
        return NewsItem.model_validate(obj)
    except ValidationError as exc:
        raise Rejected(_reason(exc), f"invalid NewsItem: {describe(exc)}") from None


def validate_event(obj: Any) -> AnyEvent:
    """A parsed object as an event of the union, or `Rejected`."""
    try:
        return EVENT_ADAPTER.validate_python(obj)
    except ValidationError as exc:
        raise Rejected(_reason(exc), f"invalid ExchangeEvent: {describe(exc)}") from None


def decode_news(data: bytes | str | None) -> NewsItem:
    return validate_news(loads_json(data))


def decode_event(data: bytes | str | None) -> AnyEvent:
    return validate_event(loads_json(data))
