"""The evaluation: the quality bars on the English development set and on the English items of
the shared corpus, and how the evaluation scores (matching, published dates, CLI)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from agents.reader.evaluation.scores import (
    Labelled,
    LangReport,
    Report,
    evaluate,
    load,
    published_at,
    score_item,
    to_item,
)
from agents.reader.shared.dates import UNKNOWN_PUBLISHED
from agents.reader.shared.facts import AnyFact
from schemas.news import CategoryName, ClassifiedNews, Evidence, ExchangeFact, TotalFact
from streams.cli import main
from tests.reader.en_support import CORPUS_NEWS, DEV_SET, NO_CORPUS

PRIMARY_BAR = 0.95
FACT_F1_BAR = 0.95


def _bars(report: Report) -> LangReport:
    en = report.langs["en"]
    assert en.failures == 0, [str(m) for m in en.mistakes if m.what == "error"]
    mistakes = "\n".join(str(m) for m in en.mistakes)
    assert en.primary.value >= PRIMARY_BAR, mistakes
    assert en.exchange.f1 >= FACT_F1_BAR, mistakes
    return en


def test_dev_set_meets_the_bars() -> None:
    en = _bars(evaluate([DEV_SET], {"en"}))
    assert en.items >= 60


@pytest.mark.skipif(not CORPUS_NEWS.is_file(), reason=NO_CORPUS)
def test_corpus_english_meets_the_bars() -> None:
    en = _bars(evaluate([CORPUS_NEWS], {"en"}))
    assert en.items >= 20


def test_dev_set_ids_and_format() -> None:
    seen: set[str] = set()
    for line in DEV_SET.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        assert rec["id"].startswith("en-") and rec["id"] not in seen
        seen.add(rec["id"])
        assert rec["lang"] == "en" and rec["text"] and "labels" in rec and "facts" in rec
        for f in rec["facts"]:
            assert f["type"] in ("exchange", "commitment", "suspension", "resumption", "total")


# ------------------------------------------------------------------------------ scoring


def _labelled(facts: list[dict[str, object]], category: str = "pow_exchange") -> Labelled:
    rec = {
        "id": "x",
        "lang": "en",
        "published": None,
        "title": None,
        "text": "t",
        "labels": {"category": category, "secondary": []},
        "facts": facts,
    }
    return Labelled("x", "en", to_item(rec), category, [], facts, "mem")


def _out(facts: Sequence[AnyFact], primary: CategoryName = "pow_exchange") -> ClassifiedNews:
    return ClassifiedNews(
        item_id="x", primary=primary, labels=[primary], facts=list(facts), classifier="test"
    )


EV = Evidence(field="body", start=0, end=1, text="t")


def test_cumulative_label_matches_a_total() -> None:
    rec = _labelled(
        [
            {
                "type": "exchange",
                "kind": "pows",
                "received_by": "UA",
                "count": 4757,
                "occurred": None,
                "historical": True,
            }
        ]
    )
    rep = LangReport("en")
    score_item(rec, _out([TotalFact(kind="pows", received_by="UA", count=4757, evidence=EV)]), rep)
    assert (rep.exchange.tp, rep.exchange.fp, rep.exchange.fn) == (1, 0, 0)
    assert rep.historical.ok == 1


def test_fact_matching_is_on_kind_side_count() -> None:
    rec = _labelled(
        [
            {
                "type": "exchange",
                "kind": "pows",
                "received_by": "UA",
                "count": 75,
                "occurred": None,
                "historical": False,
            },
            {
                "type": "exchange",
                "kind": "pows",
                "received_by": None,
                "count": 150,
                "occurred": None,
                "historical": False,
            },
        ]
    )
    got = [
        ExchangeFact(kind="pows", received_by="UA", count=75, occurred="2025-01-03"),
        ExchangeFact(kind="pows", received_by="RU", count=150),
        ExchangeFact(kind="pows", received_by="UA", count=75),  # a duplicate counts as extra
    ]
    rep = LangReport("en")
    score_item(rec, _out(got), rep)
    assert (rep.exchange.tp, rep.exchange.fp, rep.exchange.fn) == (1, 2, 1)
    assert rep.occurred.n == 1 and rep.occurred.ok == 0
    assert {m.what for m in rep.mistakes} >= {"missed fact", "extra fact", "occurred"}


def test_commitment_agreement_names_map_to_slugs() -> None:
    from schemas.news import CommitmentFact

    rec = _labelled(
        [
            {
                "type": "commitment",
                "kind": "pows",
                "count": 1200,
                "agreement": "Istanbul 2025 (3rd round)",
            }
        ],
        "negotiation",
    )
    rep = LangReport("en")
    c = CommitmentFact(kind="pows", count=1200, agreement="istanbul-2025-07", per_side=True)
    score_item(rec, _out([c], "negotiation"), rep)
    assert rep.commitment.tp == 1 and rep.commitment_agreement.ok == 1


def test_primary_and_label_scores() -> None:
    rec = _labelled([], "negotiation")
    rep = LangReport("en")
    score_item(rec, _out([], "pow_exchange"), rep)
    assert rep.primary.ok == 0
    assert rep.categories["negotiation"].fn == 1 and rep.categories["pow_exchange"].fp == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-09-28", dt.datetime(2024, 9, 28, 12, tzinfo=dt.UTC)),
        ("2025-03", UNKNOWN_PUBLISHED),  # a month only: no day to resolve "on Friday" against
        (None, UNKNOWN_PUBLISHED),
        ("garbage", UNKNOWN_PUBLISHED),
        ("2025-03-01T08:00:00+02:00", dt.datetime(2025, 3, 1, 6, tzinfo=dt.UTC)),
    ],
)
def test_published_values(value: str | None, expected: dt.datetime) -> None:
    assert published_at(value) == expected


def test_load_filters_languages(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    rows: list[dict[str, Any]] = [
        {
            "id": "a",
            "lang": "en",
            "published": None,
            "title": None,
            "text": "x",
            "labels": {"category": "unrelated", "secondary": []},
            "facts": [],
        },
        {
            "id": "b",
            "lang": "uk",
            "published": None,
            "title": "t",
            "text": "y",
            "labels": {"category": "unrelated", "secondary": []},
            "facts": [],
        },
    ]
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    assert [r.id for r in load([f], {"en"})] == ["a"]
    assert [r.lang for r in load([f])] == ["en", "uk"]


def test_report_render_and_dict() -> None:
    rep = evaluate([DEV_SET], {"en"})
    text = rep.render(errors=True)
    assert "== en:" in text and "primary accuracy" in text and "exchange counts" in text
    d = rep.to_dict()
    assert set(d) == {"en"}
    assert {"primary_accuracy", "categories", "exchange_facts", "mistakes"} <= set(d["en"])
    json.dumps(d)


def test_cli(tmp_path: Path) -> None:
    run = CliRunner().invoke
    out = run(main, ["evaluate", str(DEV_SET), "--lang", "en", "--errors"])
    assert out.exit_code == 0 and "primary accuracy" in out.output
    out = run(main, ["evaluate", str(DEV_SET), "--lang", "en", "--lang", "uk", "--json"])
    assert out.exit_code == 0 and set(json.loads(out.output)) == {"en"}  # an English set
    assert run(main, ["evaluate", str(tmp_path / "missing.jsonl")]).exit_code == 2
