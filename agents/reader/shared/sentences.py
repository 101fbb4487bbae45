"""Sentences with character offsets into an item's title or body, and the evidence of a
fact read from one."""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

from schemas.news import Evidence, NewsItem

FieldName = Literal["title", "body"]

# Sentences

# Sentences longer than this are cut (at a space) so that no later step scans unbounded text.
MAX_SENTENCE = 1000

# Abbreviations (lower case, without the final dot) after which a dot does not end a sentence.
ABBREVIATIONS: frozenset[str] = frozenset(
    " ".join(
        (
            "mr mrs ms dr st gen lt col maj capt sgt adm gov sen rep prof jr sr no nos vs etc",
            "approx est dept inc ltd co corp jan feb mar apr jun jul aug sep sept oct nov dec",
            "u.s u.k u.n e.g i.e a.m p.m fig ca cf al ukr rus",
            "г гг ст им пп тыс млн млрд см т.е т.д т.п ул обл р-н",
        )
    ).split(" ")
)

# A sentence ends at a newline, or at . ! ? … (and closing quotes or brackets) before a space.
# (It opens with a character class, which lets the regex engine skip fast to candidates.)
_BOUNDARY = re.compile(
    r"[\n.!?…](?:(?<=\n)(?:[ \t\r\u00a0]*\n)*|(?<!\n)[.!?…]*[\"'”’»)\]]*(?=\s|$))"
)
_INITIALS = re.compile(r"^(?:\w\.)+\w$")
_SPACE = frozenset(" \t\r\n\u00a0\u2009\u202f")
_OPENERS = frozenset("\"'“‘«([-–—•*")


class Sentence(NamedTuple):
    """One sentence: `text == <field text>[start:end]`; `para` counts paragraphs in the field
    (-1 for the title); `seq` is the position among the item's sentences (title first)."""

    field: FieldName
    start: int
    end: int
    text: str
    para: int
    seq: int


def _ends_sentence(text: str, start: int, end: int) -> bool:
    """Whether the punctuation text[start:end] ends a sentence (not an abbreviation, an
    initial, or a dot before a lower-case word)."""
    n = len(text)
    j = end
    while j < n and text[j] in _SPACE:
        j += 1
    if j >= n:
        return True
    c = text[j]
    if not (c.isupper() or c.isdigit() or c in _OPENERS):
        return False
    if text[start] != ".":
        return True
    ws = text.rfind(" ", max(0, start - 24), start)
    nl = text.rfind("\n", max(0, start - 24), start)
    word = text[max(ws, nl) + 1 : start].lstrip("\"'“‘«([").lower()
    if not word or len(word) > 6:
        return True
    if len(word) == 1 and word.isalpha():
        return False  # an initial: "Vladimir V. Putin"
    return word not in ABBREVIATIONS and ("." not in word or _INITIALS.match(word) is None)


def split_sentences(
    text: str, field: FieldName, *, first_index: int = 0, max_len: int = MAX_SENTENCE
) -> list[Sentence]:
    """Split `text` into sentences with offsets; linear in len(text).

    Newlines always end a sentence (headlines, bullet lines); blank lines start a paragraph.
    Pieces longer than `max_len` are cut at the last space before the limit.
    """
    out: list[Sentence] = []
    para = 0
    start = 0

    def emit(a: int, b: int) -> None:
        piece = text[a:b]
        body = piece.strip()
        if not body:
            return
        a += len(piece) - len(piece.lstrip())
        b = a + len(body)
        while b - a > max_len:
            cut = text.rfind(" ", a + max_len // 2, a + max_len)
            if cut <= a:
                cut = a + max_len
            out.append(Sentence(field, a, cut, text[a:cut], para, first_index + len(out)))
            a = cut
            while a < b and text[a].isspace():
                a += 1
        if b > a:
            out.append(Sentence(field, a, b, text[a:b], para, first_index + len(out)))

    for m in _BOUNDARY.finditer(text):
        ms, me = m.span()
        if text[ms] == "\n":
            emit(start, ms)
            start = me
            if me - ms > 1 and text.count("\n", ms, me) > 1:
                para += 1
        elif _ends_sentence(text, ms, me):
            emit(start, me)
            start = me
    emit(start, len(text))
    return out


def item_sentences(item: NewsItem) -> list[Sentence]:
    """Title sentences (paragraph -1) then body sentences, indexed in that order."""
    title = (
        [s._replace(para=-1) for s in split_sentences(item.title, "title")] if item.title else []
    )
    return title + split_sentences(item.body, "body", first_index=len(title))


def evidence(sentence: Sentence) -> Evidence:
    """The Evidence of a fact read from `sentence` (its exact span in the item's field; the
    text is cut at the schema's 2,000 characters, sentences are shorter)."""
    return Evidence(
        field=sentence.field, start=sentence.start, end=sentence.end, text=sentence.text[:2000]
    )
