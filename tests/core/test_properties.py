"""Properties over generated inputs: order of duplicates, tables vs dicts, bookkeeping."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agents.core.config import Config
from agents.core.ledger import SIDES
from schemas.events import ExchangeEvent
from tests.core.helpers import REMAINS_ONLY, exchange, run_both, run_steps
from tests.core.test_scenarios import TEN_REPORTS

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


# The same swap mentioned as background in a later article, with another figure for RU.
MENTION = exchange("h", "2025-12", ua=1000, ru=30, historical=True, reported="2026-01-29")


@SETTINGS
@given(st.permutations([*TEN_REPORTS, MENTION]))
def test_any_order_of_the_duplicate_reports_gives_the_same_tables(
    order: list[ExchangeEvent],
) -> None:
    run = run_steps(order, REMAINS_ONLY)
    assert run.engine.totals()["remains"] == {"UA": 1003, "RU": 29, "unattributed": 0}
    assert len(run.engine.stores.exchanges) == 1
    (day,) = [w for w in run.engine.windows("remains", "day")["windows"] if w["total"]]
    assert day["start"] == "2025-12-19"


DAYS = [dt.date(2025, 5, 1) + dt.timedelta(days=i) for i in range(0, 400, 3)]


@st.composite
def exchanges(draw: st.DrawFn) -> list[ExchangeEvent]:
    out = []
    for i in range(draw(st.integers(1, 25))):
        day = draw(st.sampled_from(DAYS))
        precision = draw(st.sampled_from(["day", "day", "day", "month", "year"]))
        occurred = {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year)}[
            precision
        ]
        ua = draw(st.one_of(st.none(), st.integers(0, 1200)))
        ru = draw(st.one_of(st.none(), st.integers(0, 1200)))
        combined = (
            draw(st.one_of(st.none(), st.integers(1, 2400))) if ua is None and ru is None else None
        )
        if ua is None and ru is None and combined is None:
            ua = 1
        out.append(
            exchange(
                f"g{i}",
                occurred,
                draw(st.sampled_from(["remains", "pows"])),
                ua=ua,
                ru=ru,
                combined=combined,
                source=draw(st.sampled_from(["exchange-watch/reader", "hq", "mod"])),
                origin=draw(st.sampled_from(["news", "official"])),
                historical=draw(st.booleans()),
                reported=(day + dt.timedelta(days=draw(st.integers(0, 40)))).isoformat(),
            )
        )
    return out


@SETTINGS
@given(exchanges())
def test_tables_and_dicts_agree_and_every_view_adds_up(events: list[ExchangeEvent]) -> None:
    run = run_both([*events, *events], Config())  # the second pass is all redelivery
    engine = run.engine
    assert all(o.duplicate for o in run.outcomes[len(events) :])  # type: ignore[union-attr]
    for kind in ("remains", "pows"):
        totals = engine.totals()[kind]
        counted = {s: 0 for s in SIDES}
        for record in engine.stores.exchanges.values():
            if record["kind"] == kind:
                for s in SIDES:
                    counted[s] += record["counted"][s]
        assert counted == totals
        for size in ("day", "week", "month"):
            rows = engine.windows(kind, size)["windows"]
            assert {s: sum(r[s] for r in rows) for s in SIDES} == totals
        attached = {s: 0 for s in SIDES}
        for agreement in engine.agreement_book.ids():
            got = engine.ledger.progress(agreement, kind)
            for s in SIDES:
                attached[s] += got[s]
        unattached = {s: 0 for s in SIDES}
        for record in engine.stores.exchanges.values():
            if record["kind"] == kind and record["agreement"] is None:
                for s in SIDES:
                    unattached[s] += record["counted"][s]
        assert {s: attached[s] + unattached[s] for s in SIDES} == totals
        last = engine.exchanges.last(kind)
        dates = [r["occurred"] for r in engine.stores.exchanges.values() if r["kind"] == kind]
        if dates:
            from agents.core.dates import period

            assert period(last["date"]).start == max(period(d).start for d in dates)
