"""Ukrainian news reader: classify an item and extract its exchange facts.

The engine is shared with Russian (`agents.reader.slavic_reader`); the language sets the
default perspective ("додому", "наших" are Ukrainian in a Ukrainian text) and the version tag.
"""

from __future__ import annotations

from agents.reader.slavic_reader import read_slavic
from schemas.news import ClassifiedNews, NewsItem


def read(item: NewsItem, lang: str = "uk") -> ClassifiedNews:
    return read_slavic(item, lang)
