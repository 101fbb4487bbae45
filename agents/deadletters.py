"""Dead letters: a rejected message kept whole (bytes, topic, partition, offset) with its reason."""

from __future__ import annotations

import base64
import datetime as dt

from schemas.deadletter import DeadLetter, DeadReason

# Errors are shown to people; a very long one is cut so that the dead letter stays readable.
MAX_ERROR = 2000


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
    return DeadLetter(
        topic=topic,
        partition=partition,
        offset=offset,
        key=base64.b64encode(key).decode("ascii") if key is not None else None,
        value=base64.b64encode(value or b"").decode("ascii"),
        reason=reason,
        error=error if len(error) <= MAX_ERROR else error[: MAX_ERROR - 1] + "…",
        stage=stage,
        failed_at=now or dt.datetime.now(dt.UTC),
    )
