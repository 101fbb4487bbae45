"""Is a commitment on pace? Delivered totals, recent rate, projection: pure arithmetic.

A commitment (agreement, kind, count, per side or combined) is behind on a day when one of its
sides is behind (for a combined commitment the single side "all" = UA + RU + unattributed; a
per-side commitment counts only what each side received, unattributed figures are left out):
- with a due date: linear pace from signing to due, one gap of slack: behind when
  delivered < count * (days since signing - gap) / (due - signed), capped at count;
- without one: not judged during the first gap after signing (grace); then behind when the
  recent rate (deliveries over the last `window` days, or since signing when shorter) is zero
  or, at that rate, completion falls after signing + horizon.
A side that delivered its count is never behind. Integer arithmetic only, so the result does
not depend on floating-point rounding.
"""

from __future__ import annotations

import bisect
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from agents.core.ledger import SIDES


@dataclass(frozen=True)
class Commitment:
    agreement: str
    kind: str
    count: int
    per_side: bool
    parties: tuple[str, ...]
    signed: dt.date
    due: dt.date | None
    slack_days: int
    horizon_days: int
    window_days: int

    def sides(self) -> tuple[str, ...]:
        return self.parties if self.per_side else ("all",)


def side_amount(amounts: Mapping[str, int], side: str) -> int:
    if side == "all":
        return sum(int(amounts.get(s, 0)) for s in SIDES)
    return int(amounts.get(side, 0))


@dataclass
class Series:
    """Deliveries attached to one agreement and kind: the total now and a part of it by day."""

    total: Mapping[str, int]
    daily: Mapping[dt.date, Mapping[str, int]]
    _days: list[dt.date] = field(init=False)
    _prefix: dict[str, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self._days = sorted(self.daily)
        # One pass for every side (SIDES, then "all": their sum, as `side_amount`).
        sums = [[0] for _ in range(len(SIDES) + 1)]
        for day in self._days:
            amounts = self.daily[day]
            got = [int(amounts.get(s, 0)) for s in SIDES]
            got.append(sum(got))
            for acc, n in zip(sums, got, strict=True):
                acc.append(acc[-1] + n)
        self._prefix = dict(zip((*SIDES, "all"), sums, strict=True))

    def upto(self, side: str, day: dt.date) -> int:
        """Delivered on or before `day` (deliveries outside the loaded days count as before)."""
        prefix = self._prefix[side]
        before = side_amount(self.total, side) - prefix[-1]
        return before + prefix[bisect.bisect_right(self._days, day)]

    def within(self, side: str, first_excluded: dt.date, last: dt.date) -> int:
        """Delivered on the days after `first_excluded` up to `last`."""
        prefix = self._prefix[side]
        return (
            prefix[bisect.bisect_right(self._days, last)]
            - prefix[bisect.bisect_right(self._days, first_excluded)]
        )


def _window(c: Commitment, day: dt.date) -> int:
    return max(1, min(c.window_days, (day - c.signed).days))


def side_behind(c: Commitment, s: Series, side: str, day: dt.date) -> bool:
    if c.count <= 0:
        return False
    delivered = s.upto(side, day)
    if delivered >= c.count:
        return False
    since = (day - c.signed).days
    if c.due is not None:
        span = (c.due - c.signed).days
        elapsed = since - c.slack_days
        if span <= 0:
            return elapsed > 0
        elapsed = max(0, min(span, elapsed))
        return delivered * span < c.count * elapsed
    if since < c.slack_days:
        return False
    wd = _window(c, day)
    recent = s.within(side, day - dt.timedelta(days=wd), day)
    if recent == 0:
        return True
    # day + remaining * wd / recent > signed + horizon, in integers.
    return (since - c.horizon_days) * recent + (c.count - delivered) * wd > 0


def behind(c: Commitment, s: Series, day: dt.date) -> list[str]:
    """The sides behind pace on `day` (empty: on pace)."""
    return [side for side in c.sides() if side_behind(c, s, side, day)]


def onset(c: Commitment, s: Series, day: dt.date) -> dt.date:
    """First day of the stretch of days up to `day` on which the commitment is behind."""
    cur = day
    while cur > c.signed and behind(c, s, cur - dt.timedelta(days=1)):
        cur -= dt.timedelta(days=1)
    return cur


def recovery(c: Commitment, s: Series, day: dt.date, floor: dt.date) -> dt.date:
    """First day (not before `floor`) of the stretch up to `day` on which it is on pace."""
    cur = day
    while cur > floor and not behind(c, s, cur - dt.timedelta(days=1)):
        cur -= dt.timedelta(days=1)
    return cur


def side_progress(c: Commitment, s: Series, side: str, day: dt.date) -> dict[str, object]:
    """Delivered, share of target, recent rate per 30 days and projected completion."""
    delivered = s.upto(side, day)
    wd = _window(c, day)
    recent = s.within(side, day - dt.timedelta(days=wd), day)
    rate = round(recent * 30 / wd, 1)
    target = c.count if c.count > 0 else None
    projected: str | None = None
    complete = target is not None and delivered >= target
    if target is not None and not complete and recent > 0:
        projected = (
            day + dt.timedelta(days=math.ceil((target - delivered) * wd / recent))
        ).isoformat()
    return {
        "side": side,
        "delivered": delivered,
        "target": target,
        "share": round(delivered / target, 4) if target else None,
        "rate_per_30_days": rate,
        "projected_completion": projected,
        "complete": complete,
        "behind": side_behind(c, s, side, day) if day >= c.signed else False,
    }
