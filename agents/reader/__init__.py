"""The news reader: classify a NewsItem and extract its exchange facts (pure, no Faust).

Language is a parameter: the item's `lang`, else detected from the text. Each language has a
reader module with the same signature; `classify` dispatches to it.
"""

from __future__ import annotations

from collections.abc import Callable

from schemas.news import ClassifiedNews, NewsItem

ReadFn = Callable[[NewsItem, str], ClassifiedNews]


def _reader_for(lang: str) -> ReadFn:
    if lang == "uk":
        from agents.reader.uk import read as read_uk

        return read_uk
    if lang == "ru":
        from agents.reader.ru import read as read_ru

        return read_ru
    from agents.reader.en import read as read_en

    return read_en


def detect(item: NewsItem) -> str:
    """The item's language: its own `lang` when given, else detected from title and body."""
    if item.lang:
        return item.lang
    from agents.reader.langdetect import detect_language

    detected = detect_language(f"{item.title or ''}\n{item.body}")
    # Nothing tells ("und"): read it as English, the language most wire reports come in.
    return detected if detected in ("en", "uk", "ru") else "en"


def classify(item: NewsItem) -> ClassifiedNews:
    """Classify one item and extract its facts; the same function serves worker and CLI."""
    lang = detect(item)
    return _reader_for(lang)(item, lang)
