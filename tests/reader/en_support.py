"""Helpers of the English reader's tests: paths, items, fact views."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from agents.reader.en.reader import read
from agents.reader.shared.dates import UNKNOWN_PUBLISHED
from schemas.news import ClassifiedNews, ExchangeFact, NewsItem, TotalFact

ROOT = Path(__file__).resolve().parents[2]
DEV_SET = ROOT / "tests" / "data" / "reader_en.jsonl"
# CI lays the repository clone with `shared/` beside it.
CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_NEWS = CORPUS / "dev" / "news.jsonl"
SEED = CORPUS / "seed-news.jsonl"
NO_CORPUS = f"the shared corpus is not beside the repository ({CORPUS} is missing)"


def item(
    body: str,
    title: str | None = None,
    published: str | None = "2025-10-17",
    item_id: str = "t-1",
) -> NewsItem:
    """A NewsItem; `published` None means the page date is unknown."""
    when = (
        dt.datetime.fromisoformat(published + "T12:00:00+00:00") if published else UNKNOWN_PUBLISHED
    )
    return NewsItem(id=item_id, source="test", published_at=when, title=title, body=body, lang="en")


def classify(
    body: str, title: str | None = "Ukraine", published: str | None = "2025-10-17"
) -> ClassifiedNews:
    """Read one text; the default title only anchors it in the war (no figure, no topic)."""
    return read(item(body, title, published), "en")


def counts(out: ClassifiedNews) -> set[tuple[Any, ...]]:
    """Exchange-count facts as (kind, side, count, historical); totals count as historical."""
    got: set[tuple[Any, ...]] = set()
    for f in out.facts:
        if isinstance(f, ExchangeFact):
            got.add((f.kind, f.received_by, f.count, f.historical))
        elif isinstance(f, TotalFact):
            got.add((f.kind, f.received_by, f.count, True))
    return got


def of_type(out: ClassifiedNews, cls: type) -> list[Any]:
    return [f for f in out.facts if isinstance(f, cls)]
