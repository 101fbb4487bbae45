"""Ukrainian and Russian word forms read with pymorphy3 and its `uk` and `ru` dictionaries.

Two uses, each kept because a measurement said it reads better than the hand-written rule it
replaced (the figures are in docs/reader-scores.md):

- Numbers written as words. Every form of the cardinal and collective numerals of both
  languages is generated once from the dictionaries (the lexeme of each lemma below) instead
  of hand-written inflection tables: the tables this replaced missed 86 Ukrainian and 55
  Russian forms ("п'ятьома", "семистам", "двохстах", "восьмистам", "четверым"). Four forms
  whose other reading is the likelier one in reports ("семью": a family) are kept out.
- Verbs. Tense and aspect of the verbs of transfer: a future ("передасть", "обміняються",
  "завершится") is a plan, not a return; a present of an imperfective verb ("проводять
  обмін", "обмін триває") is an exchange under way, not done.

The analysers load on first use (about 0.1 s and a few tens of MB each) and every word's
reading is cached, so the cost per item stays a dictionary lookup.
"""

from __future__ import annotations

from functools import cache

import pymorphy3

# Cardinal and collective numerals: lemma -> value. (Thousands are read by the number reader.)
_LEMMAS: dict[str, dict[str, int]] = {
    "uk": {
        "один": 1, "два": 2, "три": 3, "чотири": 4, "п'ять": 5, "шість": 6, "сім": 7,
        "вісім": 8, "дев'ять": 9, "десять": 10, "одинадцять": 11, "дванадцять": 12,
        "тринадцять": 13, "чотирнадцять": 14, "п'ятнадцять": 15, "шістнадцять": 16,
        "сімнадцять": 17, "вісімнадцять": 18, "дев'ятнадцять": 19, "двадцять": 20,
        "тридцять": 30, "сорок": 40, "п'ятдесят": 50, "шістдесят": 60, "сімдесят": 70,
        "вісімдесят": 80, "дев'яносто": 90, "сто": 100, "двісті": 200, "триста": 300,
        "чотириста": 400, "п'ятсот": 500, "шістсот": 600, "сімсот": 700, "вісімсот": 800,
        "дев'ятсот": 900, "двоє": 2, "троє": 3, "четверо": 4, "п'ятеро": 5, "шестеро": 6,
        "семеро": 7, "восьмеро": 8, "дев'ятеро": 9, "десятеро": 10, "двійко": 2,
    },
    "ru": {
        "один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7,
        "восемь": 8, "девять": 9, "десять": 10, "одиннадцать": 11, "двенадцать": 12,
        "тринадцать": 13, "четырнадцать": 14, "пятнадцать": 15, "шестнадцать": 16,
        "семнадцать": 17, "восемнадцать": 18, "девятнадцать": 19, "двадцать": 20,
        "тридцать": 30, "сорок": 40, "пятьдесят": 50, "шестьдесят": 60, "семьдесят": 70,
        "восемьдесят": 80, "девяносто": 90, "сто": 100, "двести": 200, "триста": 300,
        "четыреста": 400, "пятьсот": 500, "шестьсот": 600, "семьсот": 700, "восемьсот": 800,
        "девятьсот": 900, "двое": 2, "трое": 3, "четверо": 4, "пятеро": 5, "шестеро": 6,
        "семеро": 7, "восьмеро": 8, "девятеро": 9, "десятеро": 10,
    },
}  # fmt: skip
# Forms of the numerals whose other reading is the likelier one in these reports: "семью"
# (a family), "сьома" (the seventh), "двоим", "троим" (to double, to triple). The other
# forms the dictionaries read first as another word stay numbers: "три" (also "rub!"),
# "троє" (Troy) and "семи" were counts in all 14 of their uses in the development texts;
# "п'яти" (a heel), "сім" (this), "сорок" (a magpie) and "дев'яноста" (the ninetieth) do
# not occur there, and their other readings are unlikely beside a count of people.
_NOT_NUMBERS = frozenset({"семью", "сьома", "двоим", "троим"})
# "Сотня" counts a hundred only in the singular of its nominative and accusative: "сотні",
# "сотнями" are "hundreds" in the reports, however the dictionary reads them.
# "Ста" (the oblique cases of "сто": "ста п'ятдесяти", "около ста") is missing from the
# dictionaries' lexeme of "сто".
_HUNDRED = {"сотня": 100, "сотню": 100, "ста": 100}


def normal(word: str) -> str:
    """The apostrophes and the Russian ё as the dictionaries and the lexicon write them."""
    return word.replace("’", "'").replace("ʼ", "'").replace("ё", "е")


@cache
def analyser(lang: str) -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer(lang=lang)


@cache
def numeral_forms() -> dict[str, int]:
    """Every form of the numerals of both languages (normalised) -> value."""
    out: dict[str, int] = {}
    for lang, lemmas in _LEMMAS.items():
        morph = analyser(lang)
        for lemma, value in lemmas.items():
            parses = [p for p in morph.parse(lemma) if p.normal_form == lemma]
            for form in parses[0].lexeme if parses else ():
                word = normal(form.word)
                if word not in _NOT_NUMBERS:
                    out.setdefault(word, value)
    return out | _HUNDRED


# Verbs: what a form says of the act.
FUTURE = "future"
ONGOING = "ongoing"

_cache: dict[tuple[str, str], str | None] = {}
_CACHE_MAX = 100_000


def verb_time(word: str, lang: str) -> str | None:
    """FUTURE for a future form ("передасть", "обменяются", "завершится"), ONGOING for a
    present form of an imperfective verb ("проводять", "проводится", "триває"), else None
    (a past form, an infinitive, a participle, or not a verb)."""
    key = (lang, word)
    if key in _cache:
        return _cache[key]
    got: str | None = None
    tag = analyser("uk" if lang == "uk" else "ru").parse(normal(word))[0].tag
    if tag.POS == "VERB":
        if tag.tense == "futr":
            got = FUTURE
        elif tag.tense == "pres" and tag.aspect == "impf":
            got = ONGOING
    if len(_cache) >= _CACHE_MAX:
        _cache.clear()
    _cache[key] = got
    return got
