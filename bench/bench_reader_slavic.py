"""Throughput of the Ukrainian and Russian readers, per core, against a same-run baseline.

    .venv/bin/python bench/bench_reader_slavic.py [--seconds 2]

Items are ~3 KB news texts assembled from the repository's own labelled development items
(tests/data/reader_{uk,ru}.jsonl). The reader path per item: orjson parse of the NewsItem
JSON, pydantic validation, `read`. The baseline per item: orjson parse plus one pass of one
compiled regex (the exchange vocabulary) over title and body. The ratio reader/baseline is
printed; the goal is >= 2,000 items/s per core and within 5x of the baseline.

Last, an adversarial 1 MB Cyrillic body (built past the schema's size limit on purpose) shows
that a single item costs bounded time.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agents.reader.slavic.reader import read as read_slavic  # noqa: E402
from schemas.news import NewsItem  # noqa: E402

TARGET_BYTES = 3_000
_BASELINE = re.compile(r"обмін|обмен|полон|плен|тіл|тел|поверн|вернул|передал|репатр")


_OFF_TOPIC = ("attack", "infrastructure", "other_war", "unrelated")


def _items(lang: str, n: int = 40, off_topic: bool = False) -> list[bytes]:
    """~3 KB items: each is one labelled item padded with paragraphs of others (only items
    off the exchange topic with `off_topic`, the bulk of a real news stream)."""
    lines = (ROOT / f"tests/data/reader_{lang}.jsonl").read_bytes().splitlines()
    recs = [orjson.loads(x) for x in lines if x.strip()]
    if off_topic:
        recs = [r for r in recs if r["labels"]["category"] in _OFF_TOPIC]
    rng = random.Random(7)
    out = []
    for i in range(n):
        head = recs[i % len(recs)]
        body = head["text"]
        while len(body.encode()) < TARGET_BYTES:
            body += "\n" + rng.choice(recs)["text"]
        item = {
            "id": f"bench-{lang}-{i}",
            "source": "bench",
            "published_at": f"{head['published']}T12:00:00+00:00",
            "title": head["title"],
            "body": body,
            "lang": lang,
        }
        out.append(orjson.dumps(item))
    return out


def _rate(fn: Callable[[bytes], object], data: list[bytes], seconds: float) -> float:
    n = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        for raw in data:
            fn(raw)
        n += len(data)
        now = time.perf_counter()
        if now >= deadline:
            return n / (now - start)


def _compare(
    fn: Callable[[bytes], object], data: list[bytes], seconds: float, rounds: int = 5
) -> tuple[float, float]:
    """Best rates of baseline and reader over alternating short rounds: on a shared machine
    the best round is the one least disturbed, and alternating exposes both to the same load."""
    base = got = 0.0
    for _ in range(rounds):
        base = max(base, _rate(_baseline, data, seconds / rounds))
        got = max(got, _rate(fn, data, seconds / rounds))
    return base, got


def _baseline(raw: bytes) -> object:
    d = orjson.loads(raw)
    return _BASELINE.findall(d["title"] or ""), _BASELINE.findall(d["body"])


def _reader(read: Callable[[NewsItem, str], object], lang: str) -> Callable[[bytes], object]:
    def run(raw: bytes) -> object:
        return read(NewsItem.model_validate(orjson.loads(raw)), lang)

    return run


def _adversarial(lang: str) -> None:
    rng = random.Random(1)
    vocab = [
        "обмін",
        "полонених",
        "тіла",
        "1",
        "000",
        "повернули",
        "Росія",
        "передала",
        "з",
        "полону",
        "по",
        "84",
        "на",
        "84",
        "тисяч",
    ]
    body = " ".join(rng.choice(vocab) for _ in range(150_000))[:1_000_000]
    item = NewsItem.model_construct(
        id="adversarial",
        source="bench",
        url=None,
        title=None,
        lang=lang,
        body=body,
        published_at=NewsItem.model_validate_json(
            b'{"id":"x","source":"x","published_at":"2026-01-01T00:00:00Z","body":""}'
        ).published_at,
    )
    read = read_slavic
    start = time.perf_counter()
    out = read(item, lang)
    took = time.perf_counter() - start
    print(
        f"{lang}: adversarial 1 MB body ({len(body):,} chars): {took * 1000:.0f} ms, "
        f"{len(out.facts)} facts"
    )


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0, help="per language, both sides")
    args = ap.parse_args()
    for lang, read in (("uk", read_slavic), ("ru", read_slavic)):
        for off_topic in (False, True):
            data = _items(lang, off_topic=off_topic)
            size = sum(len(orjson.loads(x)["body"].encode()) for x in data) / len(data)
            fn = _reader(read, lang)
            for raw in data:  # warm caches
                fn(raw)
            base, got = _compare(fn, data, args.seconds)
            what = "off-topic items" if off_topic else "exchange items "
            print(
                f"{lang} {what}: {len(data)} items, mean body {size:,.0f} bytes | reader "
                f"{got:,.0f} items/s | baseline {base:,.0f} items/s | ratio {base / got:.1f}x "
                f"(goal: >= 2,000 items/s, <= 5x)"
            )
    for lang in ("uk", "ru"):
        _adversarial(lang)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
