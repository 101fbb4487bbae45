"""The agents' own position in an input partition (agents/core/position.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.core.position import Step, cursor_key, step


def test_the_next_message_is_handled_with_nothing_missing() -> None:
    assert step(next_offset=7, offset=7) == Step(again=False, missing=range(7, 7))
    assert not step(7, 7).missing


def test_a_message_before_the_position_was_handled_already() -> None:
    assert step(next_offset=7, offset=6) == Step(again=True, missing=range(0))
    assert step(next_offset=7, offset=0).again


def test_offsets_skipped_before_a_message_are_read_first() -> None:
    got = step(next_offset=3031, offset=3033)
    assert not got.again
    assert list(got.missing) == [3031, 3032]


def test_negative_offsets_are_refused() -> None:
    with pytest.raises(ValueError, match="never negative"):
        step(-1, 0)
    with pytest.raises(ValueError, match="never negative"):
        step(0, -5)


def test_keys_name_topic_and_partition() -> None:
    assert cursor_key("exchange.events", 0) == "exchange.events|0"
    assert cursor_key("a.b", 3) != cursor_key("a.b", 0)


@given(st.lists(st.integers(min_value=0, max_value=60), max_size=80))
def test_any_delivery_order_handles_each_offset_once_and_in_order(delivered: list[int]) -> None:
    """Whatever the consumer delivers (repeats, jumps back after a seek, skips), following
    the steps handles every offset up to the highest delivered exactly once, in order."""
    position = 0
    handled: list[int] = []
    for offset in delivered:
        todo = step(position, offset)
        if todo.again:
            continue
        handled.extend(todo.missing)
        handled.append(offset)
        position = offset + 1
    assert handled == list(range(max(delivered) + 1 if delivered else 0))
