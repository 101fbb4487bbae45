"""Where an agent stands in one input partition: the next offset it has to handle.

The agents keep this position themselves, in a table committed with what each message
changed, instead of trusting the consumer's own bookkeeping: around a rebalance Faust can
deliver a message again, or skip some and still commit past them (README, Reliability).
With the position, a message delivered again changes nothing, and messages skipped are read
from the broker and handled, in order, before the one that revealed the gap.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Step:
    """What to do with the message at `offset`."""

    # Handled before (delivered again after a rebalance or a restart): change nothing.
    again: bool
    # Offsets never handled that come before it: read and handle them first (empty if none).
    # Some may hold no message (transaction markers, or messages deleted by retention).
    missing: range
    # Offsets handled before that the consumer passed over since the previous delivery (a
    # repeat it skipped): only to acknowledge, or the consumer's commits stop at the first.
    passed: range = range(0)


def cursor_key(topic: str, partition: int) -> str:
    """The key of one input partition's position in the cursor table."""
    return f"{topic}|{partition}"


def step(next_offset: int, offset: int, previous: int | None = None) -> Step:
    """Compare a delivered message's offset with the next offset to handle; `previous` is
    the offset delivered before it in this partition, if any."""
    if offset < 0 or next_offset < 0:
        raise ValueError(f"offsets are never negative (next {next_offset}, got {offset})")
    # Everything before the next offset was handled, so a jump over part of it is harmless
    # to the figures; the consumer's commits still wait for an acknowledgement of each.
    passed = range(0) if previous is None else range(previous + 1, min(offset, next_offset))
    if offset < next_offset:
        return Step(again=True, missing=range(0), passed=passed)
    return Step(again=False, missing=range(next_offset, offset), passed=passed)
