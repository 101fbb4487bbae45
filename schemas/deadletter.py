"""Messages that could not be used, kept whole with the reason."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from schemas.common import ShortText, Strict

DeadReason = Literal[
    "not_utf8",
    "not_json",
    "invalid",
    "too_large",
    "duplicate_keys",
    "processing_error",
]


class DeadLetter(Strict):
    topic: str = Field(max_length=300)
    partition: int = Field(ge=0)
    offset: int = Field(ge=0)
    key: str | None = Field(default=None, description="Original key bytes, base64.")
    value: str = Field(description="Original value bytes, base64.")
    reason: DeadReason
    error: ShortText = Field(description="What was wrong, for a person to act on.")
    stage: str = Field(max_length=100, description="The agent that rejected the message.")
    failed_at: AwareDatetime
