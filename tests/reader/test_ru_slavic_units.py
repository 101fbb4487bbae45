"""Russian dates, the parties' grammar and robustness of the shared Ukrainian/Russian engine."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agents.reader.slavic.dates import find_date
from agents.reader.slavic.parties import party_role
from agents.reader.slavic.reader import read as read_slavic
from agents.reader.slavic.tokens import sentences
from schemas.news import NewsItem

REF = dt.date(2025, 6, 16)  # a Monday


def _toks(text: str) -> tuple[list[str], list[int]]:
    (s,) = sentences(text, "body", 0)
    return s.tokens, s.flags


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("в минувшую пятницу", "2025-06-13"),
        ("в прошлом месяце", "2025-05"),
        ("в ноябре 2024 года", "2024-11"),
        ("в начале февраля", "2025-02"),
        ("МОСКВА, 5 мар - РИА Новости", "2025-03-05"),
        ("с июля прошлого года", "2024-07"),
        ("в прошлом году", "2024"),
    ],
)
def test_dates(text: str, value: str) -> None:
    toks, flags = _toks(text)
    cue = find_date(toks, flags, REF)
    assert cue is not None and cue.value == value


@pytest.mark.parametrize(
    ("text", "word", "role"),
    [
        ("России переданы тела", "россии", ("RU", "dat")),
        ("Минобороны России сообщило", "россии", ("RU", "gen")),
        ("находятся в России", "россии", None),
        ("РФ получила 29 тел", "рф", ("RU", "nom")),
        ("вернули в Россию", "россию", ("RU", "dir")),
        ("Украине удалось вернуть", "украине", ("UA", "dat")),
        ("вернулись из Украины", "украины", ("UA", "src")),
        ("украинской стороне передали", "стороне", ("UA", "dat")),
        ("с территории, подконтрольной Киеву", "киеву", ("UA", "src")),
    ],
)
def test_party_roles(text: str, word: str, role: tuple[str, str] | None) -> None:
    toks, flags = _toks(text)
    assert party_role(toks, flags, toks.index(word)) == role


_TEXT = (
    "обмен обмін пленных полонених тела тіла 1 000 84 на 1,5 тыс. тисяч вернули повернули "
    "передала Россия Україна Украине Росії из плена з полону двух п'ятьох сегодня у четвер "
    "не готова списки поза обміном , . — « » \n 2025 року 5 лютого ВСУ ЗСУ своих наших"
)
_WORDS = _TEXT.split(" ")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_WORDS), max_size=120), st.sampled_from(["uk", "ru"]))
def test_any_mix_reads_with_exact_evidence(words: list[str], lang: str) -> None:
    body = " ".join(words)
    item = NewsItem(
        id="h",
        source="h",
        published_at=dt.datetime(2025, 6, 16, tzinfo=dt.UTC),
        body=body,
        title=" ".join(words[:8]) or None,
        lang=lang,
    )
    out = read_slavic(item, lang)
    assert out.labels[0] == out.primary
    for f in out.facts:
        ev = f.evidence
        assert ev is not None
        text = item.title if ev.field == "title" else item.body
        assert text is not None and text[ev.start : ev.end] == ev.text


def test_oversized_adversarial_body_reads() -> None:
    """A 1 MB body past the schema's limit is still read (only its head; no time assert)."""
    body = "обмін полонених тіла 1 000 повернули Росія передала з полону по 84 на 84 " * 15_000
    item = NewsItem.model_construct(
        id="big",
        source="t",
        url=None,
        title=None,
        lang="ru",
        body=body,
        published_at=dt.datetime(2025, 6, 16, tzinfo=dt.UTC),
    )
    out = read_slavic(item, "ru")
    assert out.primary in ("pow_exchange", "remains_exchange")
