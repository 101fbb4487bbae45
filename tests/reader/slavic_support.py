"""Helpers the Ukrainian and Russian reader tests share: items, exchange counts, quality bars."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from agents.reader.evaluation import evaluate
from schemas.news import ClassifiedNews, ExchangeFact, NewsItem, TotalFact
from tests.reader.en_support import CORPUS_NEWS, ROOT

needs_corpus = pytest.mark.skipif(
    not CORPUS_NEWS.is_file(),
    reason=f"shared corpus not found at {CORPUS_NEWS} (CI lays shared/ beside the repo clone)",
)


def own_set(lang: str) -> Path:
    """The repository's own labelled set for `lang`."""
    return ROOT / "tests" / "data" / f"reader_{lang}.jsonl"


def item(lang: str, body: str, title: str | None = None, published: str = "2025-06-16") -> NewsItem:
    d = dt.date.fromisoformat(published)
    return NewsItem(
        id="t",
        source="test",
        published_at=dt.datetime(d.year, d.month, d.day, 12, tzinfo=dt.UTC),
        title=title,
        body=body,
        lang=lang,
    )


def counts(out: ClassifiedNews) -> set[tuple[str, str | None, int]]:
    """Exchange and total facts as (kind, side, count)."""
    return {
        (f.kind, f.received_by, f.count)
        for f in out.facts
        if isinstance(f, ExchangeFact | TotalFact)
    }


def assert_quality_bars(path: Path, lang: str) -> None:
    """No failure, primary label at least 95 %, exchange-count F1 at least 0.95."""
    rep = evaluate([path], {lang}).langs[lang]
    kinds = ("primary", "missed fact", "extra fact")
    wrong = "\n".join(str(m) for m in rep.mistakes if m.what in kinds)
    assert rep.failures == 0, wrong
    assert rep.primary.value >= 0.95, f"primary {rep.primary}\n{wrong}"
    assert rep.exchange.f1 >= 0.95, f"exchange F1 {rep.exchange.f1:.3f}\n{wrong}"
