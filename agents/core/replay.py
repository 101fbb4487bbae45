"""Offline replay: news items and events from JSONL files through the same engine as the worker.

Files are read in the order given, lines in file order. A line holding `body` and
`published_at` is a NewsItem: it is classified (`agents.reader.classify`, imported when first
needed) and its facts become events (`from_news`); a line holding `type` and `event_id` is an
event. Blank lines are skipped; every other line that cannot be used is rejected with its file,
line number and reason, and the run goes on. A news item without facts yields no event and does
not move the clock (the worker never sees it either).

The alert lines are the alert messages in the order emitted, each encoded with orjson and
sorted keys: the same files give the same bytes on every run.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from pydantic import ValidationError

from agents.core.config import Config
from agents.core.engine import Engine
from agents.core.from_news import events_from_classified
from agents.core.stores import Stores
from schemas.alerts import Alert
from schemas.codec import Rejected as Unusable
from schemas.codec import describe, loads_json
from schemas.events import EVENT_ADAPTER
from schemas.news import ClassifiedNews, NewsItem

Classify = Callable[[NewsItem], ClassifiedNews]


@dataclass(frozen=True)
class Rejected:
    path: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: rejected: {self.reason}"


@dataclass
class ReplayResult:
    alert_lines: list[bytes] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    rejected: list[Rejected] = field(default_factory=list)


def alert_line(alert: Alert) -> bytes:
    return orjson.dumps(alert.model_dump(mode="json"), option=orjson.OPT_SORT_KEYS)


def load_reader() -> Classify:
    """`agents.reader.classify`, imported on the first news item (event files need no reader)."""
    reader: Classify = importlib.import_module("agents.reader").classify
    return reader


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            yield number, raw.rstrip(b"\r\n")


def run(
    paths: list[Path],
    config: Config,
    *,
    stores: Stores | None = None,
    classify: Classify | None = None,
) -> ReplayResult:
    engine = Engine(stores if stores is not None else Stores.in_memory(), config)
    result = ReplayResult()
    counts = {"lines": 0, "news_items": 0, "events": 0, "duplicates": 0, "rejected": 0}

    def reject(path: Path, line: int, reason: str) -> None:
        result.rejected.append(Rejected(str(path), line, reason))

    for path in paths:
        try:
            lines = list(_lines(Path(path)))
        except OSError as exc:
            reject(path, 0, f"cannot read the file: {exc.strerror or exc}")
            continue
        for number, raw in lines:
            if not raw.strip():
                continue
            counts["lines"] += 1
            try:
                obj = loads_json(raw)
            except Unusable as exc:
                reject(path, number, f"{exc.reason}: {exc.message}")
                continue
            if not isinstance(obj, dict):
                reject(path, number, "not a JSON object")
                continue
            if "body" in obj and "published_at" in obj:
                try:
                    item = NewsItem.model_validate(obj)
                except ValidationError as exc:
                    reject(path, number, f"invalid NewsItem: {describe(exc)}")
                    continue
                if classify is None:
                    classify = load_reader()
                try:
                    classified = classify(item)
                    events = events_from_classified(item, classified, config)
                except Exception as exc:  # the reader failing on one item must not stop the run
                    reject(path, number, f"classification failed: {type(exc).__name__}: {exc}")
                    continue
                counts["news_items"] += 1
            elif "type" in obj and "event_id" in obj:
                try:
                    events = [EVENT_ADAPTER.validate_python(obj)]
                except ValidationError as exc:
                    reject(path, number, f"invalid event: {describe(exc)}")
                    continue
            else:
                reject(
                    path,
                    number,
                    "neither a news item (body, published_at) nor an event (type, event_id)",
                )
                continue
            for event in events:
                outcome = engine.apply(event)
                counts["events"] += 1
                counts["duplicates"] += int(outcome.duplicate)
                for alert in outcome.alerts:
                    result.alerts.append(alert)
                    result.alert_lines.append(alert_line(alert))
    counts["rejected"] = len(result.rejected)
    result.summary = {
        **engine.summary(),
        "counts": {**counts, "alert_messages": len(result.alert_lines)},
    }
    return result
