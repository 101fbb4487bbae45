from __future__ import annotations

import dataclasses
import datetime as dt
import re

import orjson
import pytest

from agents.core.config import Config
from agents.core.stores import JsonRoundTripStore, Stores, check_json, fresh
from tests.core.helpers import (
    claim,
    clock_at,
    commitment,
    exchange,
    resumption,
    run_steps,
    suspension,
    total,
)

# Key formats documented in agents/core/stores.py.
KEY_FORMATS = {
    "seen": r'\["[^"]*","[^"]+"\]',
    "exchanges": r"x\d+",
    "exchange_index": r"(remains|pows|civilians)\|\d{4}(-\d{2}(-\d{2})?)?",
    "totals": r"remains|pows|civilians",
    "windows": r"(remains|pows|civilians)\|(day|week|month)\|\d{4}-\d{2}-\d{2}",
    "progress": r"[a-z0-9-]+\|(remains|pows|civilians)",
    "progress_days": r"[a-z0-9-]+\|(remains|pows|civilians)\|\d{4}-\d{2}",
    "agreements": r"[a-z0-9-]+",
    "suspensions": r"(remains|pows|civilians)\|\d+",
    "resumptions": r"remains|pows|civilians",
    "reported_totals": r"(remains|pows|civilians)\|(UA|RU|combined)\|(UA|RU|media)",
    "alerts": r"[0-9a-f]{16}",
    "meta": r"clock|seq|alerts|agreements|reported_totals"
    r"|(suspensions|last|bounds)\|(remains|pows|civilians)",
}

RICH = [
    exchange("a", "2025-05-23", "pows", ua=390, ru=390, source="hq", origin="official"),
    exchange("b", "2025-06-16", ua=6057, ru=78, claims=[claim("UA", ua=6057)]),
    exchange("c", "2025-06", ua=6000, reported="2025-06-20"),
    exchange("d", "2023-11", ua=1000, ru=30, historical=True, reported="2025-06-20"),
    exchange("e", "2025-08-14", "civilians", combined=12),
    suspension("s", "pows", "2025-10", "2025-11-01", reason="lists"),
    resumption("r", "pows", "2026-02-05"),
    commitment("k", "geneva-2026-02", "pows", 500, "2026-02-18", due="2026-06"),
    total("t", "pows", "UA", 4757, "2025-05", since="2022-02", claimed_by="UA"),
    clock_at("z", "2026-04-01"),
]


def test_every_store_value_is_json_that_round_trips() -> None:
    run = run_steps(RICH, Config())
    state = run.state()
    assert set(state) == {f.name for f in dataclasses.fields(Stores)}
    for name, values in state.items():
        for key, value in values.items():
            check_json(value)
            assert orjson.loads(orjson.dumps(value)) == value, (name, key)
            assert re.fullmatch(KEY_FORMATS[name], key), (name, key)
    assert all(state[name] for name in state)  # the scenario touched every store


def test_json_roundtrip_store_behaves_like_a_table() -> None:
    store = JsonRoundTripStore()
    store["k"] = {"a": [1, 2]}
    got = store["k"]
    got["a"].append(3)  # a change in place is lost, as in a changelog-backed table
    assert store["k"] == {"a": [1, 2]}
    assert list(store) == ["k"] and len(store) == 1
    del store["k"]
    assert "k" not in store


@pytest.mark.parametrize(
    "bad",
    [(1, 2), {1, 2}, dt.date(2025, 1, 1), {1: "x"}, float("nan"), {"a": [object()]}],
)
def test_non_json_values_are_refused(bad: object) -> None:
    with pytest.raises(TypeError):
        JsonRoundTripStore()["k"] = bad


def test_fresh_is_a_private_copy() -> None:
    value = {"a": [1, {"b": 2}]}
    copy = fresh(value)
    copy["a"][1]["b"] = 3
    assert value == {"a": [1, {"b": 2}]}


def test_in_memory_constructors() -> None:
    plain = Stores.in_memory()
    assert all(isinstance(s, dict) for s in plain.named().values())
    tables = Stores.in_memory(json_roundtrip=True)
    assert all(isinstance(s, JsonRoundTripStore) for s in tables.named().values())
