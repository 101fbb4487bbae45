"""Sentences and tokens of Ukrainian and Russian news text, with offsets kept for evidence.

Each sentence gets a normalised lower-case copy, its tokens and their word-class flags, and a
paragraph number that advances at every newline: Cyrillic outlets often separate paragraphs
with a single newline, and the reader carries a time frame only within a paragraph. The body
is cut at `MAX_SCAN` characters, so an oversized or adversarial body costs bounded time.

The splitter follows `shared.sentences.split_sentences` (same rules and MAX_SENTENCE) but tests the
capital after a full stop inside one regex and knows Cyrillic abbreviations; it is three
times faster, which the throughput goal needs (the tokenising that follows costs as much).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import reduce
from operator import or_

from agents.reader.shared.sentences import MAX_SENTENCE, FieldName
from agents.reader.slavic.lexicon import (
    CONDUCT,
    DONE,
    GET,
    GIVE,
    MODAL,
    ONGOING,
    RESCUE,
    RET,
    XCH,
    flags_of,
    words,
)
from agents.reader.slavic.morphology import FUTURE, verb_time
from agents.reader.slavic.morphology import ONGOING as ONGOING_TIME
from schemas.news import Evidence

# News articles are a few kilobytes; facts past this point are not worth unbounded work.
MAX_SCAN = 40_000

# Apostrophes, the Russian ё and unusual spaces vary between outlets; the lower-case copy used
# for matching maps them to one form, one character for one character, so offsets hold.
# (str.replace per character is C-speed; str.translate with a dict is not.)
_NORMALISE = (
    ("’", "'"),
    ("ʼ", "'"),
    ("`", "'"),
    ("‘", "'"),
    ("ё", "е"),
    ("\u00a0", " "),
    ("\u202f", " "),
    ("\u2009", " "),
)

# Tokens: numbers with their attachments ("16.02.2024", "1,5", "12:06"), words with apostrophes
# or hyphens ("п'ятьох", "40-річний", "2024-го"), single punctuation marks. Thousands written
# with a space ("1 003") are two tokens that `numbers` joins.
TOKEN = re.compile(r"\d+(?:[.:,/]\d+)+|[\w'-]+|[^\w\s]")


def normalise(text: str) -> str:
    """Lower-case matching copy of `text`, same length, same offsets."""
    low = text.lower()
    for old, new in _NORMALISE:
        if old in low:
            low = low.replace(old, new)
    if len(low) != len(text):  # a character whose lower case is longer ("İ"): keep it
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in low)
    return low


# A sentence ends at a newline, or at . ! ? … (with closing quotes) before a capital, a digit
# or an opening quote or dash; the capital test runs inside the regex, so Python looks only
# at real candidates.
_END = re.compile(r"\n|[.!?…]+[\"'”’»)\]]*(?=\s+[\"'“‘«„(\[\-–—•*]?\s?[A-ZА-ЯІЇЄҐЁ0-9]|\s*$)")
# Words after which a full stop does not end a sentence (lower case, no dot).
_ABBREV = words(
    "тис тыс млн млрд грн руб г гг р рр ст пос с смт м вул ул обл див см св др ім им т д п пп "
    "прим англ нар ген проф акад тов ін ін-т р-н"
)


# Page furniture that points at other stories ("Читайте також: ...").
_TEASERS = (
    "читайте також",
    "читайте также",
    "дивіться також",
    "смотрите также",
    "по темі",
    "по теме",
    "попередня стаття",
    "наступна стаття",
    "предыдущая статья",
    "следующая статья",
    "реклама",
    "новини партнерів",
    "новости партнеров",
    "підписуйтесь",
    "подписывайтесь",
    "популярне",
    "популярное",
    "читайте нас",
    "джерело:",
    "источник:",
)


@dataclass(slots=True)
class Sentence:
    field: FieldName
    start: int
    end: int
    text: str
    low: str
    para: int
    index: int  # position among the sentences of the item, title first
    tokens: list[str]
    flags: list[int]
    sflags: int  # union of the token flags
    _evidence: Evidence | None = None

    def evidence(self) -> Evidence:
        """The sentence as the evidence of a fact (made once: facts of one sentence share it)."""
        if self._evidence is None:
            self._evidence = Evidence(
                field=self.field, start=self.start, end=self.end, text=self.text[:2000]
            )
        return self._evidence


def _spans(text: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of each sentence of `text`; linear, pieces cut at MAX_SENTENCE."""
    out: list[tuple[int, int, int]] = []
    para = 0
    start = 0

    def emit(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        while b - a > MAX_SENTENCE:
            cut = text.rfind(" ", a + MAX_SENTENCE // 2, a + MAX_SENTENCE)
            cut = cut if cut > a else a + MAX_SENTENCE
            out.append((a, cut, para))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        if b > a:
            out.append((a, b, para))

    for m in _END.finditer(text):
        pos = m.start()
        if text[pos] == "\n":
            emit(start, pos)
            start = pos + 1
            para += 1
            continue
        if text[pos] == ".":
            ws = text.rfind(" ", max(0, pos - 12), pos)
            word = text[ws + 1 : pos].lstrip("\"'“‘«(")
            if (len(word) == 1 and word.isalpha()) or word.lower() in _ABBREV:
                continue  # an initial ("В. Зеленський") or an abbreviation ("1 тис. тіл")
        emit(start, m.end())
        start = m.end()
    emit(start, len(text))
    return out


# The verbs whose tense and aspect the dictionaries are asked for: those of the act, and of
# conducting or continuing it ("проводять обмін", "обмін триває", "продолжается").
_ACTS = RET | GIVE | GET | XCH | DONE | RESCUE


_LANG_CACHE: dict[str, dict[str, int]] = {}
_LANG_CACHE_MAX = 200_000


def _word_flags(word: str, lang: str) -> int:
    """The lexicon's flags of a word, and for a verb of the act (or of conducting it) what
    its form says: a future is a plan (MODAL: "передасть", "обменяются"), a present of an
    imperfective verb is under way (ONGOING: "проводять обмін")."""
    f = flags_of(word)
    if f & (_ACTS | CONDUCT) and word[0].isalpha():
        time = verb_time(word, lang)
        if time == FUTURE:
            f |= MODAL
        elif time == ONGOING_TIME:
            f |= ONGOING
    return f


def sentences(
    text: str, fld: FieldName, para0: int, index0: int = 0, lang: str = "uk"
) -> list[Sentence]:
    """Sentences of `text` (cut at MAX_SCAN), tokenised, a new paragraph at every newline;
    `lang` chooses the dictionary that reads the verbs."""
    scan = text[:MAX_SCAN]
    low_all = normalise(scan)
    cache = _LANG_CACHE.setdefault(lang, {})
    if len(cache) > _LANG_CACHE_MAX:
        cache.clear()
    get = cache.get
    out: list[Sentence] = []
    for a, b, para in _spans(scan):
        low = low_all[a:b]
        if low.startswith(_TEASERS):
            continue  # links to other stories carry their figures, not this item's
        toks = TOKEN.findall(low)
        flags = [get(t, -1) for t in toks]
        if -1 in flags:
            for k, t in enumerate(toks):
                if flags[k] < 0:
                    flags[k] = cache[t] = _word_flags(t, lang)
        sf = reduce(or_, flags, 0)
        out.append(
            Sentence(fld, a, b, scan[a:b], low, para0 + para, index0 + len(out), toks, flags, sf)
        )
    return out
