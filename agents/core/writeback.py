"""A store in front of a slower one, read like memory and written once per key per flush.

In the worker every engine mapping is a Faust table: a read costs two RocksDB lookups, a JSON
decode and a sensor call, and a write a changelog record (sent, and kept by the broker until
compaction). One event reads many keys, some several times, and writes about six. In front of
each table, `WriteBack` keeps what it has read or been given, holds the writes, and `flush()`
writes each key changed since the last flush once, and only if its value differs from what
the table holds. The worker flushes at the end of each event, inside the event's transaction,
so the tables and their changelogs hold whole events, as before.

The table stays the truth: `forget()` drops everything kept (after a rebalance, when the
table may have been rebuilt from its changelog), and reads then go to the table again. Only
the owner of the tables writes them, and only through this store.
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping

import orjson

from agents.core.stores import JSON, Store, Stores


class _Absent:
    """Known not to be in the table (read as missing, or deleted since)."""

    def __repr__(self) -> str:
        return "ABSENT"


ABSENT = _Absent()


def _encoded(value: JSON) -> bytes | None:
    return None if value is ABSENT else orjson.dumps(value)


class UnflushedWrites(RuntimeError):
    """`forget()` was asked while writes were held: they would be lost."""


class WriteBack(MutableMapping[str, JSON]):
    def __init__(self, base: Store, limit: int = 200_000) -> None:
        self.base = base
        # Beyond this many keys kept, a flush forgets them all (memory stays bounded).
        self.limit = limit
        self._known: dict[str, JSON] = {}  # key -> value now, or ABSENT
        # Changed keys -> what the table holds, as JSON (None: absent). Kept as bytes so that a
        # value changed in place before it was assigned back is still seen as changed.
        self._flushed: dict[str, bytes | None] = {}

    def _value(self, key: str) -> JSON:
        try:
            return self._known[key]
        except KeyError:
            value = self.base.get(key, ABSENT)
            self._known[key] = value
            return value

    def __getitem__(self, key: str) -> JSON:
        value = self._value(key)
        if value is ABSENT:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._value(key) is not ABSENT

    def _hold(self, key: str) -> None:
        if key not in self._flushed:
            self._flushed[key] = _encoded(self._value(key))

    def __setitem__(self, key: str, value: JSON) -> None:
        self._hold(key)
        self._known[key] = value

    def __delitem__(self, key: str) -> None:
        if self._value(key) is ABSENT:
            raise KeyError(key)
        self._hold(key)
        self._known[key] = ABSENT

    def __iter__(self) -> Iterator[str]:
        # The table's keys as this store sees them (views only; never while applying).
        keys = [k for k in self.base if self._known.get(k) is not ABSENT]
        keys.extend(k for k, v in self._known.items() if v is not ABSENT and k not in self.base)
        return iter(keys)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    @property
    def held(self) -> int:
        """Keys changed since the last flush."""
        return len(self._flushed)

    def flush(self) -> int:
        """Write every key changed since the last flush whose value differs from the table's;
        return how many writes (and deletes) that made."""
        writes = 0
        for key, before in self._flushed.items():
            now = self._known[key]
            if _encoded(now) == before:
                continue
            if now is ABSENT:
                self.base.pop(key, None)
            else:
                self.base[key] = now
            writes += 1
        self._flushed.clear()
        if len(self._known) > self.limit:
            self._known.clear()
        return writes

    def forget(self, *, drop_held: bool = False) -> int:
        """Drop what is kept, so that reads go to the table again; refused with writes held,
        unless `drop_held` (their events will be applied again). The number dropped."""
        dropped = len(self._flushed)
        if dropped and not drop_held:
            raise UnflushedWrites(f"{dropped} keys changed and not flushed")
        self._flushed.clear()
        self._known.clear()
        return dropped


def write_back(stores: Stores) -> Stores:
    """The same mappings, each behind a `WriteBack`."""
    return Stores(**{name: WriteBack(store) for name, store in stores.named().items()})


def _each(stores: Stores) -> list[WriteBack]:
    return [s for s in stores.named().values() if isinstance(s, WriteBack)]


def flush(stores: Stores) -> int:
    """Flush every `WriteBack` mapping of `stores`; the number of writes made."""
    return sum(s.flush() for s in _each(stores))


def forget(stores: Stores, *, drop_held: bool = False) -> int:
    """Forget what every `WriteBack` mapping of `stores` keeps; the writes dropped."""
    return sum(s.forget(drop_held=drop_held) for s in _each(stores))
