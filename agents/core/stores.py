"""All the engine's state: named string-keyed mappings of JSON values (`Stores`).

In replay the mappings are plain dicts; in the worker they are changelog-backed Faust tables
whose values are serialized as JSON. Hence the rules every module of the engine follows:

- a value read from a store is never changed in place: a new value is built and assigned
  (`store[key] = new`), otherwise a table's changelog would miss the change;
- values are JSON (dict with string keys, list, str, int, float, bool, None) and survive a
  JSON round trip unchanged: no sets, tuples or dates (ISO strings instead);
- one event reads and writes a bounded number of small keys; nothing iterates a whole store
  while processing an event (index keys point at what is needed);
- nothing is kept outside the stores except the immutable `Config`.

The mappings, their keys and values (dates are the reduced-precision texts of the contract;
instants are ISO 8601 UTC texts; SIDES means {"UA": int, "RU": int, "unattributed": int}):

`seen`            `["<source>", "<event_id>"]` (a JSON array as text; source "" when absent)
                  -> {"type": event type, "ref": exchange key or null}. The CloudEvents rule:
                  a (source, event_id) seen before is a redelivery and changes nothing.
`exchanges`       `x<seq>` -> one exchange (swap) as resolved from all its reports: kind,
                  occurred, agreement, claims, vote tallies, sources, event ids and the
                  contribution currently in the tables (see `exchanges.py`); a few kB at
                  most (lists capped at 200).
`exchange_index`  `<kind>|<date>` (date at its own precision: `pows|2025-10-02`,
                  `pows|2025-10`, `pows|2025`) -> [exchange keys]: matching within the date
                  tolerance reads a handful of these keys.
`totals`          `<kind>` -> SIDES: resolved people returned, all time.
`windows`         `<kind>|<day|week|month>|<first day of window>` -> SIDES (absent when 0).
`progress`        `<agreement>|<kind>` -> SIDES: what the exchanges attached to an
                  agreement delivered.
`progress_days`   `<agreement>|<kind>|<YYYY-MM>` -> {"<YYYY-MM-DD>": SIDES}: the same by day
                  of the exchange, for recent rates and the onset of BehindCommitment.
`agreements`      `<agreement id>` -> the full agreement as amended at run time by commitment
                  events (agreements only in the file are read from `Config`).
`suspensions`     `<kind>|<n>` -> one reported suspension: since, ended, ended_by, reason,
                  by, event ids, sources.
`resumptions`     `<kind>` -> [{"on", "event_id", "urls"}] (the latest 50), kept so that a
                  suspension reported after its resumption is known to be over.
`reported_totals` `<kind>|<side or "combined">|<claimant or "media">` -> the latest
                  cumulative figure (TotalEvent) of that claimant.
`alerts`          `<fingerprint>` -> the active (firing) alert, in the `Alert` JSON shape.
`meta`            small bookkeeping keys: "clock" (instant), "seq" (int, events applied),
                  "alerts" ([active fingerprints]), "agreements" ([ids in `agreements`]),
                  "reported_totals" ([keys]), "suspensions|<kind>" ({"keys": [the latest
                  50], "active": key|null, "last_ended": key|null}), "last|<kind>"
                  ({"date", "key"}: latest exchange), "bounds|<kind>" ({"first", "last"}:
                  the range of windows with data; it only widens).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import math
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import orjson

# A JSON value as stored (dict/list/str/int/float/bool/None); `Any` keeps the code readable.
JSON = Any
Store = MutableMapping[str, JSON]


def fresh(value: JSON) -> JSON:
    """A private deep copy of a stored value, safe to change before assigning it back."""
    return orjson.loads(orjson.dumps(value))


def check_json(value: object, path: str = "$") -> None:
    """Raise TypeError unless `value` is plain JSON that round-trips unchanged."""
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise TypeError(f"{path}: {value!r} is not a finite number")
        return
    if isinstance(value, list):
        for i, item in enumerate(value):
            check_json(item, f"{path}[{i}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: key {key!r} is not a string")
            check_json(item, f"{path}.{key}")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not a JSON value")


class JsonRoundTripStore(MutableMapping[str, JSON]):
    """A mapping that keeps every value as JSON bytes, like a Faust table's changelog.

    Reads return a new object each time, so code that changes a read value in place without
    assigning it back loses the change here, as it would in the worker.
    """

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}

    def __getitem__(self, key: str) -> JSON:
        return orjson.loads(self._data[key])

    def __setitem__(self, key: str, value: JSON) -> None:
        if not isinstance(key, str):
            raise TypeError(f"key {key!r} is not a string")
        check_json(value)
        self._data[key] = orjson.dumps(value)

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)


_ABSENT = object()
_UNREAD = object()


class Journaled(MutableMapping[str, JSON]):
    """A store that remembers what each key held before the event being applied, so that an
    event the engine fails on can be undone instead of staying half applied.

    What the event read before writing a key is what the key held: it is kept (`read`), so
    that most writes need no second lookup of the base (in the worker, a RocksDB read).
    """

    def __init__(self, base: Store, touched: list[Journaled] | None = None) -> None:
        self.base = base
        self.before: dict[str, JSON] = {}
        self.read: dict[str, JSON] = {}
        # The journals (of one `Stores`) holding anything: only those are cleared after an
        # event, not every store.
        self.touched: list[Journaled] = [] if touched is None else touched
        if type(base) is dict:
            # Reading a plain dict again costs nothing worth saving (replay): no journal.
            self.get = base.get  # type: ignore[method-assign, assignment]

    def _remember(self, key: str) -> None:
        if key not in self.before:
            if not self.before and not self.read:
                self.touched.append(self)  # (it held nothing until now)
            held = self.read.pop(key, _UNREAD)
            self.before[key] = self.base.get(key, _ABSENT) if held is _UNREAD else held

    def _note(self, key: str, value: JSON) -> None:
        if key not in self.before and key not in self.read:
            if not self.before and not self.read:
                self.touched.append(self)
            self.read[key] = value

    def __getitem__(self, key: str) -> JSON:
        value = self.base.get(key, _ABSENT)
        self._note(key, value)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def get(self, key: str, default: JSON = None) -> JSON:
        # The base's own get: one lookup (the mixin's would raise and catch KeyError).
        value = self.base.get(key, _ABSENT)
        self._note(key, value)
        return default if value is _ABSENT else value

    def __setitem__(self, key: str, value: JSON) -> None:
        if key not in self.before:  # (`_remember`, inline: several writes per event)
            self._remember(key)
        self.base[key] = value

    def __delitem__(self, key: str) -> None:
        self._remember(key)
        del self.base[key]

    def __contains__(self, key: object) -> bool:
        return key in self.base

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)

    def undo(self) -> None:
        for key, value in self.before.items():
            if value is _ABSENT:
                self.base.pop(key, None)
            else:
                self.base[key] = value
        self.before.clear()
        self.read.clear()

    def keep(self) -> None:
        self.before.clear()
        self.read.clear()


class JournaledDict(Journaled):
    """A `Journaled` plain dict (replay): its reads are not kept (reading it costs nothing)."""

    def __getitem__(self, key: str) -> JSON:
        return self.base[key]


@dataclass
class Stores:
    """The engine's state; see the module docstring for each mapping's keys and values."""

    seen: Store = field(default_factory=dict)
    exchanges: Store = field(default_factory=dict)
    exchange_index: Store = field(default_factory=dict)
    totals: Store = field(default_factory=dict)
    windows: Store = field(default_factory=dict)
    progress: Store = field(default_factory=dict)
    progress_days: Store = field(default_factory=dict)
    agreements: Store = field(default_factory=dict)
    suspensions: Store = field(default_factory=dict)
    resumptions: Store = field(default_factory=dict)
    reported_totals: Store = field(default_factory=dict)
    alerts: Store = field(default_factory=dict)
    meta: Store = field(default_factory=dict)

    @classmethod
    def in_memory(cls, json_roundtrip: bool = False) -> Stores:
        """Plain dicts (replay), or stores that JSON-round-trip every value (as Faust tables)."""
        if json_roundtrip:
            return cls(**{f.name: JsonRoundTripStore() for f in dataclasses.fields(cls)})
        return cls()

    def named(self) -> dict[str, Store]:
        return {name: getattr(self, name) for name in _NAMES}

    def journaled(self) -> Stores:
        """The same mappings, each wrapped in a `Journaled` store."""
        touched: list[Journaled] = []
        return Stores(
            **{
                name: (JournaledDict if type(store) is dict else Journaled)(store, touched)
                for name, store in self.named().items()
            }
        )

    @functools.cached_property
    def _touched(self) -> list[list[Journaled]]:
        """The distinct `touched` lists of the `Journaled` stores."""
        lists = {
            id(s.touched): s.touched for s in self.named().values() if isinstance(s, Journaled)
        }
        return list(lists.values())

    def _settle(self, undo: bool) -> None:
        for touched in self._touched:
            for journal in touched:
                if undo:
                    journal.undo()
                else:
                    journal.keep()
            touched.clear()

    def keep(self) -> None:
        """End a unit of work: the writes made since the last `keep` or `undo` stay."""
        self._settle(undo=False)

    def undo(self) -> None:
        """Put back what every `Journaled` store held at the last `keep` or `undo`."""
        self._settle(undo=True)

    @contextlib.contextmanager
    def all_or_nothing(self) -> Iterator[None]:
        """Keep the writes made inside if it ends normally; if it raises, put back what every
        `Journaled` store held before, then let the exception go on."""
        self.keep()  # what was read before (a view) may have changed since
        try:
            yield
        except BaseException:
            self.undo()
            raise
        self.keep()


_NAMES = tuple(f.name for f in dataclasses.fields(Stores))
