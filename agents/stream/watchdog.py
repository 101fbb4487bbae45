"""Notice a consumer that stops without a word: messages wait, and the position does not move.

Pure bookkeeping (no Faust): the worker feeds it, every few seconds, each assigned partition's
committed position and high-water mark; a partition is stalled when messages have been waiting
(position < high water) and the position has not moved for longer than the limit.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class _Seen:
    position: int
    since: float  # when the position last moved, or waiting began


@dataclass
class StallWatch:
    limit_seconds: float = 60.0
    started: float = 0.0
    _seen: dict[tuple[str, int], _Seen] = field(default_factory=dict)
    _lag: dict[tuple[str, int], int] = field(default_factory=dict)
    _last_check: float | None = None
    _unassigned_since: float | None = None

    def checked(self, now: float, assigned: int) -> None:
        """Record a completed check and how many input partitions were assigned."""
        self._last_check = now
        if assigned:
            self._unassigned_since = None
        elif self._unassigned_since is None:
            self._unassigned_since = now

    def problems(self, now: float) -> list[str]:
        """Everything that looks stuck, worded for a person reading /healthz."""
        out = [f"no progress on {t}[{p}] with messages waiting" for t, p in self.stalled(now)]
        last = self._last_check if self._last_check is not None else self.started
        if now - last > self.limit_seconds:
            out.append(f"the consumer has not answered a check for {now - last:.0f} s")
        if self._unassigned_since is not None and now - self._unassigned_since > self.limit_seconds:
            out.append(
                f"no input partition assigned for {now - self._unassigned_since:.0f} s "
                "(a rebalance that does not finish?)"
            )
        return out

    def observe(self, now: float, tp: tuple[str, int], position: int, highwater: int) -> None:
        """Record one partition's position (next offset to process) and high-water mark."""
        lag = max(0, highwater - position)
        was_waiting = self._lag.get(tp, 0) > 0
        self._lag[tp] = lag
        seen = self._seen.get(tp)
        if seen is None or seen.position != position or not was_waiting:
            self._seen[tp] = _Seen(position, now)

    def forget_others(self, assigned: set[tuple[str, int]]) -> None:
        """Drop partitions no longer assigned (after a rebalance)."""
        for tp in list(self._seen):
            if tp not in assigned:
                del self._seen[tp]
                self._lag.pop(tp, None)

    def stalled(self, now: float) -> list[tuple[str, int]]:
        return sorted(
            tp
            for tp, seen in self._seen.items()
            if self._lag.get(tp, 0) > 0 and now - seen.since > self.limit_seconds
        )

    def lag(self) -> dict[tuple[str, int], int]:
        return dict(self._lag)
