"""The ingest agent's table writes, held in memory across events and written once per key.

The engine's mappings sit behind `WriteBack` stores (agents.core.writeback): an event's
changes stay in memory, and a flush writes each key changed since the last one once. Written
after every event, a burst still costs about seven changelog records per event; held across
events, the keys every event touches (totals, windows, the clock, the agent's position) are
written once per batch, and only the event's own keys (its id, its swap) once per event.

The writes are made, in the changelog partition of the events they came from:
- after an event when no further message waits (a quiet stream writes at once, as before);
- after `limit` events (memory and the size of one transaction stay bounded);
- before an event of another partition (each partition's tables are written in its own);
- at every commit, before the offsets (`streams.faust_fixes.before_commit`): a commit never
  passes an event whose writes are held, so the guarantees are those of writing per event.
  Under exactly-once the writes, the events' offsets and their alerts share one
  transaction; a crash loses all of them together, and the events are applied again.
The position of each partition is written last, after the writes it vouches for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents.core.stores import Stores
from agents.core.writeback import flush, forget
from streams.faust_fixes import writing_for

if TYPE_CHECKING:
    from faust.types import EventT

    from agents.stream.positions import Positions


class HeldWrites:
    def __init__(self, stores: Stores, positions: Positions, limit: int) -> None:
        self.stores = stores
        self.positions = positions
        self.limit = limit
        self._last: EventT | None = None  # the latest event whose writes are held
        self._inputs: set[tuple[str, int]] = set()  # its partition, per input topic
        self._events = 0

    @property
    def events(self) -> int:
        """Events handled since the last write."""
        return self._events

    def before(self, event: EventT) -> None:
        """Called before handling `event`: writes held for another partition go first."""
        if self._last is not None and self._last.message.partition != event.message.partition:
            self.write()

    def after(self, event: EventT, more_waiting: bool) -> None:
        """Called after handling `event`; writes when nothing waits or the batch is full."""
        self._last = event
        self._inputs.add((event.message.topic, event.message.partition))
        self._events += 1
        if not more_waiting or self._events >= self.limit:
            self.write()

    def drop(self) -> int:
        """Forget what is held and kept (a rebalance: the tables may be another worker's, or
        rebuilt). Held writes are those of events no commit has passed, which will be
        delivered and applied again; the number of keys dropped."""
        dropped = forget(self.stores, drop_held=True)
        self.positions.forget_held()
        self._last = None
        self._inputs.clear()
        self._events = 0
        return dropped

    def write(self) -> int:
        """Write what is held (in one go, between two events); the number of table writes."""
        if self._last is None:
            return 0
        with writing_for(self._last):
            writes = flush(self.stores)
            for topic, partition in sorted(self._inputs):
                self.positions.write_held(topic, partition)
        self._last = None
        self._inputs.clear()
        self._events = 0
        return writes
