"""Version counters for the engine's in-memory memos.

A memo keyed by what it was computed from must learn when that changed. The writers bump the
version of what they wrote (an agreement's progress, a kind's swaps); a memo entry keeps the
version it was built at and is used only while it is still the current one. Numbers are never
reused, even after `forget`, so an old entry can never match again.
"""

from __future__ import annotations

from collections.abc import Hashable


class Versions:
    def __init__(self) -> None:
        self._last = 0
        self._of: dict[Hashable, int] = {}
        self.writes = 0  # bumps so far: changes whenever any key's version does

    def of(self, key: Hashable) -> int:
        found = self._of.get(key)
        if found is None:
            self._last += 1
            found = self._of[key] = self._last
        return found

    def bump(self, key: Hashable) -> None:
        self.writes += 1
        self._last += 1
        self._of[key] = self._last

    def forget(self) -> None:
        """Everything may have changed: every key gets a new version when next asked."""
        self._of.clear()
