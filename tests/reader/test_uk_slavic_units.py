"""Shared Ukrainian/Russian building blocks: number words in their cases, dates, sentences."""

from __future__ import annotations

import datetime as dt

import pytest

from agents.reader.slavic.dates import find_date, find_since
from agents.reader.slavic.numbers import find_numbers
from agents.reader.slavic.tokens import sentences


def _toks(text: str) -> tuple[list[str], list[int]]:
    (s,) = sentences(text, "body", 0)
    return s.tokens, s.flags


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("1 003 тіла", [1003]),
        ("1 000 тел", [1000]),
        ("1,5 тыс. тел", [1500]),
        ("понад 7 тисяч тіл", [7000]),
        ("тисячу тіл", [1000]),
        ("тела тысячи погибших", [1000]),
        ("двох військових", [2]),
        ("п'ятьох захисників", [5]),
        ("п’ятеро полонених", [5]),
        ("одного цивільного", [1]),
        ("одну тысячу тел", [1000]),
        ("двісті п'ятдесят п'ять полонених", [255]),
        ("сто сорок шесть военных", [146]),
        ("шести тисяч тіл", [6000]),
        ("тисяча двісті полонених", [1200]),
        ("5 лютого 2026 року", []),
        ("16.02.2024 13:59", []),
        ("40-річний чоловік", []),
        ("15—20% тіл", []),
        ("сотні полонених і тисячі людей", []),
        ("одна одній", []),
    ],
)
def test_numbers(text: str, values: list[int]) -> None:
    toks, flags = _toks(text)
    assert [n.value for n in find_numbers(toks, flags)] == values


def test_approximate_markers() -> None:
    toks, flags = _toks("повернули понад 1000 тіл і близько 40 полонених")
    assert [(n.value, n.approx) for n in find_numbers(toks, flags)] == [(1000, True), (40, True)]


REF = dt.date(2026, 3, 5)  # a Thursday


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("У четвер, 5 лютого, відбувся обмін", "2026-02-05"),
        ("сьогодні повернули", "2026-03-05"),
        ("вчора повернули", "2026-03-04"),
        ("у п'ятницю повернули", "2026-02-27"),
        ("у листопаді 2023 року", "2023-11"),
        ("на початку лютого", "2026-02"),
        ("минулого місяця", "2026-02"),
        ("торік", "2025"),
        ("19 грудня", "2025-12-19"),
        ("16.02.2024", "2024-02-16"),
        ("у 2024 році", "2024"),
    ],
)
def test_dates(text: str, value: str) -> None:
    toks, flags = _toks(text)
    cue = find_date(toks, flags, REF)
    assert cue is not None and cue.value == value


def test_dates_need_a_publication_date_for_relative_cues() -> None:
    toks, flags = _toks("сьогодні, 5 лютого")
    assert find_date(toks, flags, None) is None
    toks, flags = _toks("у 2025 році, 15 січня")
    cue = find_date(toks, flags, None)
    assert cue is not None and cue.value == "2025-01-15"


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("з початку повномасштабного вторгнення", "2022-02"),
        ("призупинені з жовтня 2025 року", "2025-10"),
        ("з 2022 року", "2022"),
    ],
)
def test_since(text: str, since: str) -> None:
    toks, flags = _toks(text)
    assert find_since(toks, flags, REF) == since


def test_sentences_keep_offsets_and_paragraphs() -> None:
    body = "Перше речення про 1 тис. тіл. Друге — В. Зеленський.\nТретє речення"
    got = sentences(body, "body", 1)
    assert [s.text for s in got] == [
        "Перше речення про 1 тис. тіл.",
        "Друге — В. Зеленський.",
        "Третє речення",
    ]
    assert [s.para for s in got] == [1, 1, 2]
    for s in got:
        assert body[s.start : s.end] == s.text
