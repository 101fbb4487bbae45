"""Russian news reader: classify an item and extract its exchange facts.

The engine is shared with Ukrainian (`agents.reader.slavic_reader`). Russian-language reports
come from both sides' outlets, so the default perspective ("домой", "наших", a bare "вернули")
is read from the sources each item cites (Коордштаб, Лубинец vs Минобороны РФ, Мединский) and
its vocabulary ("оккупанты" vs "боевики ВСУ", "СВО"), not assumed from the language.
"""

from __future__ import annotations

from agents.reader.slavic_reader import read_slavic
from schemas.news import ClassifiedNews, NewsItem


def read(item: NewsItem, lang: str = "ru") -> ClassifiedNews:
    return read_slavic(item, lang)
