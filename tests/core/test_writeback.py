"""WriteBack: reads kept, writes held and made once per key per flush, the table the truth."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.stores import JsonRoundTripStore, Stores
from agents.core.writeback import UnflushedWrites, WriteBack, flush, forget, write_back
from schemas.codec import decode_event
from tests.support import swap_stream


class CountingStore(JsonRoundTripStore):
    """A table stand-in that counts reads and writes (JSON round trip, as a Faust table)."""

    def __init__(self) -> None:
        super().__init__()
        self.reads = 0
        self.writes: list[str] = []

    def __getitem__(self, key: str) -> Any:
        self.reads += 1
        return super().__getitem__(key)

    def __setitem__(self, key: str, value: Any) -> None:
        self.writes.append(key)
        super().__setitem__(key, value)

    def __delitem__(self, key: str) -> None:
        self.writes.append(f"-{key}")
        super().__delitem__(key)

    def __iter__(self) -> Iterator[str]:
        return super().__iter__()


def test_reads_are_kept_and_writes_made_once_per_key_at_the_flush() -> None:
    table = CountingStore()
    table["a"] = {"n": 1}
    table.writes.clear()
    store = WriteBack(table)
    assert store["a"] == {"n": 1} and store["a"] == {"n": 1} and "a" in store
    assert "b" not in store and store.get("b") is None
    reads = table.reads
    assert store.get("b") is None and store["a"] == {"n": 1}
    assert table.reads == reads  # asked once each, then kept
    store["a"] = {"n": 2}
    store["a"] = {"n": 3}
    store["b"] = [1]
    store["c"] = "x"
    del store["c"]  # never in the table: nothing to write
    assert store.held == 3 and table.writes == []
    assert dict(store) == {"a": {"n": 3}, "b": [1]} and len(store) == 2
    assert store.flush() == 2
    assert table.writes == ["a", "b"] and dict(table) == {"a": {"n": 3}, "b": [1]}
    assert store.flush() == 0 and store.held == 0


def test_a_value_put_back_as_it_was_is_not_written() -> None:
    table = CountingStore()
    table["a"] = {"n": 1}
    table.writes.clear()
    store = WriteBack(table)
    store["a"] = {"n": 9}
    store["a"] = {"n": 1}  # e.g. an event undone
    del store["a"]
    store["a"] = {"n": 1}
    assert store.flush() == 0 and table.writes == []


def test_a_value_changed_in_place_then_assigned_is_written() -> None:
    table = CountingStore()
    table["a"] = {"n": 1}
    store = WriteBack(table)
    value = store["a"]
    store["a"] = value  # held as it was...
    value["n"] = 2  # ...then changed in place (against the stores' rule, but not lost)
    assert store.flush() == 1 and table["a"] == {"n": 2}


def test_deletes_reach_the_table_and_missing_keys_raise() -> None:
    table = CountingStore()
    table["a"] = 1
    store = WriteBack(table)
    del store["a"]
    with pytest.raises(KeyError):
        store["a"]
    with pytest.raises(KeyError):
        del store["a"]
    assert store.pop("a", None) is None
    assert list(store) == [] and "a" in table
    assert store.flush() == 1 and "a" not in table


def test_forget_goes_back_to_the_table_and_refuses_held_writes() -> None:
    table = CountingStore()
    table["a"] = 1
    store = WriteBack(table)
    assert store["a"] == 1
    table["a"] = 2  # the table rebuilt from its changelog, say
    assert store["a"] == 1
    store.forget()
    assert store["a"] == 2
    store["a"] = 3
    with pytest.raises(UnflushedWrites):
        store.forget()
    store.flush()
    store.forget()
    assert store["a"] == 3


def test_held_writes_can_be_dropped_deliberately() -> None:
    # A rebalance drops the writes of events no commit passed: they will be applied again.
    table = CountingStore()
    table["a"] = 1
    store = WriteBack(table)
    store["a"] = 2
    store["b"] = 5
    assert store.forget(drop_held=True) == 2
    assert store["a"] == 1 and "b" not in store
    assert store.flush() == 0  # nothing left to write
    assert dict(table) == {"a": 1}


def test_memory_is_bounded_by_forgetting_at_a_flush() -> None:
    table = CountingStore()
    store = WriteBack(table, limit=10)
    for i in range(25):
        store[f"k{i}"] = i
    assert store.flush() == 25
    reads = table.reads
    assert store["k3"] == 3 and table.reads == reads + 1  # read from the table again


KEYS = st.sampled_from(["a", "b", "c", "d"])
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("set"), KEYS, st.integers(0, 3)),
        st.tuples(st.just("del"), KEYS, st.none()),
        st.tuples(st.just("get"), KEYS, st.none()),
        st.tuples(st.just("flush"), st.none(), st.none()),
    ),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(start=st.dictionaries(KEYS, st.integers(0, 3)), ops=OPS)
def test_after_a_flush_the_table_holds_what_a_plain_dict_would(
    start: dict[str, int], ops: list[tuple[str, str | None, int | None]]
) -> None:
    table = CountingStore()
    for k, v in start.items():
        table[k] = v
    table.writes.clear()
    model = dict(start)
    store = WriteBack(table)
    changed: set[str] = set()
    for op, key, value in ops:
        if op == "set":
            assert key is not None
            store[key] = value
            model[key] = value  # type: ignore[assignment]
            changed.add(key)
        elif op == "del" and key is not None:
            if key in model:
                del store[key]
                del model[key]
                changed.add(key)
        elif op == "get" and key is not None:
            assert store.get(key) == model.get(key)
        elif op == "flush":
            store.flush()
            assert dict(table) == model
            changed.clear()
        assert dict(store) == model
    before = len(table.writes)
    store.flush()
    assert dict(table) == model
    assert len(table.writes) - before <= len(changed)  # each key at most once


def test_the_engine_behind_write_back_stores_leaves_the_tables_as_without() -> None:
    lines, _, _ = swap_stream(400, 200, seed=5, source="wb")
    names = list(Stores().named())
    plain = Stores(**{name: CountingStore() for name in names})
    tables = Stores(**{name: CountingStore() for name in names})
    held = write_back(tables)
    direct, behind = Engine(plain, Config.load()), Engine(held, Config.load())
    alerts_direct: list[str] = []
    alerts_behind: list[str] = []
    for line in lines:
        event = decode_event(line)
        alerts_direct += [a.model_dump_json() for a in direct.apply(event).alerts]
        alerts_behind += [a.model_dump_json() for a in behind.apply(event).alerts]
        flush(held)
    assert alerts_behind == alerts_direct
    for name in names:
        assert dict(tables.named()[name]) == dict(plain.named()[name]), name
    forget(held)  # the tables alone give the same views
    assert behind.summary() == direct.summary()

    def count(stores: Stores) -> tuple[int, int]:
        counting = [s for s in stores.named().values() if isinstance(s, CountingStore)]
        return sum(len(s.writes) for s in counting), sum(s.reads for s in counting)

    (writes_direct, reads_direct), (writes_behind, reads_behind) = count(plain), count(tables)
    assert writes_behind <= writes_direct
    # 15.7 and 3.1 per event on the bench's events (10,000 swaps), 53.5 before the engine kept
    # its own memory; on these 600 events 25.1 and 12.5
    assert reads_behind * 1.5 < reads_direct
