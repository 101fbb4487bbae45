"""The news reader: classify a NewsItem and extract its exchange facts (pure, no Faust).

Language is a parameter: the item's `lang`, else detected from the text. Each language family
is a package with the same rooms (tokens, numbers, dates, parties, figures, facts,
categories, lexicon, and its reader): `en/` for English, `slavic/` for Ukrainian and
Russian; `shared/` holds what every language uses. `classify` dispatches to the family's
`read(item, lang)`.
"""

from __future__ import annotations

from collections.abc import Callable

from schemas.news import ClassifiedNews, NewsItem

ReadFn = Callable[[NewsItem, str], ClassifiedNews]


def _reader_for(lang: str) -> ReadFn:
    if lang in ("uk", "ru"):
        from agents.reader.slavic.reader import read as read_slavic

        return read_slavic
    from agents.reader.en.reader import read as read_en

    return read_en


def detect(item: NewsItem) -> str:
    """The item's language: its own `lang` when given, else detected from title and body."""
    if item.lang:
        return item.lang
    from agents.reader.shared.langdetect import detect_language

    detected = detect_language(f"{item.title or ''}\n{item.body}")
    # Nothing tells ("und"): read it as English, the language most wire reports come in.
    return detected if detected in ("en", "uk", "ru") else "en"


def classify(item: NewsItem) -> ClassifiedNews:
    """Classify one item and extract its facts; the same function serves worker and CLI."""
    lang = detect(item)
    return _reader_for(lang)(item, lang)
