"""Totals, windows and per-agreement progress: where a swap's resolved figures are counted.

A swap's contribution (UA, RU, unattributed) is counted under its date and its agreement. When
a later report changes the resolved figures, the date or the agreement, the ledger moves the
difference: the old placement is taken out and the new one put in, so that the totals never
hold the sum of several reports of one swap. Windows are keyed by the first day of the window
holding the swap's date (ISO weeks start on Monday; a reduced date counts on its first day).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from typing import NamedTuple

from agents.core.dates import (
    WindowSize,
    day_text,
    days,
    month_text,
    months,
    next_window,
    period,
    window_end,
    window_start,
)
from agents.core.memo import Versions
from agents.core.stores import Store, Stores

SIDES = ("UA", "RU", "unattributed")
# A windows view never lists more periods than this (a day view over decades is refused).
MAX_WINDOWS = 10_000


def zero() -> dict[str, int]:
    return {"UA": 0, "RU": 0, "unattributed": 0}  # SIDES


def sides_of(value: Mapping[str, object] | None) -> dict[str, int]:
    value = value or {}
    return {s: int(value.get(s, 0)) for s in SIDES}  # type: ignore[call-overload]


class Placement(NamedTuple):
    """Where a swap is counted: its date (reduced-precision text), agreement and figures.
    (A named tuple: built twice per swap written, cheaper than a frozen dataclass.)"""

    date: str
    agreement: str | None
    amounts: Mapping[str, int]


def _bump(store: Store, key: str, delta: list[int], keep_zero: bool) -> None:
    """Add `delta` ([UA, RU, unattributed]) to the SIDES at `key`."""
    ua, ru, rest = delta
    if not (ua or ru or rest):
        return
    old = store.get(key)
    if not old:
        new: dict[str, object] = {"UA": ua, "RU": ru, "unattributed": rest}
    else:
        new = dict(old)
        new["UA"] = int(new.get("UA", 0)) + ua  # type: ignore[call-overload]
        new["RU"] = int(new.get("RU", 0)) + ru  # type: ignore[call-overload]
        new["unattributed"] = int(new.get("unattributed", 0)) + rest  # type: ignore[call-overload]
    zero_now = not (new["UA"] or new["RU"] or new["unattributed"])
    if not keep_zero and zero_now and set(new) <= set(SIDES):
        if old is not None:  # (values are never null: read means present)
            del store[key]
        return
    store[key] = new


def _date_keys(kind: str, start: dt.date) -> tuple[str, str, str]:
    """The keys of the windows holding `start`, in the order they are written (sorted)."""
    day, month, week = _windows_of(start)
    return kind + day, kind + month, kind + week


@functools.lru_cache(maxsize=1024)  # pure; small: the swaps of a day come close together
def _windows_of(start: dt.date) -> tuple[str, str, str]:
    return (
        f"|day|{start.isoformat()}",
        f"|month|{window_start('month', start).isoformat()}",
        f"|week|{window_start('week', start).isoformat()}",
    )


class Ledger:
    def __init__(self, stores: Stores) -> None:
        self.s = stores
        # (agreement, kind) -> changes whenever `move` changes its progress (rules' memos);
        # kind -> whenever it changes the progress of any agreement for the kind.
        self.versions = Versions()

    def forget(self) -> None:
        self.versions.forget()

    def move(self, kind: str, before: Placement | None, after: Placement | None) -> dict[str, int]:
        """Take `before` out and put `after` in; returns the change of the totals per side."""
        totals = [0, 0, 0]  # SIDES
        windows: dict[str, list[int]] = {}
        progress: dict[str, list[int]] = {}
        progress_days: dict[tuple[str, str], list[int]] = {}
        for place, sign in ((before, -1), (after, 1)):
            if place is None:
                continue
            got = place.amounts
            ua = sign * int(got.get("UA", 0))
            ru = sign * int(got.get("RU", 0))
            rest = sign * int(got.get("unattributed", 0))
            start = period(place.date).start
            targets = [totals]
            for key in _date_keys(kind, start):
                target = windows.get(key)
                if target is None:
                    target = windows[key] = [0, 0, 0]
                targets.append(target)
            if place.agreement is not None:
                self.versions.bump((place.agreement, kind))
                self.versions.bump(kind)
                key = f"{place.agreement}|{kind}"
                target = progress.get(key)
                if target is None:
                    target = progress[key] = [0, 0, 0]
                targets.append(target)
                day_key = (f"{key}|{month_text(start)}", day_text(start))
                target = progress_days.get(day_key)
                if target is None:
                    target = progress_days[day_key] = [0, 0, 0]
                targets.append(target)
            for target in targets:
                target[0] += ua
                target[1] += ru
                target[2] += rest
        _bump(self.s.totals, kind, totals, keep_zero=True)
        for key, delta in sorted(windows.items()) if before is not None else windows.items():
            _bump(self.s.windows, key, delta, keep_zero=False)
        for key, delta in sorted(progress.items()):
            _bump(self.s.progress, key, delta, keep_zero=True)
        for (key, day), (ua, ru, rest) in sorted(progress_days.items()):
            if not (ua or ru or rest):
                continue
            stored = self.s.progress_days.get(key)
            month_days = dict(stored or {})
            cur = month_days.get(day)
            if cur:
                ua += int(cur.get("UA", 0))
                ru += int(cur.get("RU", 0))
                rest += int(cur.get("unattributed", 0))
            if ua or ru or rest:
                month_days[day] = {"UA": ua, "RU": ru, "unattributed": rest}
            else:
                month_days.pop(day, None)
            if month_days:
                self.s.progress_days[key] = month_days
            elif stored is not None:  # (values are never null: held means present)
                del self.s.progress_days[key]
        if after is not None:
            self._extend_bounds(kind, period(after.date).start)
        return {s: n for s, n in zip(SIDES, totals, strict=True) if n}

    def _extend_bounds(self, kind: str, day: dt.date) -> None:
        key = f"bounds|{kind}"
        old = self.s.meta.get(key)
        text = day_text(day)
        if old is None:
            self.s.meta[key] = {"first": text, "last": text}
        elif text < old["first"] or text > old["last"]:
            self.s.meta[key] = {"first": min(text, old["first"]), "last": max(text, old["last"])}

    # Reading.

    def totals(self, kind: str) -> dict[str, int]:
        return sides_of(self.s.totals.get(kind))

    def bounds(self, kind: str) -> tuple[dt.date, dt.date] | None:
        b = self.s.meta.get(f"bounds|{kind}")
        if not b:
            return None
        return dt.date.fromisoformat(b["first"]), dt.date.fromisoformat(b["last"])

    def window_rows(
        self, kind: str, size: WindowSize, first: dt.date, last: dt.date
    ) -> tuple[list[dict[str, object]], bool]:
        """Rows for every window from the one holding `first` to the one holding `last`;
        the flag says the list was cut at MAX_WINDOWS."""
        rows: list[dict[str, object]] = []
        start = window_start(size, first)
        while start <= last:
            if len(rows) >= MAX_WINDOWS:
                return rows, True
            amounts = sides_of(self.s.windows.get(f"{kind}|{size}|{start}"))
            rows.append(
                {
                    "start": day_text(start),
                    "end": day_text(window_end(size, start)),
                    **amounts,
                    "total": sum(amounts.values()),
                }
            )
            start = next_window(size, start)
        return rows, False

    def sum_range(self, kind: str, first: dt.date, last: dt.date) -> dict[str, int]:
        """People counted in windows from `first` to `last` (whole months, then days)."""
        out = zero()
        for month in months(first, last):
            end = window_end("month", month)
            if first <= month and end <= last:
                keys = [f"{kind}|month|{month}"]
            else:
                keys = [f"{kind}|day|{d}" for d in days(max(first, month), min(last, end))]
            for key in keys:
                got = sides_of(self.s.windows.get(key))
                for s in SIDES:
                    out[s] += got[s]
        return out

    def progress(self, agreement: str, kind: str) -> dict[str, int]:
        return sides_of(self.s.progress.get(f"{agreement}|{kind}"))

    def last_delivery(
        self, agreement: str, kind: str, first: dt.date, last: dt.date
    ) -> dt.date | None:
        """The latest day from `first` to `last` with a delivery attached to the agreement."""
        for month in reversed(months(first, last)):
            got = self.s.progress_days.get(f"{agreement}|{kind}|{month_text(month)}") or {}
            found = [d for d in got if first <= dt.date.fromisoformat(d) <= last]
            if found:
                return dt.date.fromisoformat(max(found))
        return None

    def daily(
        self, agreement: str, kind: str, first: dt.date, last: dt.date
    ) -> dict[dt.date, dict[str, int]]:
        """Deliveries attached to an agreement by day, for the months from `first` to `last`."""
        out: dict[dt.date, dict[str, int]] = {}
        for month in months(first, last):
            got = self.s.progress_days.get(f"{agreement}|{kind}|{month_text(month)}") or {}
            for day, amounts in got.items():
                out[dt.date.fromisoformat(day)] = sides_of(amounts)
        return out
