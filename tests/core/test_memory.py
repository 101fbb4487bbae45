"""What the engine keeps in memory between events never changes what it does.

The same generated steps (every event type, ticks, redeliveries) run through one engine that
keeps its memos, and through engines built afresh over the same stores before every step, as
after a restart: messages, outcomes, views and stores must be equal. Another run puts the
stores back to an earlier state behind the engine's back (an aborted transaction, a recovery)
and handles the same steps again: it must give the same messages as the first time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.core.config import CommitmentSpec as Spec
from agents.core.config import Config
from agents.core.engine import Engine, Outcome
from agents.core.replay import alert_line
from agents.core.stores import Stores
from tests.core.helpers import (
    Step,
    Tick,
    agreement,
    at,
    commitment,
    config,
    exchange,
    resumption,
    suspension,
    total,
)

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
CONFIG = config(
    agreement("test-2025-01", "2025-01-10", ["remains", "pows"]),
    agreement(
        "test-2025-06",
        "2025-06-02",
        ["pows"],
        commitments=[Spec(kind="pows", count=900, per_side=True)],
    ),
    gap_remains_days=20,
    gap_pows_days=25,
    suspension_limit_days=15,
)
DAYS = [dt.date(2025, 1, 1) + dt.timedelta(days=i) for i in range(0, 330, 2)]
KINDS = ["remains", "pows", "pows", "civilians"]  # pows: the commitment's kind


def text(day: dt.date, precision: str) -> str:
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[precision]


@st.composite
def steps(draw: st.DrawFn) -> list[Step]:
    out: list[Step] = []
    day = DAYS[0]
    for i in range(draw(st.integers(1, 40))):
        day = min(DAYS[-1], day + dt.timedelta(days=draw(st.integers(0, 12))))
        when = (day + dt.timedelta(days=draw(st.integers(0, 3)))).isoformat()
        kind = draw(st.sampled_from(KINDS))
        what = draw(st.sampled_from(["x", "x", "x", "s", "r", "c", "t", "tick", "again"]))
        eid = f"m{i}"
        step: Step
        if what == "again" and out:
            step = draw(st.sampled_from(out))
        elif what == "s":
            since = day - dt.timedelta(days=draw(st.integers(0, 20)))
            step = suspension(eid, kind, text(since, draw(st.sampled_from(["day", "month"]))), when)
        elif what == "r":
            step = resumption(eid, kind, day.isoformat(), when)
        elif what == "c":
            name = draw(st.sampled_from(["test-2025-06", "test-new"]))
            due = draw(st.one_of(st.none(), st.integers(10, 200)))
            step = commitment(
                eid,
                name,
                kind,
                draw(st.sampled_from([0, 300, 2000])),
                (day - dt.timedelta(days=draw(st.integers(0, 30)))).isoformat(),
                due=None if due is None else (day + dt.timedelta(days=due)).isoformat(),
                per_side=draw(st.booleans()),
                origin=draw(st.sampled_from(["news", "official"])),
                reported=when,
            )
        elif what == "t":
            step = total(
                eid, kind, "UA", draw(st.integers(1, 5000)), day.isoformat(), reported=when
            )
        elif what == "tick":
            step = Tick(at(when) + dt.timedelta(days=draw(st.integers(0, 60))))
        else:
            occurred = text(day, draw(st.sampled_from(["day", "day", "month"])))
            step = exchange(
                eid,
                occurred,
                kind,
                ua=draw(st.integers(1, 400)),
                ru=draw(st.one_of(st.none(), st.integers(1, 400))),
                source=draw(st.sampled_from(["hq", "mod", "exchange-watch/reader"])),
                origin=draw(st.sampled_from(["news", "official"])),
                reported=when,
            )
        out.append(step)
    return out


def shape(got: Outcome | list[Any]) -> bytes:
    if isinstance(got, list):
        return b"\n".join(alert_line(a) for a in got)
    fields = {f.name: getattr(got, f.name) for f in dataclasses.fields(got)}
    fields["alerts"] = [alert_line(a).decode() for a in got.alerts]
    fields["totals_delta"] = sorted(got.totals_delta.items())
    return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


def run(
    steps: list[Step], cfg: Config, fresh_each_step: bool, roll_back: bool = False
) -> list[bytes]:
    stores = Stores.in_memory(json_roundtrip=True)
    engine = Engine(stores, cfg)
    out: list[bytes] = []
    states: list[bytes] = []

    def state() -> bytes:
        return orjson.dumps({n: dict(s.items()) for n, s in stores.named().items()})

    def step_once(step: Step) -> bytes:
        got = engine.tick(step.now) if isinstance(step, Tick) else engine.apply(step)
        return shape(got) + b"\n" + orjson.dumps(engine.summary(), option=orjson.OPT_SORT_KEYS)

    for n, step in enumerate(steps):
        if fresh_each_step:
            engine = Engine(stores, cfg)
        out.append(step_once(step))
        states.append(state())
        if roll_back and n % 5 == 4:
            # As after an aborted transaction: the tables go back to what they held two steps
            # earlier, behind the engine's back, and the same steps are handled again.
            held = orjson.loads(states[n - 2])
            for name, store in stores.named().items():
                for key in list(store):
                    del store[key]
                for key, value in held[name].items():
                    store[key] = value
            assert [step_once(again) for again in steps[n - 1 : n + 1]] == out[n - 1 : n + 1]
    out.append(state())
    return out


@SETTINGS
@given(steps())
def test_memory_kept_between_steps_changes_nothing(generated: list[Step]) -> None:
    assert run(generated, CONFIG, fresh_each_step=False) == run(
        generated, CONFIG, fresh_each_step=True
    )


@SETTINGS
@given(steps())
def test_tables_put_back_behind_the_engine_are_read_again(generated: list[Step]) -> None:
    assert run(generated, CONFIG, fresh_each_step=False, roll_back=True) == run(
        generated, CONFIG, fresh_each_step=True
    )


def test_forget_reads_tables_rebuilt_under_the_same_seq() -> None:
    """A rebuild can bring meta["seq"] back before the other tables (one changelog each):
    what the engine kept from the half-rebuilt tables must go when the worker says so."""
    from agents.core.config import Config as _Config
    from schemas.codec import decode_event
    from tests.support import swap_stream

    lines, _, _ = swap_stream(60, 0, seed=2, source="forget")
    full = Stores()
    reference = Engine(full, _Config.load())
    for line in lines:
        reference.apply(decode_event(line))
    # The rebuilt worker's tables: meta already whole, the others still empty.
    half = Stores(meta=dict(full.meta))
    engine = Engine(half, _Config.load())
    engine.summary()  # a view answered during the rebuild
    engine.agreements()
    for name, store in full.named().items():  # the rebuild ends
        target = half.named()[name]
        target.clear()
        target.update(store)
    engine.forget()
    assert engine.summary() == reference.summary()
    more, _, _ = swap_stream(20, 0, seed=3, source="forget-more")
    for line in more:
        a, b = engine.apply(decode_event(line)), reference.apply(decode_event(line))
        assert [x.model_dump_json() for x in a.alerts] == [x.model_dump_json() for x in b.alerts]
    assert dict(half.totals) == dict(full.totals)
