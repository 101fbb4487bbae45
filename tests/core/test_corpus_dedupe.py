"""The real development articles: each `[dedupe]` cluster named in their notes is one swap.

Reads `../shared/corpus/dev/news.jsonl` at test time (its sentences are not in the repo)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest

from agents.core.config import Config
from agents.core.replay import run
from agents.core.stores import Stores

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "dev" / "news.jsonl"
pytestmark = pytest.mark.skipif(not DEV.exists(), reason="../shared/corpus is not beside the repo")
SAME = re.compile(r"\[dedupe\] same event as ([d0-9, ]+)")


def corpus() -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in map(orjson.loads, DEV.read_bytes().splitlines())}


def clusters(rows: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Connected groups of items whose notes say they report the same event."""
    links: dict[str, set[str]] = defaultdict(set)
    for rid, row in rows.items():
        for m in SAME.finditer(row.get("notes") or ""):
            for other in re.findall(r"d\d+", m.group(1)):
                links[rid].add(other)
                links[other].add(rid)
    seen: set[str] = set()
    groups = []
    for start in sorted(links):
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            node = todo.pop()
            if node not in group:
                group.add(node)
                todo.extend(links[node] - group)
        seen |= group
        groups.append(sorted(group))
    return groups


def current_kinds(row: dict[str, Any]) -> set[str]:
    return {f["kind"] for f in row["facts"] if f["type"] == "exchange" and not f.get("historical")}


def news_item(row: dict[str, Any], fallback: str) -> dict[str, Any]:
    published = row.get("published") or fallback
    if len(published) == 10:
        published += "T12:00:00+00:00"
    item = {
        "id": row["id"],
        "source": row.get("outlet") or "corpus",
        "url": row.get("url"),
        "published_at": published,
        "title": row.get("title"),
        "body": row["text"],
        "lang": row.get("lang"),
    }
    return {k: v for k, v in item.items() if v is not None}


ROWS = corpus() if DEV.exists() else {}
CLUSTERS = [g for g in clusters(ROWS) if any(current_kinds(ROWS[i]) for i in g)]
# The corpus notes a source error in d028: its text dates the swap "Thursday, 5 February"
# while the page and the other reports date it 5 March. Read literally, it is an earlier swap.
KNOWN = {
    "d003+d028+d047": "d028's text gives 5 February for a swap the others date 5 March "
    "(a source error noted in the corpus); the reader follows the text",
}


def cases() -> list[Any]:
    out = []
    for g in CLUSTERS:
        name = "+".join(g)
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN[name])] if name in KNOWN else []
        out.append(pytest.param(g, id=name, marks=marks))
    return out


@pytest.mark.parametrize("group", cases())
def test_each_dedupe_cluster_is_one_swap(group: list[str], tmp_path: Path) -> None:
    # Items without a page date take a date of their cluster (or one shared fallback), so
    # that their undated facts fall on the same day, as a monitor reading them that day would.
    dates = sorted(ROWS[i]["published"] for i in group if ROWS[i].get("published"))
    fallback = dates[0] if dates else "2026-03-15"
    path = tmp_path / "cluster.jsonl"
    path.write_bytes(b"".join(orjson.dumps(news_item(ROWS[i], fallback)) + b"\n" for i in group))
    stores = Stores.in_memory()
    result = run([path], Config.load(), stores=stores)
    assert not result.rejected, result.rejected
    for kind in set().union(*(current_kinds(ROWS[i]) for i in group)):
        reporting = {i for i in group if kind in current_kinds(ROWS[i])}
        swaps = [
            rec
            for rec in stores.exchanges.values()
            if rec["kind"] == kind
            and not rec["historical"]
            and reporting & {s.get("item_id") for s in rec["sources"]}
        ]
        assert len(swaps) == 1, (kind, [(s["occurred"], s["event_ids"]) for s in swaps])
        got = {s.get("item_id") for s in swaps[0]["sources"]}
        assert reporting <= got, (kind, reporting - got)
