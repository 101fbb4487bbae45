"""When a feed is polled next: interval, backoff after failures, Retry-After, jitter."""

from __future__ import annotations

import datetime as dt

import pytest

from streams.feeds.schedule import JITTER, next_delay, parse_retry_after

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 7 ", 7.0),
        ("Sun, 01 Mar 2026 12:01:30 GMT", 90.0),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),  # in the past: now
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after(value: str | None, seconds: float | None) -> None:
    assert parse_retry_after(value, NOW) == seconds


def test_the_interval_after_a_success() -> None:
    assert next_delay(900, 0, max_backoff=21_600) == 900


def test_failures_double_the_wait_up_to_the_ceiling() -> None:
    waits = [next_delay(60, n, max_backoff=1_000) for n in range(1, 8)]
    assert waits == [60, 120, 240, 480, 960, 1_000, 1_000]
    # a ceiling below the interval never polls more often than the interval
    assert next_delay(900, 5, max_backoff=60) == 900
    # thousands of failures in a row: no overflow
    assert next_delay(60, 10_000, max_backoff=3_600) == 3_600


def test_retry_after_is_obeyed_within_the_ceiling() -> None:
    assert next_delay(60, 1, retry_after=300, max_backoff=3_600) == 300
    # shorter than the backoff: the backoff holds
    assert next_delay(60, 3, retry_after=10, max_backoff=3_600) == 240
    # a server asking for a week waits the ceiling
    assert next_delay(60, 1, retry_after=7 * 86_400, max_backoff=3_600) == 3_600


def test_jitter_only_lengthens_by_a_tenth_at_most() -> None:
    assert next_delay(100, 0, max_backoff=1_000, jitter=0.0) == 100
    assert next_delay(100, 0, max_backoff=1_000, jitter=0.999) == pytest.approx(
        100 * (1 + JITTER * 0.999)
    )
    assert JITTER == 0.1
