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


def test_handled_offsets_jumped_over_by_a_repeat_are_passed() -> None:
    # Delivered 29, then 33, all before the position: 30-32 were handled, never delivered.
    assert step(200, 33, previous=29) == Step(again=True, missing=range(0), passed=range(30, 33))


def test_a_jump_across_the_position_passes_the_handled_part_and_reads_the_rest() -> None:
    got = step(200, 205, previous=190)
    assert list(got.passed) == list(range(191, 200))
    assert list(got.missing) == list(range(200, 205))


def test_nothing_is_passed_without_a_jump_a_previous_delivery_or_after_a_seek_back() -> None:
    assert not step(200, 34, previous=33).passed
    assert not step(200, 34).passed
    assert not step(200, 20, previous=150).passed  # the consumer sought back
    assert not step(7, 9, previous=6).passed  # 7-8 are missing, not handled


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


@given(
    st.integers(min_value=0, max_value=60),
    st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=80),
)
def test_from_the_first_delivery_no_offset_is_left_unacknowledged(
    start: int, delivered: list[int]
) -> None:
    """From the first offset delivered (where the consumer's commits stand) up to the
    highest, every offset is acknowledged: delivered, read back, or passed as handled before
    (a restart with the position at `start`). Only handled offsets are passed."""
    position = start
    previous: int | None = None
    handled = set(range(start))
    acknowledged: set[int] = set()
    for offset in delivered:
        todo = step(position, offset, previous)
        previous = offset
        assert set(todo.passed) <= handled
        acknowledged |= set(todo.passed) | set(todo.missing) | {offset}
        if todo.again:
            continue
        handled |= set(todo.missing) | {offset}
        position = offset + 1
    assert acknowledged >= set(range(delivered[0], max(delivered) + 1))
