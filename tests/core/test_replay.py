from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import orjson
import pytest

from agents.core.config import Config
from agents.core.replay import run
from agents.core.stores import Stores
from schemas.news import ClassifiedNews, NewsItem
from tests.core.helpers import exchange, suspension

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT.parent / "shared" / "corpus" / "seed-news.jsonl"


def news(item_id: str, day: str) -> dict[str, Any]:
    return {
        "id": item_id,
        "source": "Test Wire",
        "url": f"https://example.org/{item_id}",
        "published_at": f"{day}T10:00:00+00:00",
        "title": "t",
        "body": f"figures {item_id}",
    }


# A stand-in reader: the facts of each test item, by id.
FACTS: dict[str, list[dict[str, Any]]] = {
    "n1": [
        {"type": "exchange", "kind": "remains", "received_by": "UA", "count": 1000},
        {"type": "exchange", "kind": "remains", "received_by": "RU", "count": 35},
    ],
    "n2": [{"type": "suspension", "kind": "pows", "since": "2025-10"}],
    "n3": [],
}


def fake_classify(item: NewsItem) -> ClassifiedNews:
    if item.id == "boom":
        raise RuntimeError("reader failed")
    return ClassifiedNews.model_validate(
        {
            "item_id": item.id,
            "primary": "remains_exchange",
            "labels": ["remains_exchange"],
            "facts": FACTS.get(item.id, []),
            "classifier": "fake",
        }
    )


def dump(event: Any) -> bytes:
    return orjson.dumps(event.model_dump(mode="json"))


def write(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    events = write(
        tmp_path / "events.jsonl",
        [
            dump(exchange("e1", "2025-12-19", ua=1003, ru=26, source="hq", origin="official")),
            b"",
            b"{not json",
            b"[1, 2]",
            orjson.dumps(
                {
                    "type": "exchange",
                    "event_id": "bad",
                    "kind": "tanks",
                    "occurred": "2025-12-20",
                    "received": {"UA": 1},
                }
            ),
            orjson.dumps({"hello": "world"}),
            dump(exchange("e1", "2025-12-19", ua=1003, ru=26, source="hq", origin="official")),
            dump(suspension("s1", "civilians", "2025-11", "2025-12-21")),
        ],
    )
    items = write(
        tmp_path / "news.jsonl",
        [
            orjson.dumps(news("n1", "2026-02-26")),
            orjson.dumps({**news("n2", "2026-02-27"), "published_at": "yesterday"}),
            orjson.dumps(news("n2", "2026-02-27")),
            orjson.dumps(news("boom", "2026-02-27")),
            orjson.dumps(news("n3", "2026-03-01")),
        ],
    )
    return [events, items]


def test_replay_reads_events_and_news_and_reports_bad_lines(files: list[Path]) -> None:
    result = run(files, Config(), classify=fake_classify)
    reasons = [(Path(r.path).name, r.line, r.reason.split(":")[0]) for r in result.rejected]
    assert reasons == [
        ("events.jsonl", 3, "not_json"),
        ("events.jsonl", 4, "not a JSON object"),
        ("events.jsonl", 5, "invalid event"),
        (
            "events.jsonl",
            6,
            "neither a news item (body, published_at) nor an event (type, event_id)",
        ),
        ("news.jsonl", 2, "invalid NewsItem"),
        ("news.jsonl", 4, "classification failed"),
    ]
    assert "kind" in result.rejected[2].reason
    assert str(result.rejected[0]).startswith(f"{files[0]}:3: rejected: not_json")
    summary = result.summary
    assert summary["totals"]["remains"] == {"UA": 2003, "RU": 61, "unattributed": 0}
    assert summary["counts"] == {
        "lines": 12,
        "news_items": 3,
        "events": 5,
        "duplicates": 1,
        "rejected": 6,
        "alert_messages": len(result.alert_lines),
    }
    assert summary["clock"] == "2026-02-27T10:00:00Z"  # n3 has no facts: the clock stays
    assert [w["start"] for w in summary["windows"]["remains"]] == [
        "2025-12-01",
        "2026-01-01",
        "2026-02-01",
    ]
    assert {a["labels"]["alertname"] for a in summary["alerts"]} >= {"SuspensionReported"}
    assert set(summary) == {
        "clock",
        "totals",
        "windows",
        "agreements",
        "suspensions",
        "alerts",
        "reported_totals",
        "counts",
    }
    for line, alert in zip(result.alert_lines, result.alerts, strict=True):
        assert orjson.loads(line) == alert.model_dump(mode="json")
        assert line == orjson.dumps(orjson.loads(line), option=orjson.OPT_SORT_KEYS)


def test_replay_twice_prints_identical_bytes(files: list[Path]) -> None:
    first = run(files, Config(), classify=fake_classify)
    second = run(files, Config(), classify=fake_classify)
    tables = run(
        files, Config(), classify=fake_classify, stores=Stores.in_memory(json_roundtrip=True)
    )
    for other in (second, tables):
        assert b"\n".join(other.alert_lines) == b"\n".join(first.alert_lines)
        assert orjson.dumps(other.summary, option=orjson.OPT_SORT_KEYS) == orjson.dumps(
            first.summary, option=orjson.OPT_SORT_KEYS
        )
    assert first.alert_lines


def test_replay_uses_the_reader_by_default(
    files: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import agents.reader

    monkeypatch.setattr(agents.reader, "classify", fake_classify)
    assert run(files, Config()).summary["counts"]["news_items"] == 3


def test_a_missing_file_is_rejected_and_the_rest_still_runs(
    files: list[Path], tmp_path: Path
) -> None:
    result = run([tmp_path / "missing.jsonl", files[0]], Config(), classify=fake_classify)
    assert result.rejected[0].line == 0 and "cannot read" in result.rejected[0].reason
    assert result.summary["totals"]["remains"]["UA"] == 1003


def test_the_sample_events_replay_deterministically() -> None:
    sample = ROOT / "deploy" / "sample" / "events.jsonl"
    if not sample.is_file():
        pytest.skip("no sample events")
    first, second = run([sample], Config()), run([sample], Config())
    assert first.alert_lines == second.alert_lines and not first.rejected
    assert first.summary["counts"]["duplicates"] == 1


@pytest.mark.skipif(
    importlib.util.find_spec("agents.reader.en.reader") is None or not SEED.is_file(),
    reason="the English reader or the corpus is not there",
)
def test_the_seed_article_with_the_real_reader_is_deterministic() -> None:
    first, second = run([SEED], Config()), run([SEED], Config())
    assert not first.rejected
    assert first.alert_lines == second.alert_lines
