"""When to poll a feed next: its interval after a success, longer after each failure in a row,
and never before the server's `Retry-After`. No I/O."""

from __future__ import annotations

import datetime as dt
import email.utils

# Delays vary by up to this fraction, so that feeds started together drift apart.
JITTER = 0.1


def parse_retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds to wait from a `Retry-After` header: delay-seconds or an HTTP date; None when
    absent or unreadable. A date in the past means now (0)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP dates are GMT
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - now).total_seconds())


def next_delay(
    interval: float,
    failures: int,
    *,
    retry_after: float | None = None,
    max_backoff: float,
    jitter: float = 0.0,
) -> float:
    """Seconds until the next poll.

    `failures` counts the failed polls in a row (0 after a success): the wait is the interval,
    doubled for each failure after the first, up to `max_backoff` (never below the interval).
    A `Retry-After` longer than that is obeyed, up to `max_backoff` too. `jitter` in [0, 1)
    lengthens the wait by up to JITTER of itself.
    """
    ceiling = max(max_backoff, interval)
    delay = interval * 2 ** min(max(0, failures - 1), 40)
    delay = min(delay, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, ceiling))
    return delay * (1 + JITTER * jitter)
