"""Dead letters: a rejected message kept whole (bytes, topic, partition, offset) with its reason."""

from __future__ import annotations

import base64
import datetime as dt

from schemas.deadletter import DeadLetter, DeadReason

# Errors are shown to people; a very long one is cut so that the dead letter stays readable.
MAX_ERROR = 2000
# A dead letter must fit in one Kafka message (Faust's producer sends up to 1,000,000 bytes)
# once base64 has grown the original by a third: of a longer original, the start is kept.
MAX_KEPT_VALUE = 600_000
MAX_KEPT_KEY = 10_000


def dead_letter(
    *,
    topic: str,
    partition: int,
    offset: int,
    key: bytes | None,
    value: bytes | None,
    reason: DeadReason,
    error: str,
    stage: str,
    now: dt.datetime | None = None,
) -> DeadLetter:
    value = value or b""
    if len(value) > MAX_KEPT_VALUE:
        error = f"value cut to its first {MAX_KEPT_VALUE} of {len(value)} bytes; {error}"
        value = value[:MAX_KEPT_VALUE]
    if key is not None and len(key) > MAX_KEPT_KEY:
        error = f"key cut to its first {MAX_KEPT_KEY} of {len(key)} bytes; {error}"
        key = key[:MAX_KEPT_KEY]
    return DeadLetter(
        topic=topic,
        partition=partition,
        offset=offset,
        key=base64.b64encode(key).decode("ascii") if key is not None else None,
        value=base64.b64encode(value).decode("ascii"),
        reason=reason,
        error=error if len(error) <= MAX_ERROR else error[: MAX_ERROR - 1] + "…",
        stage=stage,
        failed_at=now or dt.datetime.now(dt.UTC),
    )
