"""Language detection: a script-and-function-word rule for en, uk and ru."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agents.reader.shared.langdetect import detect_language

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "dev" / "news.jsonl"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Обмін полоненими: додому повернулися 84 захисники", "uk"),
        ("Україна повернула тіла 909 загиблих, які загинули на сході", "uk"),
        ("Обмен пленными: из плена вернулись 84 военнослужащих", "ru"),
        ("Россия передала Украине тела погибших, сообщил Мединский", "ru"),
        ("Ukraine and Russia swap 84 prisoners of war", "en"),
        ("", "und"),
        ("2025 — 84/84", "und"),
    ],
)
def test_examples(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_own_sets(lang: str) -> None:
    for line in (ROOT / "tests" / "data" / f"reader_{lang}.jsonl").read_bytes().splitlines():
        rec = orjson.loads(line)
        assert detect_language(f"{rec['title'] or ''}\n{rec['text']}") == lang, rec["id"]


@pytest.mark.skipif(not CORPUS.is_file(), reason=f"shared corpus not found at {CORPUS}")
def test_corpus() -> None:
    for line in CORPUS.read_bytes().splitlines():
        rec = orjson.loads(line)
        assert detect_language(f"{rec['title'] or ''}\n{rec['text']}") == rec["lang"], rec["id"]


@given(st.text(max_size=300))
def test_any_text_gives_a_known_code(text: str) -> None:
    assert detect_language(text) in {"en", "uk", "ru", "und"}


def test_long_text_reads_only_its_head() -> None:
    head = "Україна повернула з полону 84 захисники, які провели в неволі три роки. "
    assert detect_language(head * 60 + "Россия это что который " * 100_000) == "uk"
