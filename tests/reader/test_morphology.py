"""Ukrainian and Russian forms read from the pymorphy3 dictionaries (slavic/morphology.py)."""

from __future__ import annotations

import pytest

from agents.reader.slavic.lexicon import MODAL, ONGOING
from agents.reader.slavic.morphology import FUTURE, numeral_forms, verb_time
from agents.reader.slavic.morphology import ONGOING as ONGOING_TIME
from agents.reader.slavic.numbers import find_numbers
from agents.reader.slavic.tokens import sentences


@pytest.mark.parametrize(
    ("word", "value"),
    [
        # forms the hand-written tables this replaced did not hold
        ("п'ятьома", 5),
        ("семистам", 700),
        ("двохстах", 200),
        ("восьмистам", 800),
        ("четверым", 4),
        ("шестерыми", 6),
        ("тремястами", 300),
        # and the common ones
        ("двох", 2),
        ("трьох", 3),
        ("п'ятьох", 5),
        ("восьмеро", 8),
        ("двухсот", 200),
        ("сорока", 40),
        ("дев'яноста", 90),
        # read first as other words, numbers in the reports
        ("три", 3),
        ("троє", 3),
        ("семи", 7),
        ("сто", 100),
        ("сотню", 100),
    ],
)
def test_number_words_from_the_dictionaries(word: str, value: int) -> None:
    assert numeral_forms()[word] == value


@pytest.mark.parametrize("word", ["семью", "сотні", "сотнями", "тисячі", "одна одній"])
def test_words_that_are_no_figure(word: str) -> None:
    """ "семью" is a family first; "сотні" are hundreds; thousands are read elsewhere."""
    assert word not in numeral_forms()


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("повернули п'ятьома автобусами сімдесят двох полонених", [5, 72]),
        ("передали двохстах п'ятдесяти військовим", [250]),
        ("вернули семью из Курска", []),
    ],
)
def test_compound_number_words_in_text(text: str, values: list[int]) -> None:
    (s,) = sentences(text, "body", 0)
    assert [n.value for n in find_numbers(s.tokens, s.flags)] == values


@pytest.mark.parametrize(
    ("word", "lang", "time"),
    [
        ("передасть", "uk", FUTURE),
        ("обміняються", "uk", FUTURE),
        ("передаст", "ru", FUTURE),
        ("завершится", "ru", FUTURE),
        ("проводять", "uk", ONGOING_TIME),
        ("триває", "uk", ONGOING_TIME),
        ("проводят", "ru", ONGOING_TIME),
        ("передали", "uk", None),
        ("обменялись", "ru", None),
        ("повернуто", "uk", None),
    ],
)
def test_verb_time(word: str, lang: str, time: str | None) -> None:
    assert verb_time(word, lang) == time


def test_a_future_of_the_act_is_a_plan_and_a_present_is_under_way() -> None:
    (s,) = sentences("Україна передасть 500 тіл, а обмін проводять поетапно.", "body", 0)
    flags = dict(zip(s.tokens, s.flags, strict=True))
    assert flags["передасть"] & MODAL
    assert flags["проводять"] & ONGOING
    (past,) = sentences("Україна передала 500 тіл.", "body", 0)
    assert not any(f & (MODAL | ONGOING) for f in past.flags)
